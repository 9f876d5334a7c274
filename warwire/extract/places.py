"""Place mentions and their resolution against the gazetteer, using the article's other places
and countries as context ("Jordan" in a Middle East story is the country, not a town in Hong Kong).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans
from spacy.tokens import Doc, Span as SpacySpan, Token

from ..kb.gazetteer import Gazetteer, PlaceEntry, fold
from ..types import ActorKind, Place, Span
from .actors import ActorIndex, _trim
from .docfacts import facts

PRODUCER = "warwire.places.gazetteer.v1"
# Nouns after a name that say what kind of place it is ("Jowzjan province", "Baghdad airport").
ADMIN_SUFFIX = {"province": "admin1", "governorate": "admin1", "state": "admin1", "region": "admin1",
                "oblast": "admin1", "prefecture": "admin1", "department": "admin1", "county": "admin2",
                "district": "admin2", "municipality": "admin2", "commune": "admin2", "division": "admin2",
                "upazila": "admin2", "city": "city", "town": "town", "village": "village", "area": None,
                "camp": None, "neighbourhood": "district", "neighborhood": "district", "community": "village",
                "locality": "village", "sector": None, "zone": None}
FACILITY_SUFFIX = ("airport", "international airport", "air base", "airbase", "base", "crossing")
PLACE_PREPS = frozenset({"in", "near", "at", "outside", "of", "from", "to", "between", "around", "towards",
                         "toward", "and", "into", "across", "inside", "through"})
CALENDAR_WORDS = frozenset("""january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday""".split())
DIRECTIONS = frozenset({"northern", "southern", "eastern", "western", "central", "north", "south", "east", "west",
                        "northeastern", "northwestern", "southeastern", "southwestern", "rural", "greater",
                        "downtown", "coastal", "upper", "lower", "suburban"})
# Last words that make a capitalised name a place even when no gazetteer knows it.
PLACE_HEADS = frozenset({"quarter", "district", "camp", "roundabout", "mountains", "mountain", "hill", "hilltop",
                         "island", "square", "market", "street", "road", "bridge", "airport", "base", "hospital",
                         "neighborhood", "neighbourhood", "valley", "river", "province", "governorate", "region",
                         "village", "town", "city", "county", "municipality", "plain", "desert", "forest", "lake",
                         "port", "harbour", "harbor", "crossing", "checkpoint", "airfield", "refinery", "field",
                         "mosque", "church", "school", "university", "prison", "compound", "settlement", "strip"})
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
    def __init__(self, gazetteer: Gazetteer, vocab, supplement_names: list[str]):
        self.gaz = gazetteer
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
        for span in spans:
            hint = None
            end = span.end
            name = span.text
            if end < len(doc) and doc[end].lower_ in ADMIN_SUFFIX:
                hint = ADMIN_SUFFIX[doc[end].lower_]
            elif len(span) > 1 and span[-1].lower_ in ADMIN_SUFFIX and not self.gaz.lookup(name):
                hint = ADMIN_SUFFIX[span[-1].lower_]
                name = span[:-1].text  # "Kandahar city", "Giro district"
            m = PMention(span.start, span.end, span.start_char, span.end_char, name, hint)
            idx.mentions.append(m)
            for i in range(span.start, span.end):
                idx.tok[i] = m
        self._resolve(idx, actors)
        if country_of is not None:
            self._attributive(doc, idx, actors, country_of)
        self._records(idx, doc)
        return idx

    def _attributive(self, doc: Doc, idx: PlaceIndex, actors: ActorIndex, country_of) -> None:
        for tok in doc:
            if tok.i in idx.tok or not (tok.is_title or tok.is_upper) or tok.i in actors.place_tokens:
                continue
            if tok.i + 1 < len(doc) and doc[tok.i + 1].text in ("-", "–") and not tok.whitespace_:
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
        for ent in doc.ents:
            if ent.label_ not in ("GPE", "LOC", "FAC"):
                continue
            ent = _trim(ent)
            if ent is None:
                continue
            spans.append(self._extend_name(doc, self._extend_facility(doc, ent)))
        spans.extend(self._parenthetical(doc, spans))
        for i in actors.place_tokens:
            spans.append(SpacySpan(doc, i, i + 1, label="GPE"))
        spans.extend(self._after_preposition(doc))
        keep = []
        for span in filter_spans(spans):
            if self._is_actor(span, actors):
                continue
            if span.end < len(doc) and doc[span.end].text in ("-", "–") and not doc[span.end - 1].whitespace_:
                continue  # "Iran-backed", "Gaza-based": a modifier, not a place
            keep.append(span)
        return keep

    def _extend_facility(self, doc: Doc, ent: SpacySpan) -> SpacySpan:
        for suffix in FACILITY_SUFFIX:
            n = len(suffix.split())
            words = " ".join(t.lower_ for t in doc[ent.end:ent.end + n])
            if words == suffix:
                cand = SpacySpan(doc, ent.start, ent.end + n, label="FAC")
                if self.gaz.lookup(cand.text):
                    return cand
        return ent

    def _extend_name(self, doc: Doc, ent: SpacySpan) -> SpacySpan:
        """"Candido" tagged, "Candido Sales" meant: take the longest run of capitalised words the
        gazetteer knows."""
        best = ent
        for n in (1, 2, 3):
            end = ent.end + n
            if end > len(doc) or not all(t.is_title and t.is_alpha for t in doc[ent.end:end]):
                break
            cand = SpacySpan(doc, ent.start, end, label=ent.label_)
            if self.gaz.lookup(cand.text):
                best = cand
        return best

    def _parenthetical(self, doc: Doc, spans: list[SpacySpan]) -> list[SpacySpan]:
        """"X (District, Province)": the admin areas named in brackets after a place."""
        out = []
        for tok in doc:
            i = tok.i
            if tok.text != "(" or i == 0 or not doc[i - 1].is_title:
                continue
            j = i + 1
            while j < len(doc) and doc[j].text != ")" and j - i < 12:
                k = j
                while k < len(doc) and doc[k].text not in (",", ")", ";") and k - j < 5:
                    k += 1
                cand = SpacySpan(doc, j, k, label="GPE")
                if k > j and cand[0].is_title and self.gaz.lookup(cand.text):
                    out.append(cand)
                j = k + 1 if k < len(doc) and doc[k].text == "," else k
                if k < len(doc) and doc[k].text in (")", ";"):
                    break
        return out

    def _after_preposition(self, doc: Doc) -> list[SpacySpan]:
        """Capitalised names the NER missed but the gazetteer knows, where a place is expected: after
        in/near/at/of/from/to/between, in lists ("Ghazni, Paktia"), before "district"/"village"."""
        out = []
        for t in doc:
            if t.lower_ not in PLACE_PREPS and t.text != "," or t.i + 1 >= len(doc):
                continue
            i = t.i + 1
            while i < len(doc) and (doc[i].lower_ in DIRECTIONS or doc[i].lower_ == "the") and i - t.i <= 3:
                i += 1  # "in northern Aleppo", "near the village"
            j = i
            while j < len(doc) and doc[j].is_title and doc[j].pos_ in ("PROPN", "NOUN", "ADJ") and j - i <= 4:
                j += 1
            for end in range(j, i, -1):  # longest known name first
                span = SpacySpan(doc, i, end, label="GPE")
                norp = any(x.ent_type_ == "NORP" for x in span)
                if norp and not (t.lower_ in ("of", "in", "near") and not span.text.endswith(("i", "n", "ese", "ish"))):
                    break  # "Iraqi", "Syrian" are nationalities; "the city of Samarra" is not
                if _plausible(span) and (self.gaz.lookup(span.text) or
                                         end == j and not norp and _named_place(doc, t, span)):
                    out.append(span)
                    break
        return out

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
        for m in idx.mentions:
            c = cands[id(m)]
            if c:
                best = max(c, key=lambda e: self._score(e, m, context, anchors))
                first[best.country] += 2 if len({e.country for e in c}) == 1 else 1
        for m in idx.mentions:
            c = cands[id(m)]
            if c:
                m.entry = max(c, key=lambda e: self._score(e, m, first, anchors))

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
                                     _km(a.lat, a.lon, e.lat, e.lon) < NEAR_KM for a in anchors):
            s += 1.0
        if e.lat is None:
            s -= 2.0
        return s

    @staticmethod
    def _records(idx: PlaceIndex, doc: Doc) -> None:
        groups: dict[object, list[PMention]] = {}
        for m in sorted(idx.mentions, key=lambda m: m.cstart):
            e = m.entry
            key = (e.geonames_id or (e.name, e.country, e.lat)) if e else ("?", fold(m.text))
            groups.setdefault(key, []).append(m)
        records = []
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
            records.append(Place(
                id=pid, name=name, country=e.country if e else home, admin1=e.admin1 if e else None,
                feature=e.feature if e else "other", lat=e.lat if e else None, lon=e.lon if e else None,
                geonames_id=e.geonames_id if e else None,
                mentions=tuple(Span.of(facts(doc).text, m.cstart, m.cend) for m in ms), producer=PRODUCER))
        idx.records = tuple(records)
        idx.by_id = {p.id: p for p in records}


def _named_place(doc: Doc, prep: Token, span: SpacySpan) -> bool:
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
        return prep.lower_ in ("in", "near", "at", "of", "outside", "around")
    return prep.lower_ in ("in", "near", "outside") and after is not None and after.text == "("


def _plausible_entry(e: PlaceEntry, m: PMention) -> bool:
    """All-capital abbreviations match only curated places and countries, never a village."""
    if m.text.isupper() and len(m.text) <= 4:
        return e.source == "supplement" or e.feature == "country"
    return True


def _plausible(span: SpacySpan) -> bool:
    """Short capitals ("AL", "UN") and sentence-initial words are rarely places the NER missed."""
    text = span.text
    if len(text) <= 3 and text.isupper():
        return False
    if text.lower() in CALENDAR_WORDS:
        return False
    return not (span.start == span.sent.start)


def _country_keys(m) -> set[str]:
    e = m.entry
    return {fold(a) for a in (e.canonical, *e.aliases)}


def _km(lat1, lon1, lat2, lon2) -> float:
    p = math.pi / 180
    a = 0.5 - math.cos((lat2 - lat1) * p) / 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * (1 - math.cos((lon2 - lon1) * p)) / 2
    return 12742 * math.asin(math.sqrt(max(a, 0.0)))
