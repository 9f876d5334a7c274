"""Ties between actors stated in the text, each with the words that state it: backed_by ("Iran-backed",
"backed by"), leader_of ("Nujaba's leader, Akram al-Kaabi", "KH leader Abu Mahdi al-Muhandis"),
member_of ("factions in the Islamic Resistance in Iraq", "part of"), part_of, allied_with, opposes.
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from ..kb.actors import ActorKB
from ..types import Relation, Span, TieType
from .actors import AMention, ActorFinder, ActorIndex
from .docfacts import children, children_with, facts, subtree

PRODUCER = "warwire.relations.rules.v1"


class RelationFinder:
    def __init__(self, kb: ActorKB, finder: ActorFinder, cues: dict):
        self.kb = kb
        self.finder = finder
        tie = lambda v: TieType(v) if v else None  # noqa: E731
        self.backing = {str(k).lower(): tie(v) for k, v in (cues.get("backing") or {}).items()}
        self.leader_nouns = frozenset(str(w).lower() for w in cues.get("leader_nouns") or ())
        self.member_nouns = {str(k).lower(): TieType(v) for k, v in (cues.get("member_nouns") or {}).items()}
        self.backed = frozenset(str(w).lower() for w in cues.get("backed_by_participles") or ())
        self.cue_words = frozenset({*self.backing, *self.backed, *self.leader_nouns, *self.member_nouns})

    def find(self, doc: Doc, actors: ActorIndex) -> list[Relation]:
        """Relations between actor keys (the pipeline swaps keys for actor ids)."""
        found: dict[tuple, Relation] = {}
        for tie, subj, obj, toks in self._candidates(doc, actors):
            key = (tie, subj, obj)
            if subj != obj and key not in found:
                found[key] = Relation(tie, subj, obj, 0.8, _evidence(doc, toks), PRODUCER)
        return list(found.values())

    def _candidates(self, doc: Doc, actors: ActorIndex):
        for tok in (doc[i] for i in facts(doc).where(self.cue_words)):
            low = tok.lower_
            if low in self.backing and tok.i >= 2 and doc[tok.i - 1].text in ("-", "–"):
                yield from self._hyphen_backing(doc, tok, actors)
            elif low in self.backed and tok.dep_ in ("acl", "amod", "ROOT", "relcl", "ccomp", "conj"):
                yield from self._backed_by(tok, actors)
            if low in self.leader_nouns and tok.pos_ == "NOUN":
                yield from self._leader(doc, tok, actors)
            if low in self.member_nouns and tok.pos_ == "NOUN":
                yield from self._member(tok, actors)

    # ---------------------------------------------------------------- backing

    def _hyphen_backing(self, doc: Doc, tok: Token, actors: ActorIndex):
        tie = self.backing[tok.lower_]
        if tie is None:
            return
        patron_tok = doc[tok.i - 2]
        patron = actors.actor_at(patron_tok) or self._state(patron_tok, actors)
        if patron is None:
            return
        client = self._described(tok, actors)
        if client and client != patron:
            yield tie, client, patron, [patron_tok, tok, *self._span_of(client, actors, tok)]

    def _backed_by(self, tok: Token, actors: ActorIndex):
        agents = [g for c in children_with(tok, ("agent",)) for g in children_with(c, ("pobj",))]
        if not agents:
            return
        patron = actors.actor_in(agents[0])
        subj = children_with(tok, ("nsubjpass",))  # "the army is backed by Egypt"
        client = actors.actor_in(subj[0]) if subj else self._described(tok, actors)
        if patron and client and client != patron:
            yield TieType.BACKED_BY, client, patron, [tok, agents[0]]

    def _described(self, tok: Token, actors: ActorIndex) -> str | None:
        """The actor a modifier describes: its head noun, a name in apposition or compounded after it
        ("armed group Nujaba"), the next name in the same phrase, or the name the phrase is an
        appositive of ("Kataib Hezbollah, another Iran-backed group")."""
        head = tok.head if tok.dep_ in ("amod", "acl", "compound", "npadvmod", "advmod") else tok
        key = actors.actor_at(head)
        if key:
            return key
        for c in children(head):
            if c.dep_ in ("appos", "compound") and c.i > tok.i:
                key = actors.actor_in(c)
                if key:
                    return key
        for t in tok.doc[tok.i + 1: min(head.i + 2, len(tok.doc))]:
            if "\n" in t.text or t.is_punct and t.text != "-":
                break
            key = actors.actor_at(t)
            if key:
                return key
        if head.dep_ in ("appos", "compound") and head.head.i != head.i:
            return actors.actor_at(head.head)
        return None

    def _state(self, tok: Token, actors: ActorIndex) -> str | None:
        iso3 = self.finder.demonym(tok)
        if iso3 is None:
            return None
        entry = self.kb.state(iso3)
        if entry is None:
            return None
        actors.add(AMention(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), entry.id, entry, tok.text, entry.kind,
                            entry.country))
        return entry.id

    # ---------------------------------------------------------------- leaders

    def _leader(self, doc: Doc, tok: Token, actors: ActorIndex):
        person = self._person_for(tok, actors)
        group = self._group_of(tok, actors)
        if person and group and person != group:
            yield TieType.LEADER_OF, person, group, [tok, *self._span_of(person, actors, tok),
                                                      *self._span_of(group, actors, tok)]

    def _person_for(self, tok: Token, actors: ActorIndex) -> str | None:
        # "leader Abu Mahdi al-Muhandis": the name right after the title
        nxt = tok.i + 1
        if nxt < len(tok.doc):
            m = actors.tok.get(nxt)
            if m is not None and m.kind == "person" and m.start == nxt:
                return m.key
        for c in children(tok):  # "Nujaba's leader, Akram al-Kaabi"
            if c.dep_ == "appos":
                key = actors.actor_in(c)
                if key and actors.keys[key].kind == "person":
                    return key
        if tok.dep_ in ("appos", "attr"):  # "Akram al-Kaabi, the leader of ..."
            head = tok.head if tok.dep_ == "appos" else next((c for c in children_with(tok.head, ("nsubj",))), None)
            if head is not None:
                key = actors.actor_in(head)
                if key and actors.keys[key].kind == "person":
                    return key
        if tok.dep_ == "compound":  # "leader" compounded onto the name
            key = actors.actor_at(tok.head)
            if key and actors.keys[key].kind == "person":
                return key
        return None

    def _group_of(self, tok: Token, actors: ActorIndex) -> str | None:
        prev = tok.i - 1
        if prev >= 0:  # "Kataib Hezbollah leader", "Nujaba's leader"
            t = tok.doc[prev]
            if t.lower_ in ("'s", "’s") and prev >= 1:
                t = tok.doc[prev - 1]
            m = actors.tok.get(t.i)
            if m is not None and m.kind != "person":
                return m.key
        for c in children(tok):
            if c.dep_ == "poss":
                key = actors.actor_in(c)
                if key:
                    return key
            if c.dep_ == "prep" and c.lower_ == "of":
                for g in children(c):
                    key = actors.actor_in(g) or self._next_actor(g, actors)
                    if key:
                        return key
        return None

    @staticmethod
    def _next_actor(tok: Token, actors: ActorIndex) -> str | None:
        for t in sorted(subtree(tok), key=lambda t: t.i):
            m = actors.tok.get(t.i)
            if m is not None and m.kind != "person":
                return m.key
        return None

    # ---------------------------------------------------------------- membership

    def _member(self, tok: Token, actors: ActorIndex):
        tie = self.member_nouns[tok.lower_]
        whole = None
        preps = list(children(tok))
        if tok.dep_ == "conj":  # "X and other factions in Y": the parser may hang "in Y" on X
            preps += [c for c in children(tok.head) if c.i > tok.i]
        for c in preps:
            if c.dep_ == "prep" and c.lower_ in ("of", "in", "within", "inside"):
                for g in children(c):
                    whole = actors.actor_in(g)
        if whole is None:
            return
        members = []
        # "Nujaba and other factions in X": the conjuncts of the noun
        for c in [tok.head] if tok.dep_ == "conj" else []:
            key = actors.actor_in(c)
            if key:
                members.append(key)
        # "X, a member of Y" / "X is part of Y" / "Part of Y, the group ..."
        if tok.dep_ == "appos":
            key = actors.actor_in(tok.head)
            if key:
                members.append(key)
        if tok.dep_ in ("attr", "npadvmod", "advmod", "advcl", "ROOT", "dep", "nsubj", "oprd"):
            verb = tok.head if tok.dep_ != "ROOT" else tok
            for c in children(verb):
                if c.dep_ in ("nsubj", "nsubjpass") and c.i != tok.i:
                    key = actors.actor_in(c)
                    if key:
                        members.append(key)
        for m in members:
            if m != whole:
                yield tie, m, whole, [tok, *self._span_of(m, actors, tok), *self._span_of(whole, actors, tok)]

    @staticmethod
    def _span_of(key: str, actors: ActorIndex, near: Token) -> list[Token]:
        ms = [m for m in actors.mentions if m.key == key]
        if not ms:
            return []
        m = min(ms, key=lambda m: abs(m.start - near.i))
        return [near.doc[m.start], near.doc[m.end - 1]]


def _evidence(doc: Doc, toks: list[Token]) -> Span:
    start = min(t.idx for t in toks)
    end = max(t.idx + len(t) for t in toks)
    return Span.of(facts(doc).text, start, end)
