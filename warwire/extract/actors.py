"""Actor mentions: knowledge-base names, state nouns ("US forces"), capital metonymy, generic actors,
named entities the base lacks, and descriptive mentions ("the umbrella group").

``ActorFinder.find(doc)`` returns an ``ActorIndex``: mentions grouped by who they are, with a token
index the event and relation layers use to read roles off the parse.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span as SpacySpan, Token
from spacy.util import filter_spans

from ..kb.actors import ActorEntry, ActorKB, Restyle
from ..kb.gazetteer import place_words
from ..types import Actor, ActorKind, Span
from .docfacts import children_with, facts, glued_hyphen_after, kids, span_text

log = logging.getLogger(__name__)

PRODUCER = "warwire.actors.kb_ner.v1"
# Heads of a prepositional phrase that make a place name a location, not an actor.
LOCATIVE_PREPS = frozenset({"in", "at", "near", "from", "to", "into", "outside", "around", "across", "toward",
                            "towards", "inside", "within", "through", "via", "throughout", "onto", "between",
                            "of", "north", "south", "east", "west", "along", "over", "beyond", "off"})
MOTION_VERBS = frozenset({"visit", "arrive", "reach", "travel", "fly", "leave", "enter", "return", "exit",
                          "flee", "cross", "capture", "seize", "occupy", "recapture", "liberate", "evacuate",
                          "tour", "land", "head", "move", "relocate", "deploy"})
# Word lists kept as data (kb/data/cues/place_words.yaml).
_WORDS = place_words()
AREA_NOUNS = _WORDS["area_nouns"]                   # "the outskirts of X"
TERRITORY_NOUNS = _WORDS["territory_nouns"]         # "control of X", "the fall of X"
MOVE_VERBS = _WORDS["movement_verbs"]               # "travelling to X", "advanced into X"
OBJECT_PLACE_VERBS = _WORDS["captured_place_verbs"]  # "captured X": X is a place
PEOPLE_TAKING_VERBS = _WORDS["people_taking_verbs"]  # "captured Abu X": a person
SETTLEMENT_NOUNS = _WORDS["settlement_nouns"]       # "in Kisumu town": a place
REGION_NOUNS = _WORDS["region_nouns"]               # "Avdiivka, Donetsk region"
GROUP_NOUNS = frozenset({"group", "militia", "faction", "movement", "organization", "organisation", "coalition",
                         "alliance", "network", "outfit", "insurgency", "party", "brigade", "brigades",
                         "battalion", "front", "army", "force", "forces", "rebels", "regiment", "corps",
                         "council", "wing", "cell", "proxy", "proxies", "umbrella", "gang", "cartel", "guard",
                         "guards", "unit", "command", "jihadists", "militants", "fighters"})
ORG_HEADS = frozenset({"brigade", "brigades", "battalion", "militia", "front", "movement", "army", "forces",
                       "regiment", "corps", "council", "party", "organization", "organisation", "group", "guard",
                       "guards", "alliance", "coalition", "union", "league", "committee", "command", "division",
                       "cartel", "gang", "network", "legion", "resistance"})
DESCRIPTIVE = frozenset({"group", "militia", "movement", "organization", "organisation", "faction", "coalition",
                         "alliance", "rebels", "insurgents", "outfit", "network", "umbrella", "paramilitary",
                         "paramilitaries"})
PRONOUNS = {"it": "thing", "its": "thing", "itself": "thing", "they": "plural", "them": "plural",
            "their": "plural", "he": "person", "him": "person", "his": "person", "she": "person", "her": "person"}
ARMED_KINDS = frozenset({ActorKind.MILITIA, ActorKind.REBEL, ActorKind.TERRORIST, ActorKind.MILITARY, ActorKind.POLICE})
GROUP_KINDS = frozenset({ActorKind.MILITIA, ActorKind.REBEL, ActorKind.TERRORIST, ActorKind.ALLIANCE,
                         ActorKind.PARTY, ActorKind.ORGANIZATION})


@dataclass(slots=True)
class AMention:
    start: int                  # token index
    end: int                    # token index (exclusive)
    cstart: int
    cend: int
    key: str                    # who: KB id, generic id, or a normalised name
    entry: ActorEntry | None    # KB knowledge, when known
    name: str
    kind: ActorKind
    country: str | None
    generic: str | None = None  # generic actor id whose country is filled from context
    descriptive: bool = False   # "the group": refers to an actor, not a name
    restyled: bool = False      # its generic re-read by a restyle rule: an actor of its own all the same
    implied: bool = False       # no words of its own: the trigger of an event that implies it ("a looting")


@dataclass(slots=True)
class ActorIndex:
    doc: Doc
    mentions: list[AMention] = field(default_factory=list)
    tok: dict[int, AMention] = field(default_factory=dict)
    pronouns: dict[int, str] = field(default_factory=dict)     # token index -> actor key
    descriptions: dict[str, set[str]] = field(default_factory=dict)  # key -> descriptive nouns (appositives)
    place_tokens: set[int] = field(default_factory=set)      # tokens of capital/country names used as places
    not_places: set[int] = field(default_factory=set)        # tokens of names of weapons and buildings: neither
    keys: dict[str, AMention] = field(default_factory=dict)   # key -> first mention
    collective: frozenset[str] = frozenset()  # "a group of X", "members of X": X is the actor
    _ents: tuple | None = None

    def ents(self) -> tuple[SpacySpan, ...]:
        """``doc.ents``, read once: every read of ``Doc.ents`` builds a Span per entity, and the actor, place
        and event stages all go through them."""
        if self._ents is None:
            self._ents = self.doc.ents
        return self._ents

    def add(self, m: AMention) -> None:
        if any(i in self.tok for i in range(m.start, m.end)):
            return
        f = facts(self.doc)
        if m.entry is None and glued_hyphen_after(f, m.end) and m.end + 1 < len(f.pos) and f.pos[m.end + 1] == "VERB":
            return  # "was gang-raped": the first half of a verb, nobody named
        self.mentions.append(m)
        for i in range(m.start, m.end):
            self.tok[i] = m
        self.keys.setdefault(m.key, m)

    def imply(self, m: AMention) -> str:
        """An actor the text implies without naming it ("a man was shot dead": by someone), its mention the
        words that imply it. It claims no token, so a named actor on those words still wins lookups."""
        first = self.keys.get(m.key)
        if first is None or first.key != m.key:  # none yet, or its first mention was re-read as another actor
            self.mentions.append(m)
            self.keys[m.key] = m
        return m.key

    def split_by_country(self) -> None:
        """One story, several countries ("gunmen in Honduras ... gunmen in Brazil"): a generic actor placed in
        more than one country becomes one actor per country, and a pronoun that referred to it refers to the
        nearest one before it. Civilians and crowds are kept whole: the event stage re-reads them."""
        countries: dict[str, set[str]] = {}
        for m in self.mentions:
            if m.generic and m.country and m.kind not in (ActorKind.CIVILIANS, ActorKind.PROTESTERS):
                countries.setdefault(m.key, set()).add(m.country)
        split = {key for key, found in countries.items() if len(found) > 1}
        if not split:
            return
        by_old: dict[str, list[AMention]] = {}
        for m in sorted(self.mentions, key=lambda m: m.start):
            if m.key in split and m.country:
                by_old.setdefault(m.key, []).append(m)
                m.key = f"{m.key}@{m.country}"
                self.keys.setdefault(m.key, m)
        for i, key in self.pronouns.items():
            ms = by_old.get(key)
            if ms:
                before = [m for m in ms if m.start < i]
                self.pronouns[i] = (before[-1] if before else ms[0]).key

    def restyle(self, rules: tuple[Restyle, ...], default_country: str | None) -> None:
        """Generic actors named as ACLED names them where the story bears a rule's marks: "two armed men on a
        motorcycle" in a drive-by shooting in Mexico are an Unidentified Gang, not an Unidentified Armed Group.
        The key stays, so events keep pointing at the actor, and it stays apart from the victims of that name."""
        text = facts(self.doc).text.lower()
        for rule in rules:
            if not rule.marks.search(text):
                continue
            for m in self.mentions:
                if m.generic == rule.generic and (m.country or default_country) in rule.countries:
                    m.generic, m.restyled = rule.as_generic, True

    def actor_at(self, token: Token) -> str | None:
        """The actor a token refers to: its own mention, or a resolved pronoun."""
        return self._actor_at(token.i)

    def _actor_at(self, i: int) -> str | None:
        m = self.tok.get(i)
        if m is not None:
            return m.key
        return self.pronouns.get(i)

    def actor_in(self, token: Token, max_depth: int = 2) -> str | None:
        """The actor named by a noun phrase headed by ``token`` (the head itself, then its modifiers)."""
        key = self.actor_at(token)
        if key:
            m = self.keys.get(key)
            if m is not None and m.generic is not None:  # "rebels of the Red Dawn Front": the named group
                f = facts(token.doc)  # the modifiers read by token index
                for c in f.child_ix[token.i]:
                    if f.dep[c] in ("compound", "nmod", "amod") and c < token.i:  # "IS Sahel militants"
                        named = [self._actor_at(c)]
                    elif f.dep[c] == "prep" and f.lower[c] in ("of", "from"):
                        named = [self._actor_at(g) for g in f.child_ix[c] if f.dep[g] == "pobj"]
                    else:
                        continue
                    named = [k for k in named if k and self.keys[k].generic is None and
                             self.keys[k].kind in ARMED_KINDS]
                    if named:
                        return named[0]
            return key
        f = facts(token.doc)  # walked by token index: no Token per modifier
        dep, lower, lemma = f.dep, f.lower, f.lemma
        frontier = [token.i]
        for _ in range(max_depth):
            nxt = []
            for t in frontier:
                for c in f.child_ix[t]:
                    if dep[c] in ("compound", "amod", "nmod", "appos", "poss", "nummod", "conj", "det") or \
                            (dep[c] == "prep" and lower[c] == "of") or \
                            (dep[c] == "pobj" and lower[t] == "of" and lemma[f.head[t]] in self.collective):
                        key = self._actor_at(c)
                        if key and (dep[c] != "poss" or lemma[t] in self.collective):  # "X's positions"
                            return key
                        nxt.append(c)
            frontier = nxt
        return None

    def to_records(self, default_country: str | None, kb: ActorKB) -> tuple[tuple[Actor, ...], dict[str, str]]:
        """One Actor per key, ids A1.. in order of first mention; returns (actors, key -> id)."""
        groups: dict[str, list[AMention]] = {}
        for m in sorted(self.mentions, key=lambda m: m.cstart):
            key = m.key
            if m.generic:  # a generic actor takes the article's country unless it has its own
                key = kb.generic_for(m.generic, m.country or default_country).id
                if m.restyled:  # gunmen who killed a gang member: one gang, its victim another
                    key = f"{key}/{m.key}"
            groups.setdefault(key, []).append(m)
        actors, ids = [], {}
        text = facts(self.doc).text
        for n, (key, ms) in enumerate(groups.items(), start=1):
            first = ms[0]
            entry = first.entry
            if first.generic:
                entry = kb.generic_for(first.generic, first.country or default_country)
            named = [m for m in ms if not m.descriptive] or [m for m in ms if not m.implied] or ms
            if entry is not None and all(m.implied for m in named):
                name = entry.canonical  # "Unidentified Armed Group", not the word "killed" that implied it
            elif entry is None:
                name = max(named, key=lambda m: (m.cend - m.cstart)).name
            else:
                counts: dict[str, int] = {}
                for m in named:
                    counts[m.name] = counts.get(m.name, 0) + 1
                name = max(counts, key=lambda n: (counts[n], n == entry.canonical, -len(n)))
            aid = f"A{n}"
            for m in ms:
                ids[m.key] = aid
            ids[key] = aid
            actors.append(Actor(
                id=aid, name=name, canonical=entry.canonical if entry else None,
                kb_id=entry.id if entry else None, kind=entry.kind if entry else first.kind,
                country=(entry.country if entry else first.country),
                acled_name=entry.acled_name if entry else None,
                mentions=tuple(Span.of(text, m.cstart, m.cend) for m in ms), producer=PRODUCER))
        return tuple(actors), ids


class ActorFinder:
    """Finds actor mentions in a parsed Doc. Build once per pipeline; ``find`` is called per article."""

    def __init__(self, kb: ActorKB, vocab, is_place=None):
        self.kb = kb
        self.is_place = is_place or (lambda name: False)
        self.state_ids = frozenset(s.lower() for s in kb.states)
        self.forms: dict[str, list] = {}
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        self.cased = PhraseMatcher(vocab, attr="ORTH")
        from spacy.lang.en import English

        tokenizer = English().tokenizer
        lower_pats: dict[str, Doc] = {}
        cased_pats: dict[str, Doc] = {}
        for sf in kb.surface_forms():
            key = ("C:" + sf.text) if sf.cased else sf.text.lower()
            self.forms.setdefault(key, []).append(sf)
            if sf.cased:
                cased_pats.setdefault(key, tokenizer(sf.text))
            else:
                lower_pats.setdefault(key, tokenizer(sf.text.lower()))
        for key, pat in lower_pats.items():
            self.lower.add(key, [pat])
        for key, pat in cased_pats.items():
            self.cased.add(key, [pat])
        self.with_state = {tuple(tokenizer(p).to_array("LOWER")): role for p, role in kb.with_state.items()}
        self.with_state_max = max((len(k) for k in self.with_state), default=1)

    def demonym_words(self) -> frozenset[str]:
        """Every nationality adjective the knowledge base knows, lower case ("iraqi", "malian")."""
        return frozenset(key.lower().removeprefix("c:") for key, forms in self.forms.items()
                         if any(sf.role == "demonym" for sf in forms))

    def demonym(self, tok: Token) -> str | None:
        """The ISO3 of a nationality adjective or country name token ("Israeli", "US"), else None."""
        return self._iso3_of(tok.text, ("demonym", "name"))

    def _iso3_of(self, text: str, roles: tuple[str, ...]) -> str | None:
        for key in ("C:" + text, text.lower()):
            for sf in self.forms.get(key, ()):
                if sf.role == "demonym" and "demonym" in roles or \
                        sf.role == "name" and "name" in roles and sf.target in self.state_ids:
                    return sf.target.upper()
        return None

    def _people_of(self, tok: Token) -> str | None:
        """The ISO3 of a plural nationality noun ("Palestinians", "Afghans", "25 Sudanese"), else None."""
        counted = any(k.dep == "nummod" or k.lower in ("many", "several", "dozens", "hundreds")
                      for k in kids(tok))  # "25 Sudanese": a demonym that is its own plural
        text = tok.text
        if not counted and (tok.tag_ not in ("NNPS", "NNS") or not text.endswith("s")):
            return None
        singulars = [text] if counted else []
        singulars += [text[:-1]] + ([text[:-2]] if text.endswith("es") else [])
        return next((iso3 for t in singulars if (iso3 := self._iso3_of(t, ("demonym",)))), None)

    # ---------------------------------------------------------------- main entry

    def find(self, doc: Doc) -> ActorIndex:
        idx = ActorIndex(doc, collective=self.kb.collective)
        spans = self._kb_spans(doc)
        for span in spans:
            self._add_kb_mention(idx, doc, span)
        self._add_ner(idx, doc)
        self._add_descriptions(idx, doc)
        self._resolve_pronouns(idx, doc)
        self._possessed_forces(idx, doc)
        idx.mentions.sort(key=lambda m: m.start)
        return idx

    def _possessed_forces(self, idx: ActorIndex, doc: Doc) -> None:
        """"Russia's defence ministry said its air defences ...": a state's forces named by a possessive
        pronoun are that state's forces, like "Russian air defences"."""
        for i, key in list(idx.pronouns.items()):
            tok = doc[i]
            ref = idx.keys.get(key)
            held = idx.tok.get(i + 1)
            if tok.dep_ == "poss" and ref is not None and ref.entry is not None and held is not None and \
                    held.generic == "unidentified_armed_group" and ref.kind in ARMED_KINDS:
                # "Hamas said its fighters attacked": the fighters are the group's own
                old = held.key
                held.key, held.entry, held.generic, held.kind, held.country = \
                    ref.key, ref.entry, None, ref.kind, ref.country
                if idx.keys.get(old) is held:
                    rest = next((m for m in idx.mentions if m.key == old), None)
                    if rest is None:
                        del idx.keys[old]
                    else:
                        idx.keys[old] = rest
                continue
            if tok.dep_ != "poss" or ref is None or ref.country is None or \
                    ref.kind not in (ActorKind.STATE, ActorKind.MILITARY, ActorKind.POLICE):
                continue
            k = i + 1
            for n in range(min(self.with_state_max, len(doc) - k), 0, -1):
                role = self.with_state.get(tuple(t.lower for t in doc[k:k + n]))
                if role in ("military", "police"):
                    entry = self.kb.state_role(ref.country, role)
                    held = idx.tok.get(k)
                    if held is not None and held.generic in ("military", "police") and not held.country:
                        held.country = ref.country  # "its troops": the generic troops are the state's
                    elif entry is not None and not any(j in idx.tok for j in range(k, k + n)):
                        end = doc[k + n - 1]
                        idx.add(AMention(k, k + n, doc[k].idx, end.idx + len(end), entry.id, entry,
                                         doc[k:k + n].text, entry.kind, entry.country))
                    break

    # ---------------------------------------------------------------- knowledge-base names

    def _kb_spans(self, doc: Doc) -> list[SpacySpan]:
        spans = []
        strings = doc.vocab.strings
        for matcher in (self.cased, self.lower):
            for match_id, s, e in matcher(doc):
                key = strings[match_id]
                span = SpacySpan(doc, s, e, label=key)
                if not key.startswith("C:") and not self._case_ok(span, key):
                    continue
                spans.append(span)
        return filter_spans(spans)

    def _case_ok(self, span: SpacySpan, key: str) -> bool:
        """A name written with capitals must be capitalised in the text too ("hamas" is no match)."""
        forms = self.forms[key]
        if any(sf.role == "generic" for sf in forms):
            return True
        if span_text(span).islower() and any(not sf.text.islower() for sf in forms):
            return False
        return True

    def _add_kb_mention(self, idx: ActorIndex, doc: Doc, span: SpacySpan) -> None:
        forms = self.forms[span.label_]
        sf = forms[0]
        if sf.role == "generic":
            self._add_generic(idx, doc, span, sf.target)
            return
        if sf.role in ("demonym", "capital") or (sf.role == "name" and sf.target in self.state_ids):
            iso3 = sf.target.upper() if sf.role == "name" else sf.target
            if self._state_noun(idx, doc, span, iso3):
                return
            if sf.role == "demonym":
                return  # an attribute ("Iraqi armed group"): events may still read it as a source
            if _inside_longer_place(span, idx) or _dateline(span):
                return  # "Mexico" in "New Mexico"; "MOGADISHU -" opening a report is where it was filed
            if self._is_locative(span) or sf.role == "capital" and not (_acts(span) or self._addressed(span)):
                idx.place_tokens.update(range(span.start, span.end))
                return
            entry = self.kb.state(iso3)
        else:
            entry = self.kb.entries.get(sf.target)
        if entry is None:
            return
        idx.add(AMention(span.start, span.end, span.start_char, span.end_char, entry.id, entry, span.text,
                         entry.kind, entry.country))

    def _state_noun(self, idx: ActorIndex, doc: Doc, span: SpacySpan, iso3: str) -> bool:
        """"US forces", "Iraq's army", "Iraqi security forces": the state's actor of that role."""
        f = facts(doc)  # the words after the name read by token index (lower_id: the hashes with_state is keyed by)
        j = span.end
        if j < len(doc) and f.lower[j] in ("'s", "’s"):
            j += 1
        shared = j
        while shared + 1 < len(doc) and f.lower[shared] in ("and", "or", ",") and self.demonym(doc[shared + 1]):
            shared += 2  # "Ukrainian and Russian forces": the role after the last nationality is each one's
        if shared != j:
            role = next((r for n in range(min(self.with_state_max, len(doc) - shared), 0, -1)
                         if (r := self.with_state.get(tuple(f.lower_id[shared:shared + n])))), None)
            entry = self.kb.state_role(iso3, role) if role else None
            if entry is not None:
                idx.add(AMention(span.start, span.end, span.start_char, span.end_char, entry.id, entry, span.text,
                                 entry.kind, entry.country))
                return True
        for skip in (0, 1):  # allow one adjective between: "Iraqi senior officials"
            k = j + skip
            if skip and (k > len(doc) or f.pos[j] != "ADJ"):
                break
            for n in range(min(self.with_state_max, len(doc) - k), 0, -1):
                role = self.with_state.get(tuple(f.lower_id[k:k + n]))
                if role:
                    entry = self.kb.state_role(iso3, role)
                    if entry is None:
                        return False
                    end = k + n
                    m = AMention(span.start, end, span.start_char, doc[end - 1].idx + len(doc[end - 1]),
                                 entry.id, entry, doc[span.start:end].text, entry.kind, entry.country)
                    idx.add(m)
                    return True
        return False

    def _addressed(self, span: SpacySpan) -> bool:
        """A capital as the party a verb of speech or pressure is aimed at ("accused Kyiv", "called on
        Tehran") stands for its government."""
        root = span.root
        verb = root.head.head if root.dep_ == "pobj" and root.head.lower_ in ("on", "upon") else root.head
        return root.dep_ in ("dobj", "pobj") and verb.lemma_.lower() in self.kb.addressee_verbs and \
            (root.dep_ == "dobj" or verb.lemma_.lower() == "call")

    @staticmethod
    def _is_locative(span: SpacySpan) -> bool:
        head = span.root.head
        if span.root.dep_ == "pobj" and head.lower_ in LOCATIVE_PREPS:
            return True
        if span.root.dep_ in ("dobj", "obj") and head.lemma_ in MOTION_VERBS:
            return True
        if span.root.dep_ in ("compound", "appos") and head.ent_type_ in ("GPE", "LOC", "FAC"):
            return True
        nxt = span.doc[span.end] if span.end < len(span.doc) else None
        if span.root.dep_ == "compound" and nxt is not None and nxt.text not in ("-", "–") and \
                nxt.lower_ not in ("officials", "government", "authorities", "leaders", "regime"):
            return True
        return span.root.dep_ == "pobj" and head.dep_ == "prep" and head.head.lower_ in ("north", "south", "east", "west")

    @staticmethod
    def _in_group_name(idx: ActorIndex, doc: Doc, span: SpacySpan) -> bool:
        """A capitalised generic word in the name of a group ("the Emergency Lawyers group", "the Farmers
        Union"): the group, an organisation the base does not know, is the actor, not civilians."""
        root = span.root
        if not root.is_title or span.start == facts(doc).sent_start[span.start] or root.dep_ != "compound" or \
                root.head.lemma_.lower() not in ORG_HEADS or root.head.i < root.i:
            return False
        start = span.start
        while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].is_title and \
                doc[start - 1].head.i in range(start, root.head.i + 1):
            start -= 1
        name = doc[start:root.head.i + 1]
        if not any(i in idx.tok for i in range(name.start, name.end)):
            idx.add(AMention(name.start, name.end, name.start_char, name.end_char, "org:" + name.text.lower(), None,
                             name.text, ActorKind.ORGANIZATION, None))
        return True

    def _add_generic(self, idx: ActorIndex, doc: Doc, span: SpacySpan, gid: str) -> None:
        tpl = self.kb.generic[gid]
        f = facts(doc)  # the root's words and the next word read by index: no Token for them
        root = span.root
        r = root.i
        if gid in ("government", "military") and len(span) == 1 and root.tag_ not in ("NNS", "NNPS") and \
                not any(f.lower[c] == "the" for c in f.child_ix[r]) and \
                (f.pos[r] == "ADJ" or f.dep[r] in ("amod", "compound", "nmod")):
            return  # "a military operation": an attribute, not an actor
        if f.pos[r] not in ("NOUN", "PROPN"):
            return
        if self._in_group_name(idx, doc, span):
            return
        if span.end < len(doc) and (f.pos[span.end] == "PROPN" or doc[span.end].ent_type_ in ("ORG", "PERSON", "NORP")):
            return  # "armed group Nujaba": the name is the actor
        if f.dep[r] == "appos" or any(f.lower[c] in ("a", "an", "another") for c in f.child_ix[r]) and \
                f.dep[r] in ("attr", "appos"):
            return  # "X, a small armed group that ...": a description of X, not another actor
        prev = idx.tok.get(span.start - 1)
        if prev is not None and prev.entry is not None and prev.generic is None and \
                prev.entry.kind not in (ActorKind.STATE,):
            return  # "JNIM militants": the group named just before is the actor
        idx.add(AMention(span.start, span.end, span.start_char, span.end_char, f"generic:{gid}", None, span_text(span),
                         tpl.kind, None, generic=gid))

    # ---------------------------------------------------------------- named entities the base lacks

    def _add_ner(self, idx: ActorIndex, doc: Doc) -> None:
        persons: dict[str, str] = {}
        for ent in idx.ents():
            if any(i in idx.tok for i in range(ent.start, ent.end)):
                continue
            ent = _trim(ent)
            if ent is None or _dateline(ent):
                continue
            if ent.label_ in ("PERSON", "ORG") and _headline(ent):
                continue  # "Air Strike Kills 18": in a title-case headline every word looks like a name
            if ent.label_ == "PERSON" and ent[-1].lower_ in ORG_HEADS:
                ent = SpacySpan(doc, ent.start, ent.end, label="ORG")  # "the X Brigade" is no person
            if ent.label_ in ("PERSON", "ORG") and self._before_region(ent):
                continue  # "shelled Avdiivka, Donetsk": a place and its region, whatever the NER says
            if ent.label_ in ("PERSON", "ORG") and ent.start > 0 and doc[ent.start - 1].text == "," and \
                    self.is_place(ent.text):
                continue  # "fired missiles at Nikopol, Dnipropetrovsk": the region after a place's comma
            if ent.label_ in ("PERSON", "ORG") and (any(t.lower_ in WEAPON_NAMES for t in ent) or _property_name(ent)):
                # "fired BM-21 Grad missiles": a weapon, not who fired it; "a bomb exploded at the Internal Revenue
                # Department office", "the Myanmar Economic Bank": a building hit, whose owner ACLED codes. Neither
                # an actor nor the place the event is coded to.
                idx.not_places.update(range(ent.start, ent.end))
                continue
            if ent.label_ == "PERSON":
                if _located(ent) or self.is_place(ent.text):
                    continue  # "in Vila Velha", "Tamil Nadu": the NER took a place for a person
                self._add_person(idx, ent, persons)
            elif ent.label_ == "ORG" and _is_real_org(ent, self.demonym) and not _located(ent):
                kind = _org_kind(ent, self.kb.name_kinds)
                idx.add(AMention(ent.start, ent.end, ent.start_char, ent.end_char, "org:" + ent.text.lower(), None,
                                 ent.text, kind, None))
            elif ent.label_ == "NORP" and len(ent) == 1 and ent.root.dep_ in ("dobj", "nsubjpass", "pobj") and \
                    (iso3 := self._people_of(ent.root)):
                # "killed 30 Palestinians": people of a nationality, harmed or held, are its civilians
                idx.add(AMention(ent.start, ent.end, ent.start_char, ent.end_char, f"generic:civilians@{iso3}", None,
                                 ent.text, ActorKind.CIVILIANS, iso3, generic="civilians"))
            elif ent.label_ == "NORP" and ent.end < len(doc) and doc[ent.end].lower_ in GROUP_NOUNS | {"herders", "men"}:
                span = doc[ent.start:ent.end + 1]
                idx.add(AMention(span.start, span.end, span.start_char, span.end_char, "org:" + span.text.lower(),
                                 None, span.text, ActorKind.MILITIA, None))

    def _before_region(self, ent: SpacySpan) -> bool:
        doc = ent.doc
        if ent.end + 1 >= len(doc) or doc[ent.end].text != ",":
            return False
        region = name_after(doc, ent.end, self.is_place)
        if region is None:
            return False
        after = doc[region.end] if region.end < len(doc) else None
        return after is None or after.is_punct or after.lower_ in REGION_NOUNS

    @staticmethod
    def _add_person(idx: ActorIndex, ent: SpacySpan, persons: dict[str, str]) -> None:
        words = [t for t in ent if t.is_alpha or "-" in t.text]
        if not words or len(ent.text) < 3:
            return
        last = ent[-1].lower_.removeprefix("al-")
        key = persons.get(last)
        if key is None:
            key = "person:" + ent.text.lower()
            persons[last] = key
        idx.add(AMention(ent.start, ent.end, ent.start_char, ent.end_char, key, None, ent.text,
                         ActorKind.PERSON, None))

    # ---------------------------------------------------------------- "the group", "the umbrella group"

    def _add_descriptions(self, idx: ActorIndex, doc: Doc) -> None:
        for m in list(idx.mentions):
            desc = _description_after(doc, m.end)
            if desc:
                idx.descriptions.setdefault(m.key, set()).update(desc)
        for tok in (doc[i] for i in facts(doc).where(DESCRIPTIVE, "lemma")):
            if tok.i in idx.tok or tok.pos_ != "NOUN":
                continue
            det = children_with(tok, ("det",))
            if not det or det[0].lower_ not in ("the", "this"):
                continue
            if tok.dep_ == "appos":
                continue  # the appositive of a name describes it, it is not another mention
            mods = {c.lemma_.lower() for c in children_with(tok, ("compound", "amod"))}
            key = self._antecedent(idx, tok, mods)
            if key is None:
                continue
            first = idx.keys[key]
            start = det[0].i
            span = doc[start:tok.i + 1]
            idx.add(AMention(span.start, span.end, span.start_char, span.end_char, key, first.entry, span.text,
                             first.kind, first.country, generic=first.generic, descriptive=True))

    @staticmethod
    def _antecedent(idx: ActorIndex, tok: Token, mods: set[str]) -> str | None:
        before = [m for m in idx.mentions if m.end <= tok.i and not m.descriptive]
        for m in reversed(before):  # described the same way earlier ("an umbrella group of ...")
            desc = idx.descriptions.get(m.key, set())
            if mods and mods <= desc:
                return m.key
        for m in reversed(before):
            if m.kind in GROUP_KINDS and m.entry is not None or m.key.startswith("org:"):
                return m.key
        return None

    # ---------------------------------------------------------------- pronouns (for roles only)

    @staticmethod
    def _resolve_pronouns(idx: ActorIndex, doc: Doc) -> None:
        ordered = sorted(idx.mentions, key=lambda m: m.start)
        for tok in (doc[i] for i in facts(doc).where(PRONOUNS)):
            want = PRONOUNS[tok.lower_]
            if tok.pos_ != "PRON":
                continue
            cands = [m for m in ordered if m.end <= tok.i and tok.i - m.end < 60 and not _modifier(doc, m)]
            pick = None
            for m in reversed(cands):
                if want == "person" and m.kind == ActorKind.PERSON:
                    pick = m
                elif want == "thing" and m.kind not in (ActorKind.PERSON, ActorKind.CIVILIANS):
                    pick = m
                elif want == "plural" and m.kind != ActorKind.PERSON:
                    pick = m
                if pick:
                    break
            if want == "plural" and pick is not None and doc[pick.end - 1].tag_ == "NNP" and \
                    pick.kind in (ActorKind.STATE, ActorKind.GOVERNMENT):
                # "militants backed by Ankara said they ...": "they" are the plural ones, not the state
                pick = next((m for m in reversed(cands) if m.kind != ActorKind.PERSON and
                             doc[m.end - 1].tag_ in ("NNS", "NNPS")), pick)
            if pick is not None:
                # prefer the subject of the clause that governs the pronoun ("Nujaba said it will...")
                gov = tok.head
                for _ in range(3):
                    if gov.dep_ not in ("ccomp", "xcomp", "advcl", "aux", "conj") or gov.head.i == gov.i:
                        break
                    gov = gov.head
                    subj = [c for c in children_with(gov, ("nsubj", "nsubjpass")) if c.i < tok.i]
                    if subj:
                        key = idx.actor_in(subj[0]) if want != "person" else None
                        m = idx.keys.get(key) if key else None
                        if m is not None and m.kind != ActorKind.PERSON:
                            pick = m
                        break
                idx.pronouns[tok.i] = pick.key


