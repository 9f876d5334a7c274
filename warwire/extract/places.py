"""Place mentions and their resolution against the gazetteer, using the article's other places
and countries as context ("Jordan" in a Middle East story is the country, not a town in Hong Kong).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from spacy.attrs import IS_TITLE, IS_UPPER
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans
from spacy.tokens import Doc, Span as SpacySpan, Token

from ..kb.gazetteer import Gazetteer, PlaceEntry, fold, place_words
from ..types import ActorKind, Place, Span
from .actors import ActorIndex, _trim, name_after
from .docfacts import children, conjuncts, facts, glued_hyphen_after, span_text

PRODUCER = "warwire.places.gazetteer.v1"
# Nouns after a name that say what kind of place it is ("Jowzjan province", "Baghdad airport").
ADMIN_SUFFIX = {"province": "admin1", "governorate": "admin1", "state": "admin1", "region": "admin1",
                "oblast": "admin1", "prefecture": "admin1", "department": "admin1", "county": "admin2",
                "district": "admin2", "municipality": "admin2", "commune": "admin2", "division": "admin2",
                "upazila": "admin2", "city": "city", "town": "town", "village": "village", "area": None,
                "camp": None, "neighbourhood": "district", "neighborhood": "district", "community": "village",
                "locality": "village", "sector": None, "zone": None}
FACILITY_SUFFIX = ("airport", "international airport", "air base", "airbase", "base", "crossing")
# Word lists kept as data (kb/data/cues/place_words.yaml).
_WORDS = place_words()
SETTING_PREPS = _WORDS["setting_preps"]    # "clashes at Tall Battal": an unknown name is still a place
NAME_PARTICLES = _WORDS["name_particles"]  # "Duque de Caxias"
AREA_NOUNS = _WORDS["area_nouns"]          # "the outskirts of X"
PLACE_HEADS = _WORDS["place_heads"]        # "the Bani Zaid Quarter": a place whoever knows it
TYPE_PREFIXES = _WORDS["type_prefixes"]    # "Barangay San Isidro": a village called San Isidro
NAMING_HEADS = _WORDS["naming_heads"]      # "Nduta Refugee Camp": the last word belongs to the name
DIRECTIONS = _WORDS["directions"]          # "in northern Aleppo"
PLACE_PREPS = _WORDS["place_preps"]        # where a place is expected
NORP_PLACE_PREPS = _WORDS["norp_place_preps"]  # where a name the NER calls a nationality may be a place
PLACE_PREPS_OR_COMMA = PLACE_PREPS | {","}   # a comma continues a list of places ("Ghazni, Paktia")
TERRITORY_NOUNS = _WORDS["territory_nouns"]  # "control of X"
MOVE_VERBS = _WORDS["movement_verbs"]      # "travelling to X"
CODED_PHRASES = frozenset(tuple(p.split()) for p in _WORDS["coded_place_phrases"])  # "(coded as Kamango)"
CODED_VERBS = frozenset(words[-2] for words in CODED_PHRASES)
PEOPLE_TAKING_VERBS = _WORDS["people_taking_verbs"]  # "captured Abu Bakr": a person, not a place
PART_WORDS = _WORDS["city_part_words"]     # "Toronto - old Toronto", "Rio de Janeiro - West Zone"
PART_OF_NOUNS = frozenset(_WORDS["part_of_nouns"])  # "the Ben Ali area of Tunis": a part of the place after "of"
CITY_FEATURES = frozenset({"city", "town", "admin2", "district", "village"})
REGION_FEATURES = frozenset({"admin1", "region"})
DASHES = frozenset({"-", "–", "—"})
CALENDAR_WORDS = frozenset("""january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday a.m. p.m.""".split())
CONTEXT_BONUS = 4.0      # candidate in a country the article names elsewhere
SUFFIX_BONUS = 3.0       # candidate's feature agrees with "X province" / "X district"
SUPPLEMENT_BONUS = 1.5   # curated entries beat same-name villages
COUNTRY_BONUS = 6.0      # a country's own name is the country (Jordan, Georgia) unless context says else
NEAR_KM = 400.0          # candidates near the article's other places win ties


@dataclass(slots=True)
class PMention:
    start: int
    end: int
    cstart: int
    cend: int
    text: str
    hint: str | None = None            # feature hinted by a suffix noun
    entry: PlaceEntry | None = None
    attributive: bool = False          # "Russian", "US" in "US forces": names a country, not a location
    within: "PMention | None" = None   # "X (District, Province)": the bracketed area an unknown X lies in


@dataclass(slots=True)
class PlaceIndex:
    mentions: list[PMention] = field(default_factory=list)
    tok: dict[int, PMention] = field(default_factory=dict)
    ids: dict[int, str] = field(default_factory=dict)      # id(PMention) -> place id
    records: tuple[Place, ...] = ()
    by_id: dict[str, Place] = field(default_factory=dict)

    def place_at(self, i: int) -> str | None:
        m = self.tok.get(i)
        return self.ids.get(id(m)) if m is not None else None

    def record(self, pid: str | None) -> Place | None:
        return self.by_id.get(pid) if pid else None

    def country_of(self, m: PMention) -> str | None:
        rec = self.record(self.ids.get(id(m)))
        return rec.country if rec else None

    def countries(self) -> Counter:
        return Counter(m.entry.country for m in self.mentions if m.entry is not None and m.entry.country)


class PlaceFinder:
    def __init__(self, gazetteer: Gazetteer, vocab, supplement_names: list[str],
                 object_verbs: frozenset[str], demonyms: frozenset[str]):
        self.gaz = gazetteer
        self.demonyms = demonyms  # "Iraqi", "Malian": nationalities, never a place name
        self.object_verbs = object_verbs  # "captured X", "entered X": verbs whose object is a place
        self.matcher = PhraseMatcher(vocab, attr="LOWER")
        from spacy.lang.en import English

        tok = English().tokenizer
        for name in supplement_names:
            self.matcher.add("PLACE", [tok(name.lower())])

    def find(self, doc: Doc, actors: ActorIndex, country_of=None) -> PlaceIndex:
        """``country_of(token) -> ISO3 | None`` reads nationality words and country names inside actor
        names ("US forces", "Russian diplomats"); they are kept as attributive mentions of the country."""
        spans = self._candidates(doc, actors)
        idx = PlaceIndex()
        lower = facts(doc).lower  # the words around each name read by token index
        for span in spans:
            hint = None
            end = span.end
            name = span_text(span)
            if end < len(doc) and lower[end] in ADMIN_SUFFIX and not _describes(doc, span.start, end):
                hint = ADMIN_SUFFIX[lower[end]]
            elif len(span) > 1 and lower[end - 1] in ADMIN_SUFFIX and not self.gaz.lookup(name):
                hint = ADMIN_SUFFIX[lower[end - 1]]
                if lower[end - 1] not in NAMING_HEADS:
                    name = span_text(span[:-1])  # "Kandahar city", "Giro district"; but "Nduta Refugee Camp"
            if len(span) > 1 and lower[span.start] in TYPE_PREFIXES and span[1].is_title:
                name, hint = span_text(span[1:]), hint or "village"  # "Barangay San Isidro" is San Isidro
            m = PMention(span.start, span.end, span.start_char, span.end_char, name, hint)
            idx.mentions.append(m)
            for i in range(span.start, span.end):
                idx.tok[i] = m
        self._resolve(idx, actors)
        self._regions_after(doc, idx)
        self._city_parts(doc, idx)
        self._link_brackets(doc, idx)
        if country_of is not None:
            self._attributive(doc, idx, actors, country_of)
        self._records(idx, doc)
        return idx

    def _attributive(self, doc: Doc, idx: PlaceIndex, actors: ActorIndex, country_of) -> None:
        # capitalised words only, found in the Doc's arrays: no Token for every other word
        capitalised = [i for i, (title, upper) in enumerate(_case_flags(doc)) if title or upper]
        f = facts(doc)
        for tok in (doc[i] for i in capitalised):
            if tok.i in idx.tok or tok.i in actors.place_tokens:
                continue
            if glued_hyphen_after(f, tok.i + 1):
                continue
            iso3 = country_of(tok)  # nationality words and country names only: never a capital
            entry = self.gaz.country(iso3) if iso3 else None
            if entry is None:
                continue
            pm = PMention(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), tok.text, entry=entry, attributive=True)
            idx.mentions.append(pm)
            idx.tok[tok.i] = pm

    # ---------------------------------------------------------------- candidates

    def _candidates(self, doc: Doc, actors: ActorIndex) -> list[SpacySpan]:
        spans: list[SpacySpan] = []
        for _, s, e in self.matcher(doc):
            spans.append(SpacySpan(doc, s, e, label="PLACE"))
        for ent in actors.ents():
            if ent.label_ not in ("GPE", "LOC", "FAC"):
                continue
            ent = _trim(ent)
            if ent is None:
                continue
            spans.append(self._extend_name(doc, self._extend_facility(doc, ent)))
        spans.extend(self._parenthetical(doc, spans))
        spans.extend(self._before_region(doc))
        spans.extend(self._coded(doc))
        spans.extend(self._place_objects(doc))
        for i in actors.place_tokens:
            spans.append(SpacySpan(doc, i, i + 1, label="GPE"))
        spans.extend(self._after_preposition(doc))
        keep = []
        f = facts(doc)
        for span in filter_spans(spans):
            if self._is_actor(span, actors) or any(i in actors.not_places for i in range(span.start, span.end)):
                continue
            if glued_hyphen_after(f, span.end):
                continue  # "Iran-backed", "Gaza-based": a modifier, not a place
            keep.append(span)
        return keep

    def _extend_facility(self, doc: Doc, ent: SpacySpan) -> SpacySpan:
        lower = facts(doc).lower
        for suffix in FACILITY_SUFFIX:
            n = len(suffix.split())
            words = " ".join(lower[ent.end:ent.end + n])
            if words == suffix:
                cand = SpacySpan(doc, ent.start, ent.end + n, label="FAC")
                if self.gaz.lookup(span_text(cand)):
                    return cand
        return ent

    def _extend_name(self, doc: Doc, ent: SpacySpan) -> SpacySpan:
        """"Candido" tagged, "Candido Sales" meant: take the longest run of capitalised words the
        gazetteer knows."""
        best = ent
        for n in range(1, 6):  # "Duque de Caxias", "San Fernando del Valle de Catamarca"
            end = ent.end + n
            if end > len(doc) or not all(t.is_title and t.is_alpha or t.lower_ in NAME_PARTICLES
                                         for t in doc[ent.end:end]):
                break
            if not doc[end - 1].is_title:
                continue
            cand = SpacySpan(doc, ent.start, end, label=ent.label_)
            if self.gaz.lookup(span_text(cand)):
                best = cand
        return best

    def _parenthetical(self, doc: Doc, spans: list[SpacySpan]) -> list[SpacySpan]:
        """"X (District, Province)": the admin areas named in brackets after a place."""
        out = []
        for i in facts(doc).where({"("}):
            if i == 0:
                continue
            named = self._before_bracket(doc, i)
            if named is not None:
                out.append(named)
            elif not doc[i - 1].is_title:
                continue
            j = i + 1
            while j < len(doc) and doc[j].text != ")" and j - i < 12:
                k = j
                while k < len(doc) and doc[k].text not in (",", ")", ";") and k - j < 5:
                    k += 1
                cand = SpacySpan(doc, j, k, label="GPE")
                if k > j and cand[0].is_title and self.gaz.lookup(span_text(cand)):
                    out.append(cand)
                j = k + 1 if k < len(doc) and doc[k].text == "," else k
                if k < len(doc) and doc[k].text in (")", ";"):
                    break
        return out

    def _place_objects(self, doc: Doc) -> list[SpacySpan]:
        """The named object of a verb of territory or movement is a place: "captured Bayyanoun",
        "entered the Hanano district", "patrolled Guelaguetza Auditorium"."""
        out = []
        for tok in (doc[i] for i in facts(doc).where(self.object_verbs, "lemma")):
            if tok.pos_ != "VERB":
                continue
            for obj in children(tok):
                if obj.dep_ != "dobj":
                    continue
                for head in [obj, *conjuncts(obj)]:
                    if not (head.pos_ == "PROPN" or head.lower_ in PLACE_HEADS):
                        continue
                    start = head.i
                    while start > 0 and doc[start - 1].dep_ == "compound" and _capitalised(doc[start - 1]) and \
                            doc[start - 1].head.i in range(start, head.i + 1):
                        start -= 1
                    if start == head.i and head.pos_ != "PROPN" or not _capitalised(doc[start]):
                        continue
                    span = doc[start:head.i + 1]
                    if any(t.ent_type_ in ("DATE", "TIME") or t.ent_type_ == "PERSON" and
                           tok.lemma_.lower() in PEOPLE_TAKING_VERBS for t in span) or \
                            any(t.ent_type_ == "NORP" for t in span) and self._nationality(span.text):
                        continue  # "captured Abu Bakr" is a person, "overran Qarqoush" a place
                    out.append(SpacySpan(doc, start, head.i + 1, label="PLACE"))
        return out

    def _coded(self, doc: Doc) -> list[SpacySpan]:
        """The place a note says its event is coded to ("coded to Kyiv", "coded as Kamango"): a place whether
        or not the gazetteer knows it, unless it names an actor ("coded as Kashmir Rebels")."""
        out = []
        for i in coded_at(doc):
            j = i
            while j < len(doc) and j - i < 6 and (_capitalised(doc[j]) or j > i and doc[j].lower_ in NAME_PARTICLES
                                                   and j + 1 < len(doc) and _capitalised(doc[j + 1])):
                j += 1
            if j > i:
                out.append(SpacySpan(doc, i, j, label="PLACE"))
        return out

    def _is_region(self, name: str) -> bool:
        return any(e.feature in ("admin1", "country", "region") for e in self.gaz.lookup(name))

    def _before_region(self, doc: Doc) -> list[SpacySpan]:
        """Analysts' "Town, Region": a capitalised name before a comma and a known first-level region
        or country is a place even when no gazetteer knows it ("shelled Pisochyn, Kharkiv")."""
        out = []
        for tok in (doc[i] for i in facts(doc).where({","})):
            if tok.i == 0 or tok.i + 1 >= len(doc) or not doc[tok.i - 1].is_title:
                continue
            region = name_after(doc, tok.i, self._is_region)
            if region is None:
                continue
            end, start = tok.i, tok.i
            while start > 0 and end - start < 4 and doc[start - 1].is_title and doc[start - 1].pos_ == "PROPN" and \
                    doc[start - 1].ent_type_ not in ("DATE", "TIME", "NORP"):
                start -= 1
            if start < end and start != facts(doc).sent_start[start] and doc[start].lower_ not in CALENDAR_WORDS:
                out.append(SpacySpan(doc, start, end, label="PLACE"))
                out.append(SpacySpan(doc, region.start, region.end, label="GPE"))
        return out

    @staticmethod
    def _before_bracket(doc: Doc, i: int) -> SpacySpan | None:
        """The name right before "(District, Province)", known to the gazetteer or not: "shelled
        Kravtsivka (Buchanskyi, Kyiv)", "in Tandawa village (Rutshuru, Nord-Kivu)"."""
        end = i
        if end > 0 and doc[end - 1].lower_ in PLACE_HEADS:
            end -= 1
        start = end
        while start > 0 and end - start < 4 and doc[start - 1].is_title and doc[start - 1].pos_ in ("PROPN", "NOUN") \
                and doc[start - 1].ent_type_ not in ("DATE", "TIME"):
            start -= 1
        if start == end or start == facts(doc).sent_start[start] or doc[start].lower_ in CALENDAR_WORDS:
            return None
        inside = doc[i + 1:min(i + 12, len(doc))]
        if not any(t.text == "," for t in inside) or not any(t.text == ")" for t in inside):
            return None  # "X (Y)" alone is as often an abbreviation as a place: "(Area, Region)" only
        return SpacySpan(doc, start, i if i - end == 1 else end, label="PLACE")

    def _after_preposition(self, doc: Doc) -> list[SpacySpan]:
        """Capitalised names the NER missed but the gazetteer knows, where a place is expected: after
        in/near/at/of/from/to/between, in lists ("Ghazni, Paktia"), before "district"/"village"."""
        out = []
        f = facts(doc)  # every preposition and comma of the text is read: by index, no Token per word
        n, lower, pos, word, space = len(doc), f.lower, f.pos, f.word, f.space
        cap, ent_type = _capitalised_words(doc), f.ent_types(doc)
        for ti in f.where(PLACE_PREPS_OR_COMMA):
            if ti + 1 >= n:
                continue
            i = ti + 1
            while i < n and (lower[i] in DIRECTIONS or lower[i] == "the") and i - ti <= 3:
                i += 1  # "in northern Aleppo", "near the village"
            j = i
            while j < n and j - i <= 5:
                if cap[j] and pos[j] in ("PROPN", "NOUN", "ADJ"):
                    j += 1
                elif j > i and word[j] in DASHES and not space[j - 1] and not space[j] and j + 1 < n and cap[j + 1]:
                    j += 1  # "Al-Bassel Hospital": a hyphen inside the name (_joiner)
                else:
                    break
            for end in range(j, i, -1):  # longest known name first
                if word[end - 1] in DASHES:
                    continue  # "Al-" of "Al-Assad Academy" is no name of its own
                span = SpacySpan(doc, i, end, label="GPE")
                text = span_text(span)
                norp = "NORP" in ent_type[i:end]
                if norp and not (lower[ti] in NORP_PLACE_PREPS and not self._nationality(text)):
                    break  # "Iraqi", "Syrian" are nationalities; "the city of Samarra" is not
                if _plausible(span) and (self.gaz.lookup(text) or
                                         end == j and _named_place(doc, doc[ti], span, self._nationality(text))):
                    out.append(span)
                    break
        return out

    def _nationality(self, text: str) -> bool:
        return text.lower() in self.demonyms

    @staticmethod
    def _is_actor(span: SpacySpan, actors: ActorIndex) -> bool:
        """Names inside an actor mention are not places, except a state's own name (Iraq is both)."""
        for i in range(span.start, span.end):
            m = actors.tok.get(i)
            if m is None:
                continue
            if m.entry is not None and m.entry.kind == ActorKind.STATE and m.start == span.start and \
                    m.end == span.end and fold(span.text) in _country_keys(m):
                return False
            return True
        return False

    @staticmethod
    def _city_parts(doc: Doc, idx: PlaceIndex) -> None:
        """"Sao Paulo - East Zone", "Donetsk - Petrovskyi": a part of a known city, named as ACLED names
        it, is one place inside that city."""
        for m in list(idx.mentions):
            if m.entry is None or m.entry.feature not in CITY_FEATURES or m.attributive:
                continue
            dash = m.end - 1 if doc[m.end - 1].text in DASHES else m.end
            if dash >= len(doc) or doc[dash].text not in DASHES or not doc[dash - 1].whitespace_ or \
                    not doc[dash].whitespace_:
                continue
            j = dash + 1
            while j < len(doc) and j - dash <= 4 and (doc[j].is_title or doc[j].is_upper or doc[j].is_digit or
                                                       doc[j].lower_ in NAME_PARTICLES or
                                                       doc[j].lower_ in PART_WORDS) and doc[j].is_alpha | doc[j].is_digit:
                j += 1
            while j > dash + 1 and doc[j - 1].lower_ in NAME_PARTICLES:
                j -= 1  # a name does not end on "de" or "on": "Chisinau - Buiucani on four charges"
            if j == dash + 1:
                continue
            tail = {id(x) for x in (idx.tok.get(k) for k in range(dash, j)) if x is not None and x is not m}
            idx.mentions = [x for x in idx.mentions if id(x) not in tail]
            part = PMention(m.start, j, m.cstart, doc[j - 1].idx + len(doc[j - 1]),
                            doc[m.start:j].text, within=PMention(m.start, m.end, m.cstart, m.cend, m.text, m.hint,
                                                                 m.entry))
            idx.mentions[idx.mentions.index(m)] = part
            for k in range(m.start, j):
                idx.tok[k] = part

    @staticmethod
    def _link_brackets(doc: Doc, idx: PlaceIndex) -> None:
        """An unknown name before "(District, Province)" lies in the first bracketed area we know; one before
        "area of Y", "neighbourhood of Y" lies in the town Y."""
        for m in idx.mentions:
            if m.within is not None or m.attributive:
                continue
            j = m.end + (1 if m.end < len(doc) and doc[m.end].lower_ in PART_OF_NOUNS else 0)
            if j > m.end or doc[m.end - 1].lower_ in PART_OF_NOUNS:
                host = idx.tok.get(j + 1) if j + 1 < len(doc) and doc[j].lower_ == "of" else None
                if host is not None and host is not m and host.entry is not None and not host.attributive and \
                        host.entry.feature in CITY_FEATURES and \
                        (m.entry is None or m.entry.country != host.entry.country):
                    m.entry, m.within = None, host  # a town's part; a homonym village abroad is not it
                    continue
            if m.entry is not None:
                continue
            j = m.end + (1 if m.end < len(doc) and doc[m.end].lower_ in PLACE_HEADS else 0)
            if j < len(doc) and doc[j].text == "," and not (m.start > 0 and doc[m.start - 1].text == "("):
                # "Pisochyn, Kharkiv" (but "(Aba South, Abia)" lists the areas a place lies in)
                nxt = idx.tok.get(j + 1)
                if nxt is not None and nxt.entry is not None and nxt.entry.feature in (
                        "admin1", "admin2", "country", "region", "city", "town") and not _in_list(doc, nxt):
                    m.within = nxt
                continue
            if j >= len(doc) or doc[j].text != "(":
                continue
            inner = [idx.tok.get(k) for k in range(j + 1, min(j + 12, len(doc)))]
            m.within = next((x for x in inner if x is not None and x.entry is not None), None)

    # ---------------------------------------------------------------- resolution

    def _resolve(self, idx: PlaceIndex, actors: ActorIndex) -> None:
        """Two passes: each name's most likely reading votes for its country, then every name is read
        again with the article's countries as context."""
        context: Counter = Counter()
        for m in actors.mentions:
            if m.country:
                context[m.country] += 1
        cands = {id(m): [e for e in self.gaz.lookup(m.text) if _plausible_entry(e, m)] for m in idx.mentions}
        anchors = [c[0] for c in cands.values() if len(c) == 1]
        first: Counter = Counter(context)
        votes: dict[int, tuple[str, int]] = {}
        for m in idx.mentions:
            c = cands[id(m)]
            if c:
                best = max(c, key=lambda e: self._score(e, m, context, anchors))
                votes[id(m)] = (best.country, 2 if len({e.country for e in c}) == 1 else 1)
                first[best.country] += votes[id(m)][1]
        for m in idx.mentions:
            c = cands[id(m)]
            if c:  # read against the others' votes, not its own: "Cancun, Quintana Roo" is not Changchun's
                own = Counter({votes[id(m)][0]: votes[id(m)][1]})
                m.entry = max(c, key=lambda e: self._score(e, m, first - own, anchors))

    @staticmethod
    def _score(e: PlaceEntry, m: PMention, context: Counter, anchors: list[PlaceEntry]) -> float:
        s = math.log10((e.population or 0) + 10)
        if e.feature == "country" and fold(e.name) == fold(m.text):
            s += COUNTRY_BONUS
        if e.country and context.get(e.country):
            s += CONTEXT_BONUS + min(context[e.country], 5) * 0.2
        if m.hint and e.feature == m.hint:
            s += SUFFIX_BONUS
        if e.source == "supplement":
            s += SUPPLEMENT_BONUS
        if e.lat is not None and any(a is not e and a.lat is not None and a.feature != "country" and
                                     km_apart(a.lat, a.lon, e.lat, e.lon) < NEAR_KM for a in anchors):
            s += 1.0
        if e.lat is None:
            s -= 2.0
        return s

    def _regions_after(self, doc: Doc, idx: PlaceIndex) -> None:
        """"Ciudad Juarez, Chihuahua", "Marica (Rio de Janeiro)": a name right after a known town and a comma
        or an opening bracket is the region the town lies in, when the name has a first-level reading in the
        town's country; a city of the same name, or a region of another country, is a homonym here."""
        by_start = {m.start: m for m in idx.mentions}
        for m in idx.mentions:
            if m.entry is None or m.entry.feature not in CITY_FEATURES or m.attributive or m.end + 1 >= len(doc):
                continue
            n = by_start.get(m.end + 1) if doc[m.end].text in (",", "(") else None
            if n is None or n.entry is None or n.entry.feature in REGION_FEATURES and n.entry.country == m.entry.country:
                continue
            regions = [e for e in self.gaz.lookup(n.text) if e.feature in REGION_FEATURES and
                       e.country == m.entry.country]
            if regions:
                n.entry = max(regions, key=lambda e: (fold(e.name) == fold(m.entry.admin1 or ""), e.population))

    @staticmethod
    def _records(idx: PlaceIndex, doc: Doc) -> None:
        groups: dict[object, list[PMention]] = {}
        for m in sorted(idx.mentions, key=lambda m: m.cstart):
            e = m.entry
            key = (e.geonames_id or (e.name, e.country, e.lat)) if e else ("?", fold(m.text))
            groups.setdefault(key, []).append(m)
        records = []
        text = facts(doc).text
        resolved = Counter(m.entry.country for m in idx.mentions if m.entry is not None and m.entry.country)
        top = resolved.most_common(1)
        # an unknown name in a story set in one country is taken to be in that country (no coordinates)
        home = top[0][0] if top and top[0][1] * 2 > sum(resolved.values()) else None
        for n, ms in enumerate(groups.values(), start=1):
            pid = f"P{n}"
            e = ms[0].entry
            for m in ms:
                idx.ids[id(m)] = pid
            named = [m for m in ms if not m.attributive] or ms  # "Syria", not "Syrian"
            name = Counter(m.text for m in named).most_common(1)[0][0]
            if e is not None and e.feature in ("admin1", "admin2") and _suffixed(name):
                name = name.rpartition(" ")[0]  # "Kandahar province" is Kandahar
            if e is None:  # unknown: placed at the bracketed area it lies in, when the text gives one
                w = next((m.within.entry for m in ms if m.within is not None), None)
                e = w and w._replace(name=name, feature="other", geonames_id=None, population=0)
                if e is not None and w.feature in ("admin1", "region"):
                    e = e._replace(admin1=w.name)
            records.append(Place(
                id=pid, name=name, country=e.country if e else home, admin1=e.admin1 if e else None,
                feature=e.feature if e else "other", lat=e.lat if e else None, lon=e.lon if e else None,
                geonames_id=e.geonames_id if e else None,
                mentions=tuple(Span.of(text, m.cstart, m.cend) for m in ms), producer=PRODUCER))
        idx.records = tuple(records)
        idx.by_id = {p.id: p for p in records}


