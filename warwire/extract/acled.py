"""ACLED event and sub-event type for an event, from its trigger's hint, mode, actors and the words
around it (``cues/acled.yaml``). Events ACLED would not code (threats, accusations, talks) get nulls.
"""
from __future__ import annotations

from spacy.tokens import Doc, Token

from ..types import AcledCode, ActorKind, EventType, Modality
from .docfacts import DocFacts, facts, negated_prefix, span_text, subtree_ix

CODED_MODALITIES = frozenset({Modality.ASSERTED, Modality.CLAIMED, Modality.ALLEGED})
STATE_KINDS = frozenset({ActorKind.STATE, ActorKind.GOVERNMENT, ActorKind.MILITARY, ActorKind.POLICE})
DEMONSTRATION_TYPES = frozenset({"Protests", "Riots"})
VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
FORCE_HINTS = ("protest_intervention", "excessive_force")  # the authorities' force against a demonstration
# Hints of attacks whose means a chemical agent named near them overrides (the shells or bombs only carried it).
CHEMICAL_CARRIERS = frozenset({"shelling", "airstrike", "explosive", "attack", "clash"})


class AcledCoder:
    def __init__(self, table: dict):
        self.hints = {k: tuple(v) for k, v in (table.get("hints") or {}).items()}
        self.remote = frozenset(table.get("remote_hints") or ())
        self.armed = frozenset(ActorKind(k) for k in table.get("armed_target_kinds") or ())
        self.civilian = frozenset(ActorKind(k) for k in table.get("civilian_target_kinds") or ())
        self.intervention = frozenset(table.get("intervention") or ())
        self.excessive = frozenset(table.get("excessive") or ())
        self.severe = frozenset(table.get("severe_force") or ())
        self.crowd_violence = frozenset(table.get("crowd_violence") or ())
        self.violent = frozenset(table.get("violent") or ())
        self.weapons = frozenset(table.get("weapons") or ())
        self.crowd_words = frozenset(table.get("crowd") or ())
        self.blocking = frozenset(table.get("blocking") or ())
        self.material = frozenset(table.get("blocking_material") or ())
        self.cause_preps = frozenset(table.get("protest_cause_preps") or ())
        self.cause_verbs = frozenset(table.get("protest_cause_verbs") or ())
        self.symbolic = frozenset(table.get("symbolic_objects") or ())
        self.weapon_modes = frozenset(table.get("weapon_modes") or ())
        self.rank = {h: i for i, h in enumerate(table.get("mode_priority") or ())}
        self.demo_tag = table.get("demonstration_tag")
        self.armed_victim_words = frozenset(table.get("armed_victim_words") or ())
        self.unarmed_marks = tuple(table.get("unarmed_victim_marks") or ())
        self.demo_words = frozenset(table.get("demonstration_words") or ())
        self.demo_crowd = frozenset(table.get("demonstration_crowd") or ())
        self.rioters = frozenset(table.get("rioters_facing_forces") or ())
        self.forces_words = frozenset(table.get("violence_of_forces") or ())
        self.protest_targets = frozenset(table.get("protest_targets") or ())
        self.nouns_only = frozenset(table.get("violent_as_nouns_only") or ())
        self.riot_crowd = frozenset(table.get("riot_crowd") or ())
        self.takeover_words = frozenset(table.get("takeover_words") or ())
        self.peaceful_takeover = frozenset(table.get("peaceful_takeover") or ())
        self.contested_takeover = frozenset(table.get("contested_takeover") or ())
        self.chemical_words = frozenset(table.get("chemical_words") or ())
        self.chemical_exceptions = frozenset(table.get("chemical_exceptions") or ())
        self.grenade_words = frozenset(table.get("grenade_words") or ())
        self.grenade_exceptions = frozenset(table.get("grenade_exceptions") or ())

    def code(self, etype: EventType, hints: list[str], mode_hint: str | None, modality: Modality,
             source_kinds: list[ActorKind], target_kinds: list[ActorKind], lemmas: set[str],
             mode_name: str | None = None) -> AcledCode:
        if modality not in CODED_MODALITIES:
            return AcledCode()
        hint = self._pick(etype, hints, mode_hint, source_kinds, target_kinds, lemmas, mode_name)
        if hint in CHEMICAL_CARRIERS and etype != EventType.PROTEST and lemmas & self.chemical_words and \
                not lemmas & self.chemical_exceptions:
            hint = "chemical"  # "shells that left dozens suffocating", "barrel bombs loaded with chlorine"
        elif hint == "attack" and lemmas & self.grenade_words and not lemmas & self.grenade_exceptions:
            hint = "grenade"  # "killed in an attack ... the attackers threw a grenade"
        if hint is None or hint == "none" or hint not in self.hints:
            return AcledCode()
        et, sub = self.hints[hint]
        return AcledCode(et, sub)

    def _pick(self, etype, hints, mode_hint, src, tgt, lemmas, mode_name=None) -> str | None:
        if etype == EventType.PROTEST:
            return self._protest(hints, lemmas)
        remote = [h for h in hints if h in self.remote]
        if mode_hint and etype == EventType.ASSAULT and (mode_hint in self.remote or mode_hint in ("abduct", "sexual")):
            remote.append(mode_hint)
        if etype == EventType.ASSAULT and "sexual" in (mode_hint, *hints):
            return "sexual"  # "raped women as they dispersed the protesters": the rape is what ACLED codes
        force = next((h for h in (mode_hint, *hints) if h in FORCE_HINTS), None)
        if etype == EventType.ASSAULT and force and (any(k == ActorKind.PROTESTERS for k in tgt) or force in hints):
            # tear gas on demonstrators, "dispersed a march" (a protest, not an actor): the authorities' answer
            return self._force(force, lemmas)
        if etype == EventType.ASSAULT and any(k == ActorKind.PROTESTERS for k in tgt) and \
                any(k in STATE_KINDS for k in src) and not remote and ("attack" in hints or "clash" in hints):
            # police beating or shooting demonstrators: force against a protest, not violence against civilians
            return self._force("excessive_force", lemmas)
        if "disrupted" in hints:  # "intercepted two missiles": the weapon named is the one that was stopped
            return "disrupted"
        if remote:  # the most specific means: a suicide bomber's blast is a suicide bomb, not an IED
            return min(remote, key=lambda h: self.rank.get(h, 99))
        for special in ("abduct", "sexual", "overtake", "regain", "transfer", "looting", "mob", "violent_demo",
                        "excessive_force", "arrest", "disrupted", "hq", "agreement", "change"):
            if special in hints:
                if special == "transfer" and etype == EventType.RETREAT and not lemmas & self.takeover_words:
                    return "change"  # forces pulled out and nobody is told taking over: a movement of forces
                if special == "looting" and lemmas & self.riot_crowd and not any(k in self.armed for k in src):
                    # a mob or demonstrators burning and looting: ACLED's codebook codes it as the riot it is
                    return "violent_demo" if lemmas & self.demo_crowd else "mob"
                return self._territory(special, src, lemmas) if special in ("overtake", "regain") else special
        if "clash" in hints or "attack" in hints or (etype == EventType.ASSAULT and not hints):
            return self._violence(hints, src, tgt, lemmas, mode_name)
        return hints[0] if hints else None

    def victim_kinds(self, kinds: list[ActorKind], victims: list[Token]) -> list[ActorKind]:
        """The kinds of an event's targets as ACLED's coding reads them, by the words of the victims' phrases:
        an off-duty or retired soldier is a civilian ("shot an off-duty police officer"), and "private security
        guards" or "a member of a rival gang" are armed, whatever kind their mention was given."""
        if not victims:
            return kinds
        f = facts(victims[0].doc)
        words = {f.lemma[t] for v in victims for t in subtree_ix(f, v.i)}
        text = " ".join(span_text(v.doc[v.left_edge.i:v.right_edge.i + 1]).lower() for v in victims)
        if {f.lemma[v.i] for v in victims if v.pos_ == "NOUN" and not v.ent_type_} & self.protest_targets and \
                ActorKind.PROTESTERS not in kinds:
            kinds = [*kinds, ActorKind.PROTESTERS]  # "attacked a peaceful rally": its demonstrators were hit
        if any(mark in text for mark in self.unarmed_marks):
            return [ActorKind.CIVILIANS if k in self.armed else k for k in kinds] or [ActorKind.CIVILIANS]
        if words & self.armed_victim_words and not any(k in self.armed for k in kinds):
            return [*kinds, ActorKind.MILITIA]  # an armed victim, of a kind the words do not tell
        return kinds

    def riot_hint(self, doc: Doc) -> str | None:
        """For a note tagged as a demonstration (its crowd size), the hint violence told in it gets: the
        demonstrators' own violence when the note's words tell a demonstration, a mob's when they tell only
        the violence; None for any other text. Words of names and dates do not count ("24 March")."""
        f = facts(doc)
        if not self.demo_tag or self.demo_tag not in f.text:
            return None
        told = any(f.lemma[i] in self.demo_words and not doc[i].ent_type_ for i in range(len(doc)))
        return "violent_demo" if told else "mob"

    def as_demonstration(self, code: AcledCode, etype: EventType, riot: str, hints: list[str],
                         note_lemmas: set[str]) -> AcledCode:
        """An event of a demonstration note coded as the demonstration: violence as ``riot``, anything else
        (a press conference, a sit-in told as a refusal, the arrests that ended it) by what the note says
        the crowd did and was done to."""
        if code.event_type == "Riots":
            return AcledCode(*self.hints[riot])
        if code.event_type in DEMONSTRATION_TYPES:
            return code
        violent = etype == EventType.ASSAULT or code.event_type in VIOLENT_TYPES or \
            code.sub_event_type == "Looting/property destruction"
        return AcledCode(*self.hints[riot if violent else self._protest(hints, note_lemmas)])

    def _violence(self, hints, src, tgt, lemmas=frozenset(), mode=None) -> str:
        tgt_armed = any(k in self.armed for k in tgt)
        src_armed = any(k in self.armed for k in src)
        tgt_civ = any(k in self.civilian for k in tgt)
        crowd = any(k in (ActorKind.PROTESTERS, ActorKind.CIVILIANS, ActorKind.PARTY) for k in src)
        weaponless = mode not in self.weapon_modes and not lemmas & self.weapons
        if not src_armed and weaponless and (crowd or not tgt_armed and ("clash" in hints or lemmas & self.crowd_words)):
            if lemmas & self.demo_crowd or lemmas & self.rioters and any(k in STATE_KINDS for k in tgt):
                # (not the actors' kind: a crowd of rioters is of the protesters' kind too)
                return "violent_demo"  # demonstrators who fought: the demonstration turned violent, not a mob
            return "mob"  # villagers, party supporters, a mob: violence without an armed group
        if "clash" in hints and (src_armed or tgt_armed or mode in self.weapon_modes or lemmas & self.weapons):
            return "clash"  # "exchanged fire with police": a fight, whoever else was hit
        if tgt_civ and not tgt_armed:
            return "attack"
        if "clash" in hints or tgt_armed and src_armed or tgt_armed and not src:
            return "clash"
        return "attack"  # one armed side and a victim who is not: violence against civilians

    def _territory(self, hint, src, lemmas=frozenset()) -> str:
        if lemmas & self.peaceful_takeover and not lemmas & self.contested_takeover:
            return "transfer"  # the other side left without a fight: the codebook's non-violent transfer
        if any(k in STATE_KINDS for k in src):
            return "regain"
        return "overtake" if src else hint

    def _force(self, hint: str, lemmas: set[str]) -> str:
        """The authorities' force against a demonstration as ACLED's codebook codes it: a violent demonstration
        when the demonstrators fought too, excessive force when it hurt people, else as the trigger said."""
        if lemmas & self.crowd_violence:
            return "violent_demo"
        if lemmas & self.severe:
            return "excessive_force"
        return hint

    def _protest(self, hints, lemmas) -> str:
        if "mob" in hints:
            return "mob"
        # ACLED's codebook: force against demonstrators who were themselves violent is a violent demonstration;
        # excessive force is lethal or injuring force against peaceful ones
        if "violent_demo" in hints or lemmas & self.violent or lemmas & self.blocking and lemmas & self.material:
            return "violent_demo"
        if lemmas & self.excessive:
            return "excessive_force"
        if lemmas & self.intervention:
            return "protest_intervention"
        return "peaceful_protest"

    def protest_lemmas(self, doc: Doc, start: int, end: int, trig=None) -> set[str]:
        """What the demonstrators did, as lemmas of tokens ``start:end``: without compound modifiers ("truck
        drivers", "a stone quarry"), the protest's stated cause ("over an attack on a leader", "demanding
        compensation for damaged crops") and symbolic burnings ("burned an effigy"), which ACLED's codebook
        leaves peaceful."""
        f = facts(doc)
        lemma, dep = f.lemma, f.dep
        own = {trig.i, *(a.i for a in trig.ancestors)} if trig is not None else set()
        out = set()
        for i in range(start, end):  # by token index: every token is read, and its ancestors
            if dep[i] == "compound" or self._in_cause(f, i, start, own):
                continue
            if i >= start + 2 and negated_prefix(f, i):
                continue  # "a non-violent march"
            if lemma[i] in self.nouns_only and f.pos[i] == "VERB":
                continue  # "protests that have rocked the city": shaken, no rocks thrown
            if lemma[i] in self.violent and any(lemma[c] in self.forces_words for c in f.child_ix[i]
                                                if dep[c] in ("compound", "amod", "poss", "nmod")):
                continue  # "police violence", "state-sanctioned violence": what the crowd protests, not what it did
            if lemma[i] == "burn" and any(dep[c] == "dobj" and lemma[c] in self.symbolic for c in f.child_ix[i]):
                continue
            out.add(lemma[i])
        return out

    def _in_cause(self, f: DocFacts, i: int, start: int, own: set[int]) -> bool:
        """Whether token ``i`` is a cause preposition or lies under one ("over an attack"), or lies under a cause
        verb ("demanding compensation"), below the protest itself."""
        lemma, dep, pos, head = f.lemma, f.dep, f.pos, f.head
        anc = i
        while True:  # the token, then its ancestors up to the root, as Token.ancestors walks them
            if anc < start or anc in own:
                return False  # the protest itself is under it: "rioted after ..." is not a cause of itself
            if dep[anc] == "prep" and lemma[anc] in self.cause_preps:
                return True
            if anc != i and pos[anc] == "VERB" and lemma[anc] in self.cause_verbs:
                return True
            if head[anc] == anc:
                return False
            anc = head[anc]