# Last words of a name, or words after it, that make it a place (kb/data/cues/place_words.yaml).
# Institutions ("the X School") are named groups as often as places: left to the NER.
PLACE_NOUNS = _WORDS["actor_place_nouns"] | (_WORDS["place_heads"] - _WORDS["institution_heads"])
PROPERTY_HEADS = _WORDS["property_heads"]  # "the Internal Revenue Department office": a building hit, not an actor
WEAPON_NAMES = _WORDS["weapon_names"]
PLACE_OBJECT_LABELS = ("ORG", "GPE", "LOC", "FAC", "NORP")


def name_after(doc: Doc, i: int, accept) -> SpacySpan | None:
    """The longest run of up to three capitalised words right after token ``i`` whose text ``accept`` takes
    ("Avdiivka, Donetsk Oblast": after the comma)."""
    for n in (3, 2, 1):
        nxt = doc[i + 1:min(i + 1 + n, len(doc))]
        if len(nxt) == n and all(t.is_title for t in nxt) and accept(nxt.text):
            return nxt
    return None


def _dateline(span: SpacySpan) -> bool:
    word = facts(span.doc).word  # (a token's trailing whitespace is one space or none: never a line break)
    at_start = span.start == 0 or "\n" in word[span.start - 1]
    nxt = word[span.end] if span.end < len(word) else ""
    return at_start and span_text(span).isupper() and nxt in ("-", "–", "—", ",", "(", ":")