def _suffixed(text: str) -> bool:
    """``text`` is a name followed by a word of its rank ("Kandahar province", "Luhansk region")."""
    head, _, last = text.rpartition(" ")
    return bool(head) and ADMIN_SUFFIX.get(last.lower()) in ("admin1", "admin2")


def coded_at(doc: Doc) -> list[int]:
    """Where the name after "coded as", "coded to" starts (ACLED's notes: the place the event is coded to)."""
    f = facts(doc)
    out = f.memo.get("coded_at")  # asked once per event: read the document once
    if out is None:
        out = f.memo["coded_at"] = [i + 2 for i in f.where(CODED_VERBS) if any(
            tuple(f.lower[i + 2 - len(words):i + 2]) == words for words in CODED_PHRASES if i + 2 >= len(words))]
    return out


def _capitalised(tok: Token) -> bool:
    """A word of a name: "Aleppo", and transliterations Python's istitle() rejects ("Dara’a", "Bza'a")."""
    return _capitalised_words(tok.doc)[tok.i]


def _capitalised_words(doc: Doc) -> list[bool]:
    """``_capitalised`` of every token (title case, or a capital and an apostrophe in a word not all
    capitals), from the Doc's arrays and read once per Doc."""
    f = facts(doc)
    found = f.memo.get("capitalised")
    if found is None:
        found = f.memo["capitalised"] = [bool(title or w[:1].isupper() and any(c in w for c in "’'ʼ") and not upper)
                                         for (title, upper), w in zip(_case_flags(doc), f.word)]
    return found