def _inside_longer_place(span: SpacySpan, idx: ActorIndex) -> bool:
    memo = facts(span.doc).memo
    places = memo.get("gpe_loc_ents")
    if places is None:
        # the NER may take the article in ("The United Arab Emirates"): that is no longer name
        places = memo["gpe_loc_ents"] = [(s + (span.doc[s].lower_ == "the"), s, e) for e in idx.ents()
                                         if e.label_ in ("GPE", "LOC") for s, e in [(e.start, e.end)]]
    return any(s <= span.start and span.end <= e and (bare, e) != (span.start, span.end) and
               (s, e) != (span.start, span.end) for bare, s, e in places)


def _acts(span: SpacySpan) -> bool:
    """Whether a capital's name stands for its government: it speaks or acts ("Washington said"), owns an
    act ("Washington's response"), backs someone ("Tehran-backed"), or is listed with actors ("along with
    Tehran"). Anywhere else it is the city."""
    root = span.root
    if glued_hyphen_after(facts(span.doc), span.end):
        return True
    if root.dep_ in ("nsubj", "nsubjpass", "poss", "agent", "conj"):
        return True
    return root.dep_ == "pobj" and root.head.lower_ in ("with", "by", "against", "between")


def _headline(ent: SpacySpan) -> bool:
    """Whether a name stands in a title-case line (a headline): four words or more, nearly all capitalised."""
    f = facts(ent.doc)
    text = f.text
    start = text.rfind("\n", 0, ent.start_char) + 1
    end = text.find("\n", ent.end_char)
    key = ("headline", start, end)   # a line is judged once: a news page may be one long line of many names
    found = f.memo.get(key)
    if found is None:
        words = [w for w in text[start:end if end >= 0 else len(text)].split() if w[:1].isalpha() and len(w) > 3]
        found = f.memo[key] = len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.9 * len(words)
    return found


def _located(ent: SpacySpan) -> bool:
    """A name after a locative preposition, before a place noun ("the Ben Younis area") or in brackets
    after a place is a place, whatever the NER says."""
    doc = ent.doc
    if ent.end < len(doc) and doc[ent.end].lower_ in PLACE_NOUNS and (
            ent.label_ != "ORG" or doc[ent.end].dep_ == "pobj" and doc[ent.end].head.lower_ in ("in", "near", "at")):
        return True  # "the Ben Younis area"; an organisation's name too where it is "in Rakhine state"
    nxt = doc[ent.end] if ent.end < len(doc) else None
    if nxt is not None and nxt.lower_ in SETTLEMENT_NOUNS and (nxt.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass")):
        return True  # "in Kisumu town": whatever the NER says, a place
    if ent[-1].lower_ in PLACE_NOUNS:
        return True
    root = ent.root
    verb = root.head.lemma_.lower()
    if root.dep_ == "dobj" and verb in OBJECT_PLACE_VERBS and \
            (ent.label_ in PLACE_OBJECT_LABELS or ent.label_ == "PERSON" and verb not in PEOPLE_TAKING_VERBS):
        return True  # "overran Aliyah", "stormed the Hayyan Gas Fields": what is captured is a place
    if root.dep_ == "pobj" and root.head.lower_ in ("in", "near", "at", "outside", "around", "of", "through",
                                                     "across", "inside") and \
            root.head.head.lower_ not in ("leader", "head", "chief", "wife", "son", "daughter", "member"):
        return root.head.lower_ != "of" or root.head.head.lower_ in AREA_NOUNS | TERRITORY_NOUNS
    if root.dep_ == "pobj" and root.head.lower_ in ("to", "into", "towards", "toward") and \
            root.head.head.lemma_.lower() in MOVE_VERBS:
        return True  # "a convoy travelling to Bentiu": where one goes is a place
    doc = ent.doc
    j = ent.end + (1 if ent.end < len(doc) and doc[ent.end].lower_ in SETTLEMENT_NOUNS else 0)
    if j < len(doc) and doc[j].text == "(":
        inside = [t.text for t in doc[j + 1:j + 12]]
        if "," in inside and ")" in inside and inside.index(",") < inside.index(")"):
            return True  # "Kravtsivka (Buchanskyi, Kyiv)": a place and the areas it lies in
    return ent.start > 0 and doc[ent.start - 1].text in ("(", ",") and \
        any(t.text == "(" for t in doc[max(ent.start - 6, 0):ent.start])


def _property_name(ent: SpacySpan) -> bool:
    """A name that is a building or a business's premises: its last word is one of PROPERTY_HEADS ("Myanmar
    Economic Bank") or it names the one after it ("the Internal Revenue Department office")."""
    doc = ent.doc
    nxt = doc[ent.end] if ent.end < len(doc) else None
    return ent[-1].lower_ in PROPERTY_HEADS or \
        nxt is not None and nxt.lower_ in PROPERTY_HEADS and ent.root.dep_ == "compound" and ent.root.head.i == nxt.i


def _modifier(doc: Doc, m: AMention) -> bool:
    """"Iran" in "Iran-backed": part of a modifier, never what a later pronoun points to."""
    return glued_hyphen_after(facts(doc), m.end)


def _description_after(doc: Doc, i: int) -> set[str]:
    """"X -- an umbrella group of ...", "X, another Iran-backed group": words describing the name at i."""
    if i >= len(doc) or doc[i].text not in (",", "--", "—", "–", "("):
        return set()
    j = i + 1
    if j >= len(doc) or doc[j].lower_ not in ("a", "an", "another", "the"):
        return set()
    words = set()
    for t in doc[j + 1:j + 7]:
        if t.lemma_.lower() in DESCRIPTIVE:
            return words | {t.lemma_.lower()}
        if t.is_punct and t.text != "-":
            return set()
        words.add(t.lemma_.lower())
    return set()


def _trim(ent: SpacySpan) -> SpacySpan | None:
    """Cut an entity at a line break and strip a leading article or trailing possessive."""
    doc = ent.doc
    f = facts(doc)
    start, end = ent.start, ent.end
    for i in range(ent.start, ent.end):  # (a token's trailing whitespace is one space or none: never a line break)
        if "\n" in f.word[i] or f.word[i] in ("(", ")", "[", "]"):
            end = i
            break
    while start < end and f.lower[start] in ("the", "a", "an"):
        start += 1
    while end > start and f.lower[end - 1] in ("'s", "’s", "'"):
        end -= 1
    if start >= end:
        return None
    return SpacySpan(doc, start, end, label=ent.label_)


def _is_real_org(ent: SpacySpan, demonym) -> bool:
    """Drop ORG spans that are only demonyms and common words (headline casing fools the NER)."""
    content = [t for t in ent if t.is_alpha and t.lower_ not in GROUP_NOUNS | {"backed", "linked", "armed", "the"}
               and not demonym(t)]
    if not content:
        return False
    return any(t.pos_ == "PROPN" or t.is_upper for t in content)


def _org_kind(ent: SpacySpan, name_kinds) -> ActorKind:
    """The kind of a group the knowledge base lacks, from the words of its name (``name_kinds`` in
    kb/data/actors/generic.yaml): "the Yaw Defense Force" is armed, "the Farmers' Union" is not."""
    words = {t.lower_ for t in ent}
    for kind, cue in name_kinds:
        if words & cue:
            return kind
    return ActorKind.ORGANIZATION