def _case_flags(doc: Doc) -> list[list[int]]:
    """Each token's ``[is_title, is_upper]``, read from the Doc's arrays once per Doc."""
    memo = facts(doc).memo
    found = memo.get("case_flags")
    if found is None:
        found = memo["case_flags"] = doc.to_array([IS_TITLE, IS_UPPER]).tolist() if len(doc) else []
    return found


def _in_list(doc: Doc, m) -> bool:
    """"Kabul, Kandahar and Herat": a name followed by another list item is not the area of the one before."""
    end = m.end
    return end < len(doc) and (doc[end].lower_ in ("and", "or") or doc[end].text == "," and end + 1 < len(doc)
                               and doc[end + 1].lower_ in ("and", "or"))


def _describes(doc: Doc, start: int, noun: int) -> bool:
    """"the Basque city of X", "the Shi'ite district of X": a people's name between "the" and "<noun> of"
    describes the place named after "of" ("the Bagh Bala area of Kabul", "X village of Y township" name X)."""
    return noun + 1 < len(doc) and doc[noun + 1].lower_ == "of" and start > 0 and doc[start - 1].lower_ == "the" \
        and all(t.ent_type_ == "NORP" for t in doc[start:noun])


def _named_place(doc: Doc, prep: Token, span: SpacySpan, nationality: bool = True) -> bool:
    """An unknown name is still a place where the text says so: "the village of X", "in X (Province)",
    "X district", "in the Bani Zaid Quarter"."""
    if len(span) > 1 and span[-1].lower_ in PLACE_HEADS and prep.lower_ in PLACE_PREPS:
        return True
    before = doc[prep.i - 1].lower_ if prep.i > 0 else ""
    after = doc[span.end] if span.end < len(doc) else None
    if prep.lower_ == "of" and before in ("village", "town", "city", "district", "locality", "area", "commune",
                                          "municipality", "province", "region", "department", "county"):
        return True
    if after is not None and (after.lower_ in ADMIN_SUFFIX and after.lower_ not in ("state",)):
        if _describes(doc, span.start, after.i):
            return False  # "in the Basque city of X", "the Shi'ite district of X": the place is X
        return prep.lower_ in ("in", "near", "at", "of", "outside", "around")
    if prep.lower_ in SETTING_PREPS and all(t.pos_ == "PROPN" for t in span) and \
            not any(t.ent_type_ in ("DATE", "TIME", "LANGUAGE", "MONEY") or t.ent_type_ == "NORP" and nationality
                    for t in span):
        return True  # "stormed the town ... at Thangam Nagar": a name where only a place can stand
    if prep.lower_ == "of" and (before in AREA_NOUNS or before in TERRITORY_NOUNS):
        return True  # "the outskirts of X", "the eastern perimeter of X", "control of X"
    if prep.lower_ in ("to", "into", "towards", "toward") and prep.head.lemma_.lower() in MOVE_VERBS:
        return True  # "a convoy travelling to X"
    return prep.lower_ in ("in", "near", "outside") and after is not None and after.text == "("


def _plausible_entry(e: PlaceEntry, m: PMention) -> bool:
    """All-capital abbreviations match only curated places and countries, never a village."""
    if m.text.isupper() and len(m.text) <= 4:
        return e.source == "supplement" or e.feature == "country"
    return True


def _plausible(span: SpacySpan) -> bool:
    """Short capitals ("AL", "UN") and sentence-initial words are rarely places the NER missed."""
    text = span_text(span)
    if len(text) <= 3 and text.isupper():
        return False
    if text.lower() in CALENDAR_WORDS:
        return False
    return not (span.start == facts(span.doc).sent_start[span.start])


def _country_keys(m) -> set[str]:
    e = m.entry
    return {fold(a) for a in (e.canonical, *e.aliases)}


def km_apart(lat1, lon1, lat2, lon2) -> float:
    p = math.pi / 180
    a = 0.5 - math.cos((lat2 - lat1) * p) / 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * (1 - math.cos((lon2 - lon1) * p)) / 2
    return 12742 * math.asin(math.sqrt(max(a, 0.0)))
