"""Events: triggers from the cue lexicon, read through their modality frame, with roles, mode,
place, date, casualties, aggregates and ACLED codes. Triggers that tell one event ("killed ... in a
drone attack") are merged; a trigger that is only the content of a threat or a plan is re-typed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span as SpacySpan, Token

from ..kb.actors import ActorKB
from ..kb.gazetteer import place_words
from ..kb.cues import Cue, Lexicon, ModeCue
from ..types import (AcledCode, ActorKind, Aggregate, Article, Event, EventType, Modality, Precision, Quantity,
                     Span, TimeSpan)
from . import timex
from .acled import CODED_MODALITIES, AcledCoder
from .subtype import features as subtype_features
from .actors import ARMED_KINDS, AMention, ActorFinder, ActorIndex
from .docfacts import (DocFacts, ancestors_ix, children, children_with, conjuncts, facts, has_child, kids,
                       negated_prefix, sent_end, sent_start, sentence, span_text, subtree, subtree_ix)
from .modality import Frame, ModalityReader
from .places import CITY_FEATURES, PlaceIndex, PMention, coded_at, km_apart
from .quantities import Counter
from .roles import (agent_keys, carrier_roles, device_agents, noun_roles, passive, phrase_keys, subject_of,
                    thrown_at, two_sides_between, verb_roles)

PRODUCER = "warwire.events.rules.v1"
# The state's forces: in a riot or a demonstration they are the side the crowd faces.
FORCE_KINDS = frozenset({ActorKind.POLICE, ActorKind.MILITARY})
# Words before a date that make it a bound of something else, not the event's own date ("until 26 March").
DEADLINE_WORDS = frozenset({"until", "till", "by", "before"})
BOUND_WORDS = DEADLINE_WORDS | {"since", "from"}  # "since December": the start of a range, also not its date
LOCATIVE = ("in", "at", "near", "outside", "around", "inside", "on", "across", "along", "into", "within")
WEAK = 0.5
COOPERATIVE = frozenset({EventType.AGREE, EventType.CONCEDE, EventType.SUPPORT, EventType.AID,
                         EventType.COOPERATE})
MATERIAL = frozenset({EventType.ASSAULT, EventType.PROTEST})
VERBAL = frozenset({EventType.REQUEST, EventType.SUPPORT, EventType.CONSULT, EventType.COOPERATE, EventType.AGREE,
                    EventType.CONCEDE, EventType.AID})  # cues below this weight need an actor, a mode or a count to count as an event


@dataclass(slots=True)
class Draft:
    """An event under construction: token-level, mutable, local to this module."""

    trig: Token
    cue: Cue
    frame: Frame
    type: EventType
    tokens: list[Token] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    mode: ModeCue | None = None
    fatalities: Quantity | None = None
    injured: Quantity | None = None
    aggregate: Aggregate | None = None
    since: bool = False
    in_fight: bool = False  # the harm was done in a clash the sentence names ("injured in a clash between ...")


class EventExtractor:
    def __init__(self, lex: Lexicon, kb: ActorKB, finder: ActorFinder):
        self.lex = lex
        self.kb = kb
        self.finder = finder
        self.reader = ModalityReader(lex)
        self.counter = Counter(lex.quantities)
        self.coder = AcledCoder(lex.acled)
        self.subtype = lex.subtype  # learned ACLED sub-type (subtype.py); None: the rules alone
        q = lex.quantities
        self.death_nouns = frozenset(q.get("death_nouns") or ())
        self.injury_nouns = frozenset(q.get("injury_nouns") or ())
        self.death_verbs = frozenset(v for v in q.get("death_verbs") or () if " " not in v)
        self.injury_verbs = frozenset(q.get("injury_verbs") or ())
        self.aggregate_nouns = lex.frame("aggregate_nouns")
        self.anaphoric = lex.frame("anaphoric_determiners")
        self.light = lex.frame("light_verbs")
        self.harm_verbs = lex.frame("harm_verbs")
        self.repel = lex.frame("repel_verbs")
        self.one_sided = frozenset(lex.acled.get("one_sided_clash") or ())
        self.repelling = frozenset(lex.acled.get("repelling_verbs") or ())
        self.civilian_victims = frozenset(lex.acled.get("civilian_victims") or ())
        self.unknown_perpetrator = frozenset(lex.acled.get("unidentified_perpetrator") or ())
        self.evidenced = frozenset(lex.acled.get("rules_over_model") or ())
        self.backdrop_preps = frozenset(lex.frame("backdrop_preps"))
        self.struck_depots = lex.frame("struck_weapons_verbs")
        self.raid_words = frozenset(lex.acled.get("raid_words") or ())
        self.arrest_words = frozenset(lex.acled.get("raid_arrest_words") or ())
        self.raid_codes = frozenset(lex.acled.get("raid_coded_as") or ())
        self.arrest_code = AcledCode(*self.coder.hints["arrest"])
        self.speech = lex.frame("speech")
        self.reduced_relatives = lex.frame("reduced_relatives")
        self.final = frozenset(lex.acled.get("rules_final") or ())
        self.note_labels = {str(k).lower(): str(v) for k, v in (lex.acled.get("note_labels") or {}).items()}
        self.background_preps = frozenset(lex.acled.get("background_preps") or ())
        self.reactions = frozenset(EventType(t) for t in lex.acled.get("reaction_types") or ())
        self.responsibility = frozenset(lex.acled.get("responsibility_words") or ())
        self.note_types = {str(k).lower(): str(v) for k, v in (lex.acled.get("note_label_types") or {}).items()}
        self.demand_modals, self.demand_speech = lex.frame("demand_modals"), lex.frame("demand_speech")
        self.measure_nouns = lex.frame("measure_nouns")
        self.container_verbs = lex.frame("container_verbs")
        self.consequence_verbs = lex.frame("consequence_verbs")
        self.displacement = lex.frame("displacement_words")
        self.owner_verbs = lex.frame("weapon_owner_verbs")
        self.mutual_fire = lex.frame("mutual_fire")
        self.intervened = lex.frame("protest_met_by_police")
        self.intervention_marks = lex.frame("police_intervention_marks")
        self.armed_perpetrator = frozenset(lex.acled.get("armed_perpetrator") or ())
        self.intervention_cause = frozenset(lex.acled.get("protest_cause_verbs") or ()) | {"ask", "support", "argue"}
        self.damage_verbs = lex.frame("damage_verbs")
        self.civilian_property = lex.frame("civilian_property")
        self.initiative = lex.frame("initiative_words")
        self.weapon_stores = lex.frame("weapon_stores")
        self.met_by_forces = lex.frame("protest_met_by_forces")
        self.civilian_toll = lex.frame("civilian_toll_types")
        self.place_verbs = lex.frame("place_object_verbs")
        self.cue_words = frozenset(word for word, _ in lex.cues)
        self.demand_cue = Cue("must", "VERB", EventType.REQUEST, None, "none", ("diplomatic",), weight=0.8)
        self.phrases_by_first: dict[str, list] = {}
        for words, mc in lex.mode_phrases.items():
            self.phrases_by_first.setdefault(words[0], []).append((words, mc))
        self.mode_rank = {h: i for i, h in enumerate(lex.acled.get("mode_priority") or ())}

    # ---------------------------------------------------------------- entry point

    def extract(self, doc: Doc, article: Article, actors: ActorIndex, places: PlaceIndex) -> list[Event]:
        """Events whose sources and targets are actor keys (the pipeline swaps keys for ids)."""
        drafts = [d for d in (self._draft(t, actors) for t in self._triggers(doc, actors)) if d is not None]
        drafts = self._absorb(drafts, actors)
        drafts += self._intents(drafts, actors)
        drafts = self._merge(drafts)
        drafts = self._follow_ups(drafts, actors, places)
        drafts = self._drop_repeats(drafts)
        self._condemned(drafts)
        body_start = _body_start(doc)
        self._stated_toll(doc, drafts)
        events = []
        f = facts(doc)  # (the sentences' starts in order, without building a Span per sentence)
        dates = _DateContext(article.published, sent_order={s: i for i, s in enumerate(sorted(set(f.sent_start)))},
                             ents=[e for e in actors.ents() if e.label_ in ("DATE", "TIME")])
        label, labelled = self._note_label(doc, drafts, actors)
        if label is not None and labelled is None:
            labelled = self._tag_event(doc, actors)
            drafts.append(labelled)
        riot = self.coder.riot_hint(doc)
        at = {d.trig.i: d for d in drafts}
        background = {id(d) for d in drafts if self._background(d, at)}
        for d in sorted(drafts, key=lambda d: d.trig.i):
            if d.trig.idx < body_start:
                continue
            if d is not labelled and self._accidental(d, actors):
                continue  # "a gas tank exploded, killing four": a disaster, not an attack
            if d.frame.modality == Modality.NEGATED and d.type in COOPERATIVE and \
                    any(k.dep == "mark" and k.lower in self.lex.frame("hypothetical_marks") for k in kids(d.trig)):
                continue  # "a strike if the government does not reverse the rise": a condition, not a refusal
            if d.frame.modality == Modality.NEGATED and d.type in COOPERATIVE:
                # "will not accept refugees", "did not agree": refusing is a REJECT that happened
                d.type, d.frame = EventType.REJECT, Frame(Modality.ASSERTED, d.frame.governor)
            elif d.frame.modality == Modality.NEGATED and d.type in VERBAL:
                continue  # "does not seek escalation": a stance, not an event
            if d.frame.modality == Modality.HYPOTHETICAL and not (d.sources and d.targets):
                continue  # a fear or a condition with nobody on one side says too little to code
            ev = self._finish(d, doc, actors, places, dates, len(events) + 1, label if d is labelled else None, riot,
                              id(d) in background)
            if ev is not None:
                events.append(ev)
        return events

    # ---------------------------------------------------------------- triggers

    def _triggers(self, doc: Doc, actors: ActorIndex):
        f = facts(doc)  # the words read by token index ("-" is its own lower case)
        ent_type = f.ent_types(doc)
        for i in self._trigger_positions(f):
            hyphen_before = i > 1 and f.lower[i - 1] in ("-", "–")
            joined_word = hyphen_before and not f.space[i - 2]
            pos = f.pos[i]
            if pos not in ("VERB", "NOUN", "PROPN", "ADP", "ADV") and not joined_word or \
                    f.dep[i] == "compound" and not hyphen_before:
                continue  # (the parser may tag the end of "counter-offensive" an adjective)
            tok = doc[i]
            if joined_word:
                first = f.lower[i - 2]
                joined = self._cue_text(first + f.lower[i], "NOUN") or self._cue_text(first + f.lemma[i], "NOUN")
                if joined is not None:  # "shoot-out" is a shootout, "shoot-outs" shootouts
                    yield tok, joined
                    continue
                if pos != "VERB" or f.dep[i] in ("amod", "compound", "acl"):
                    continue  # "Iran-backed", "so-called", "US-led": a modifier, not an event
                # "was gang-raped", "were hand-picked": the clause's own verb, read as itself
            if pos in ("ADP", "ADV"):
                continue  # only as the end of a hyphenated word ("sit-in")
            m = actors.tok.get(i)
            if m is not None and not m.descriptive or ent_type[i] in ("DATE", "TIME"):
                continue
            cue = self._cue(tok)
            if cue is not None:
                yield tok, cue

    def _trigger_positions(self, f: DocFacts) -> list[int]:
        """Where a trigger can be: a cue's word or lemma, a demand verb, the end of a hyphenated word. The
        rules in ``_triggers`` then read only these tokens, a fraction of the document."""
        return [i for i, (lemma, lower) in enumerate(zip(f.lemma, f.lower))
                if lemma in self.cue_words or lower in self.cue_words or lemma in self.demand_speech or
                i > 1 and f.lower[i - 1] in ("-", "–")]

    def _cue_text(self, text: str, pos: str) -> Cue | None:
        return next((c for c in self.lex.lookup(text, pos) if c.requires_dep is None), None)

    def _cue(self, tok: Token) -> Cue | None:
        f = facts(tok.doc)
        lemma = f.lemma[tok.i]
        if lemma in self.lex.negative:
            return None
        pos = "NOUN" if f.pos[tok.i] == "PROPN" else f.pos[tok.i]
        for cue in self.lex.lookup(lemma, pos) or self.lex.lookup(f.lower[tok.i], pos):  # conditional cues first
            if cue.requires_dep is None:
                return cue
            lemma_of = f.lemma
            if any(c.dep == cue.requires_dep and (not cue.requires or lemma_of[c.i] in cue.requires or
                                                  self._measured(tok.doc[c.i]) & cue.requires or
                                                  self._compounds(tok.doc[c.i]) & cue.requires)
                   for c in kids(tok)):
                return cue
            if cue.requires_dep == "nsubjpass" and tok.dep_ == "acl" and tok.tag_ == "VBN" and \
                    self._names(tok.head, cue.requires):
                return cue  # "a stash of rifles found near the border": the participle's noun is its passive subject
            if cue.requires_dep == "dobj" and any(
                    c.dep == "ccomp" and lemma_of[c.i] in self.reduced_relatives and
                    any(self._names(s, cue.requires) for s in children_with(tok.doc[c.i], ("nsubj",)))
                    for c in kids(tok)):
                return cue  # "found a cache of rifles believed to belong to X": the small parser's reading
        if lemma in self.demand_speech and self._demanded(tok) is not None:
            return self.demand_cue  # "Russia said Sudan must return the helicopter": a demand
        return None

    def _names(self, tok: Token, wanted) -> bool:
        """Whether ``tok`` is one of the ``wanted`` lemmas, measures or holds one, or is compounded with one."""
        lemma = facts(tok.doc).lemma[tok.i]
        return not wanted or lemma in wanted or bool(self._measured(tok) & wanted) or bool(self._compounds(tok) & wanted)

    @staticmethod
    def _compounds(tok: Token) -> set[str]:
        """"chlorine munitions were dropped", "sarin rockets": the word a compound names its kind by."""
        return {c.lemma_.lower() for c in children_with(tok, ("compound",))}

    def _measured(self, tok: Token) -> set[str]:
        """"a large amount of ammunition", "80kg of explosives and mines", "packages containing explosive
        devices": what a measure or container noun measures or holds."""
        if tok.lemma_.lower() not in self.measure_nouns:
            return set()
        held = [g for c in children_with(tok, ("prep",)) if c.lower_ in ("of", "with")
                for g in children_with(c, ("pobj",))]
        for verb in children(tok):
            if verb.dep_ == "acl" and verb.lemma_.lower() in self.container_verbs:
                held += [g for c in children(verb) if c.dep_ == "dobj" or c.dep_ == "prep" and c.lower_ == "with"
                         for g in ([c] if c.dep_ == "dobj" else children_with(c, ("pobj",)))]
            elif verb.dep_ == "acl" and verb.lemma_.lower() in self.lex.frame("identified_as_verbs"):
                # "packages identified as explosive devices": what the container was found to be
                held += [g for c in children_with(verb, ("prep",)) if c.lower_ == "as" for g in children_with(c, ("pobj",))]
        held = [t for g in held for t in (g, *conjuncts(g))]
        return {t.lemma_.lower() for t in held} | {c for t in held for c in self._compounds(t)}  # "of mortar shells"

    def _demanded(self, tok: Token) -> Token | None:
        """The clause a reporting verb presents as an obligation of someone else ("Y must do Z")."""
        for c in children(tok):
            if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX") and \
                    any(a.dep_ == "aux" and a.lower_ in self.demand_modals for a in children(c)) and \
                    any(s.dep_ in ("nsubj", "nsubjpass") and s.lower_ not in ("we", "i", "it", "there")
                        for s in children(c)):
                return c
        return None

    def _draft(self, item, actors: ActorIndex) -> Draft | None:
        tok, cue = item
        frame = self.reader.frame(tok, cue.type.value)
        etype = EventType(frame.retype) if frame.retype else cue.type
        if etype == EventType.SUPPORT and self._tie(tok):
            return None
        if tok.dep_ == "amod" and tok.tag_ in ("VBN", "JJ") and etype in (EventType.COERCE, EventType.AID) or \
                tok.dep_ == "acl" and tok.tag_ == "VBG" and etype == EventType.AID:
            return None  # "displaced families", "a school sheltering families": who they are, not what happened
        if tok.pos_ == "NOUN" and self._topic(tok):
            return None  # "talks on a truce and the release of hostages": what is talked about has not happened
        if tok.pos_ == "NOUN" and tok.dep_ in ("npadvmod", "appos") and self._restates(tok, etype):
            return None  # "X blamed Y, an accusation Y rejected": the noun restates the verb's event
        d = Draft(tok, cue, frame, etype, tokens=[tok], hints=[cue.acled] if cue.acled != "none" else [])
        self._roles(d, actors)
        self._mode(d)
        if d.type == EventType.COERCE and cue.acled == "disrupted" and d.frame.modality == Modality.ASSERTED and \
                facts(tok.doc).lemma[tok.i] in self.struck_depots:
            self._struck_from_afar(d)
        self._casualties(d)
        self._aggregate(d)
        if cue.weight < WEAK and not (d.sources or d.targets or d.mode or d.fatalities):
            return None  # a weak cue ("hit", "target") counts only with an actor, a means or a toll
        if cue.weight < WEAK and d.type == EventType.ASSAULT and d.frame.modality == Modality.ASSERTED and \
                not (d.mode or d.fatalities or d.injured):
            return None  # "targeting 10 officials" with sanctions: violence needs a weapon or a victim toll
        return d

    def _struck_from_afar(self, d: Draft) -> None:
        """"Warplanes destroyed the arms depot", "drones hit weapons stores": weapons destroyed by an air or
        artillery strike are the strike ACLED codes, not weapons seized or defused."""
        subject = [t.i for s in children_with(d.trig, ("nsubj",)) for t in subtree(s)]
        remote = [m for m in self._modes_in(d.trig.doc, sorted(subject)) if m.acled in self.coder.remote]
        if remote:
            d.type, d.mode, d.hints = EventType.ASSAULT, remote[0], []

    def _roles(self, d: Draft, actors: ActorIndex) -> None:
        tok, clash = d.trig, d.cue.acled == "clash"
        if not clash and d.type == EventType.ASSAULT and two_sides_between(actors, tok):
            clash = True  # "gunfire erupted between the army and the rebels": a fight between both
            d.hints = d.hints + ["clash"]
        if tok.pos_ == "VERB":
            d.sources, d.targets = verb_roles(actors, tok, clash)
            if clash and tok.lemma_.lower() in self.repel:
                self._attacker_first(d, actors)
            if d.type == EventType.ASSAULT and not passive(tok):
                self._planted(d, actors)
            if not d.sources:
                d.sources = self._agent_behind(tok, actors)
            if not d.targets and d.cue.acled in ("looting", "abduct", "arrest", "attack"):
                d.targets = [k for k in _from_targets(actors, tok) if k not in d.sources]
            if not d.targets and tok.lemma_.lower() in self.harm_verbs:
                d.targets = self._unnamed_victims(tok, actors)
            if not d.targets and d.cue.acled == "disrupted" and d.type == EventType.ASSAULT:
                d.targets = [k for obj in children_with(tok, ("dobj", "nsubjpass"))
                             for k in self._weapon_owner(obj, actors) if k not in d.sources]
        else:
            d.sources, d.targets = noun_roles(actors, tok, clash)
            if not d.targets:
                d.targets = [k for k in thrown_at(actors, tok) if k not in d.sources]
            if not d.sources:
                d.sources = self._demonym_source(tok, actors) or self._led_to_by(tok, actors)
        if not d.targets and d.cue.acled in ("overtake", "regain", "transfer"):
            # "took control of X from Y", "seized X from ADF control": who held the territory is the other side
            heads = [tok, *(c for c in tok.children if c.dep_ in ("dobj", "prt", "advmod"))]
            heads += [g for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ == "of"
                      for g in c.children if g.dep_ == "pobj"]
            held = [g for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ == "from"
                    for g in c.children if g.dep_ == "pobj"]
            d.targets = [k for k in phrase_keys(actors, held) or
                         [actors.actor_in(g) for g in held] if k and k not in d.sources]
        if d.cue is self.demand_cue:  # the one the demand is made of: the clause's subject
            clause = self._demanded(tok)
            subj = children_with(clause, ("nsubj", "nsubjpass")) if clause is not None else []
            d.targets = [k for k in verb_roles(actors, tok)[1] + [actors.actor_in(t) for t in subj]
                         if k and k not in d.sources]
        if d.type == EventType.ASSAULT and not d.targets:
            d.targets = [k for k in self._repelled_by(tok, actors) if k not in d.sources]
        fr = d.frame
        carrier = fr.carrier
        if carrier is not None and not d.sources:
            d.sources = carrier_roles(actors, carrier)
            if not d.targets:
                d.targets = [k for k in verb_roles(actors, carrier, clash)[1] if k not in d.sources]
        if clash and len(d.sources) > 1 and not d.targets and not any(
                c.dep_ == "prep" and c.lower_ in ("with", "against") for c in [*tok.children, *(
                    carrier.children if carrier is not None else ())]):
            # "NPA militants and the military engaged in a firefight": the carrier's subjects are both sides
            # (not when a "with X" names the other side the parse could not resolve: "X and Y clashed with them")
            d.sources, d.targets = d.sources[:1], d.sources[1:]
        if fr.accused is not None and not d.sources:
            key = actors.actor_in(fr.accused)
            if key:
                d.sources = [key]
        if fr.retype or fr.modality in (Modality.CLAIMED, Modality.DENIED) and fr.governor is not None:
            speaker = carrier_roles(actors, fr.governor) if fr.governor is not None else []
            if speaker and (fr.retype == "THREATEN" or not d.sources or fr.modality == Modality.CLAIMED):
                d.sources = speaker + [s for s in d.sources if s not in speaker][:0]
        if d.type == EventType.ASSAULT and not d.targets and tok.pos_ == "NOUN":
            d.targets = self._victims(tok, actors) or self._sufferer(tok, actors, d.sources)
        if d.type == EventType.ACCUSE and not d.targets:
            for c in children(tok):
                if c.dep_ == "ccomp":
                    d.targets = [k for k in verb_roles(actors, c)[0] if k not in d.sources]
                    break
        for c in kids(tok):  # "along with Tehran pushed ...": a co-source
            if c.dep == "prep" and c.lower in ("along", "together") and c.i < tok.i:
                for w in children(tok.doc[c.i]):
                    for g in ([w] if w.dep_ == "pobj" else children_with(w, ("pobj",))):
                        k = actors.actor_in(g)
                        if k and k not in d.sources:
                            d.sources.append(k)
        if d.type == EventType.ASSAULT and not d.sources and tok.pos_ == "VERB" and passive(tok):
            for c in children(tok):  # "was wounded in an attack by unidentified assailants"
                if c.dep_ == "prep" and c.lower_ in ("in", "during"):
                    for n in children(c):
                        n_cue = self._cue(n) if n.dep_ == "pobj" else None
                        if n_cue is not None:
                            n_clash = n_cue.acled == "clash" or two_sides_between(actors, n)
                            n_src, n_tgt = noun_roles(actors, n, n_clash)
                            # "a militant of X was killed during a clash between X and Y": the clash's sides
                            d.sources = n_src if n_clash else [k for k in n_src if k not in d.targets]
                            if n_clash:  # people hurt in a clash are its toll, not a side of it
                                d.in_fight = True
                                hurt = [k for k in d.targets if actors.keys[k].kind != ActorKind.CIVILIANS]
                                if not d.sources and n_tgt and hurt:
                                    # "1 X member was killed during clashes with Y": the victims' side fought Y
                                    d.sources = [k for k in hurt if k not in n_tgt][:1]
                                d.targets = [k for k in [*n_tgt, *hurt] if k not in d.sources]
                            if n_clash and d.sources:  # "shot dead during a clash between X and Y"
                                d.hints = d.hints + ["clash"]
        if d.type == EventType.ASSAULT and not d.sources and d.frame.modality == Modality.ASSERTED:
            d.sources = self._armed_nearby(d, actors)

    @staticmethod
    def _planted(d: Draft, actors: ActorIndex) -> None:
        """"a convoy struck an IED planted by X": X attacked the convoy, whose subject is the victim."""
        tok = d.trig
        planters = [k for o in children_with(tok, ("dobj", "obj")) for k in device_agents(actors, o)] or \
            [k for c in children_with(tok, ("ccomp",)) if c.tag_ == "VBN" and  # the small parser's reading
             has_child(c, ("nsubj",)) for k in agent_keys(actors, c)]
        if planters:
            d.sources, d.targets = planters, [k for k in [*d.sources, *d.targets] if k not in planters]

    @staticmethod
    def _attacker_first(d: Draft, actors: ActorIndex) -> None:
        """"Y repelled the attack of X", "X advanced but were repulsed by Y": the fight is told from the
        defender's side, but the side that attacked is the source (ACLED's actor 1) and the defender its
        target. Only when the text names both sides."""
        tok = d.trig
        if passive(tok):
            own = children_with(tok, ("nsubjpass",))
            attackers = phrase_keys(actors, own or subject_of(tok))
            defenders = agent_keys(actors, tok)
        else:  # the attackers are the object, or the authors of the attack it names ("the attack of X")
            attackers, defenders = d.targets or [k for o in children_with(tok, ("dobj", "obj"))
                                                 for k in noun_roles(actors, o)[0]], d.sources
        attackers = [k for k in attackers if k not in defenders]
        if attackers and defenders:
            d.sources, d.targets = list(attackers), list(defenders)

    def _armed_nearby(self, d: Draft, actors: ActorIndex) -> list[str]:
        """When the parse links no attacker (small parsers misread "two armed men on a motorcycle shot and
        killed ..."), an armed actor named earlier in the same sentence and not a victim is the likely
        one; named groups and unidentified gunmen only, never civilians."""
        start = sent_start(d.trig)
        reporters = self._reporters(d.trig)
        best = None
        for m in actors.mentions:
            if start <= m.start < d.trig.i and m.key not in d.targets and m.kind in ARMED_KINDS and \
                    not m.descriptive and m.end - 1 not in reporters and \
                    (actors.doc[m.end - 1].dep_ not in ("pobj", "dobj", "poss") or
                     actors.doc[m.end - 1].head.lower_ == "by"):
                best = m
        return [best.key] if best is not None else []

    def _reporters(self, trig: Token) -> set[int]:
        """Subjects of the reporting verbs a trigger is told under: "police said a boiler exploded" (or "... two
        people were killed") names who reports it, not who did it. Not when the trigger's own subject is a
        pronoun ("the army said it killed ten"), which may stand for the reporter."""
        f, out = facts(trig.doc), set()
        if any(f.pos[c] == "PRON" and f.dep[c] in ("nsubj", "nsubjpass") for c in f.child_ix[trig.i]):
            return out
        for i in ancestors_ix(f, trig.i):
            if f.lemma[i] in self.speech:
                out.update(c for c in f.child_ix[i] if f.dep[c] == "nsubj")
        return out

    def _repelled_by(self, tok: Token, actors: ActorIndex) -> list[str]:
        """"Russian forces attacked X but were repulsed by Ukrainian forces": the repelling side."""
        verb = tok if tok.pos_ == "VERB" else tok.head
        for c in [*conjuncts(verb), *children_with(verb, ("advcl", "conj"))]:
            if c.lemma_.lower() in self.repel and passive(c):
                agents = [g for a in children_with(c, ("agent",)) for g in children_with(a, ("pobj",))]
                keys = [actors.actor_in(g) for g in agents]
                return [k for k in keys if k]
        return []

    def _agent_behind(self, verb: Token, actors: ActorIndex) -> list[str]:
        """Sources the parse gives only indirectly: "killed by a Russian mine" (the state whose device it
        was), "a suicide bomber from Al Shabaab detonated himself" (the group the attacker came from)."""
        if passive(verb):
            for c in children(verb):
                if c.dep_ == "agent":
                    for g in children(c):
                        if g.dep_ == "pobj":
                            found = self._demonym_source(g, actors)
                            if found:
                                return found
            return []
        for subj in (c for c in children_with(verb, ("nsubj", "csubj"))):
            for c in children(subj):
                if c.dep_ == "prep" and c.lower_ in ("from", "of"):
                    keys = [actors.actor_in(g) for g in children_with(c, ("pobj",))]
                    keys = [k for k in keys if k]
                    if keys:
                        return keys
        return []

    def _led_to_by(self, noun: Token, actors: ActorIndex) -> list[str]:
        """"soldiers conducted raids, leading to the arrest of 40 people": the subject of the action that
        led to it."""
        prep = noun.head
        if noun.dep_ != "pobj" or prep.lower_ not in ("to", "in"):
            return []
        verb = prep.head
        if verb.lemma_.lower() not in self.consequence_verbs:
            return []
        return [k for k in (actors.actor_in(t) for t in subject_of(verb)) if k]

    def _demonym_source(self, tok: Token, actors: ActorIndex) -> list[str]:
        """"Israeli strikes", "US airstrikes": the nationality adjective names the source."""
        for c in children(tok):
            if c.dep_ in ("amod", "compound", "nmod") and c.i < tok.i:
                iso3 = self.finder.demonym(c)
                if iso3:
                    entry = self.kb.state(iso3)
                    if entry is not None:
                        actors.add(AMention(c.i, c.i + 1, c.idx, c.idx + len(c), entry.id, entry, c.text,
                                            entry.kind, entry.country))
                        return [entry.id]
        return []

    def _weapon_owner(self, weapon: Token, actors: ActorIndex) -> list[str]:
        """"shot down a Russian Kh-101 missile": the military whose weapon was stopped."""
        for t in subtree(weapon):
            if t.i >= weapon.i:
                break
            iso3 = self.finder.demonym(t) if t.dep_ in ("amod", "compound", "nmod") else None
            entry = iso3 and (self.kb.state_role(iso3, "military") or self.kb.state(iso3))
            if entry:
                actors.add(AMention(t.i, t.i + 1, t.idx, t.idx + len(t), entry.id, entry, t.text, entry.kind,
                                    entry.country))
                return [entry.id]
        return []

    def _unnamed_victims(self, verb: Token, actors: ActorIndex) -> list[str]:
        """"abducted a herder", "a trader was shot": a person harmed and not otherwise named is a
        civilian victim (ACLED's convention); a named or armed victim has its own mention already."""
        victims = self._own_victims(verb)
        out = []
        for v in victims:
            if actors.actor_in(v) or v.pos_ not in ("NOUN",) or v.tag_ not in ("NN", "NNS"):
                continue
            if self.counter.number(v.lower_) is not None or v.lemma_.lower() in self.lex.modes:
                continue  # "killed dozens", "shot down drones": a count or a weapon, not a victim
            if v.i in actors.tok:
                continue
            m = AMention(v.i, v.i + 1, v.idx, v.idx + len(v), "generic:civilians", None, v.text,
                         ActorKind.CIVILIANS, None, generic="civilians")
            actors.add(m)
            out.append("generic:civilians")
        return out

    @staticmethod
    def _sufferer(tok: Token, actors: ActorIndex, sources: list[str]) -> list[str]:
        """"X withdrew after / due to a spate of Y's strikes": X suffered the strikes."""
        t = tok
        for _ in range(5):
            if t.dep_ not in ("pobj", "prep", "pcomp") or t.head.i == t.i:
                return []
            t = t.head
            if t.lower_ in ("due", "after", "following", "amid", "because") and t.dep_ in ("prep", "advmod", "mark"):
                break
        else:
            return []
        verb = t.head
        from .roles import subject_of

        keys = [actors.actor_in(s) for s in subject_of(verb)]
        return [k for k in keys if k and k not in sources]

    def _victims(self, tok: Token, actors: ActorIndex) -> list[str]:
        """"the killing of three soldiers in a drone attack": the attack's victims sit on the killing."""
        head = tok.head.head if tok.dep_ == "pobj" else None
        if head is not None and head.lemma_.lower() in self.death_verbs | {"killing", "death"}:
            s, t = (verb_roles(actors, head) if head.pos_ == "VERB" else noun_roles(actors, head))
            return t
        return []

    # ---------------------------------------------------------------- mode, casualties, aggregates

    def _mode(self, d: Draft) -> None:
        """The means: the cue's own mode, then mode words in the trigger's phrase, then in its sentence;
        among several, the most specific kind of weapon wins (a suicide bomb is also an explosive)."""
        own = ModeCue(d.cue.mode, None) if d.cue.mode else None
        f = facts(d.trig.doc)
        phrase = _own_phrase_ix(f, d.trig.i)
        if f.dep[d.trig.i] == "pobj":
            phrase.append(f.head[f.head[d.trig.i]])
        found = self._modes_in(d.trig.doc, sorted(phrase)) or self._sentence_modes(d.trig)
        if not found:
            d.mode = own
            return
        best = min(found, key=lambda mc: self.mode_rank.get(mc.acled or "", 99))
        d.mode = ModeCue(own.mode if own and best.acled in (None, "attack") else best.mode, best.acled)

    def _sentence_modes(self, tok: Token) -> list[ModeCue]:
        """``_modes_in`` the trigger's whole sentence, read once per sentence (triggers share sentences)."""
        memo = facts(tok.doc).memo
        key = (self, "sentence_modes", sent_start(tok))
        if key not in memo:
            memo[key] = self._modes_in(tok.doc, range(sent_start(tok), sent_end(tok)))
        return memo[key]

    def _modes_in(self, doc: Doc, positions: Sequence[int]) -> list[ModeCue]:
        """Mode phrases and single mode words among the tokens at ``positions`` (in text order)."""
        lemma_of = facts(doc).lemma
        seq = [lemma_of[i] for i in positions]
        covered: set[int] = set()
        phrases = []
        for i, first in enumerate(seq):
            for words, mc in self.phrases_by_first.get(first, ()):
                if tuple(seq[i:i + len(words)]) == words:
                    phrases.append(mc)
                    covered.update(positions[k] for k in range(i, i + len(words)))
        # "water cannon" is crowd control: the word "cannon" inside it is not artillery
        single_at = self._single_modes(doc)
        singles = [single_at[i] for i in positions if single_at[i] and i not in covered]
        return singles + phrases

    def _single_modes(self, doc: Doc) -> list[ModeCue | None]:
        """The mode each token names on its own (by lemma, else by its lower-cased form), read once per Doc."""
        f = facts(doc)
        key = (self, "single_modes")
        if key not in f.memo:
            modes = self.lex.modes
            f.memo[key] = [modes.get(lemma) or modes.get(lower) for lemma, lower in zip(f.lemma, f.lower)]
        return f.memo[key]

    def _casualties(self, d: Draft) -> None:
        tok = d.trig
        lemma = tok.lemma_.lower()
        dead = any(k.lower == "dead" for k in kids(tok))  # "were shot dead", "hacked dead"
        if lemma in self.death_verbs or lemma in self.injury_verbs or dead:
            victims = self._victim_tokens(tok)
            q = next((q for q in map(self.counter.victims, victims) if q), None)
            if lemma in self.death_verbs or dead:
                d.fatalities = q
            else:
                d.injured = q
        elif tok.pos_ == "NOUN" and lemma in self.death_nouns | {"killing"}:
            # "12 deaths"; "the killing of three soldiers": the count of those it names
            d.fatalities = self.counter.count(tok) or \
                next((q for q in map(self.counter.victims, self._own_victims(tok)) if q), None)

    def _struck(self, tok: Token) -> list[Token]:
        """Who or what an act of force struck: its victims, those of the verb it shares a subject with
        ("attacked and killed two guards"), and what it was aimed "on" or "against" ("opened fire on
        soldiers", "an attack against the army post")."""
        aimed = [g for c in children_with(tok, ("prep",)) if c.lower_ in ("on", "against", "at")
                 for g in children_with(c, ("pobj",))]
        joined = [v for c in children_with(tok, ("conj",)) if c.pos_ == "VERB" for v in self._own_victims(c)]
        return self._victim_tokens(tok) + aimed + joined

    def _victim_tokens(self, verb: Token, depth: int = 0) -> list[Token]:
        found = self._own_victims(verb)
        if not found and depth < 2 and verb.dep_ in ("conj", "xcomp") and verb.head.pos_ in ("VERB", "AUX"):
            return self._victim_tokens(verb.head, depth + 1)  # "was shot and killed", "reported to be killed"
        return found

    def _own_victims(self, verb: Token) -> list[Token]:
        if verb.pos_ == "NOUN":
            return [g for c in children_with(verb, ("prep",)) if c.lower_ == "of" for g in children(c)]
        objects = children_with(verb, ("dobj",))
        if passive(verb) and not (objects and verb.dep_ == "acl"):  # "strikes killed 30 people" misread as acl
            subj = children_with(verb, ("nsubjpass",))
            return subj or ([verb.head] if verb.dep_ in ("acl", "amod") else [])
        if verb.lemma_.lower() in ("die", "perish"):
            return children_with(verb, ("nsubj",))
        return objects

    def _aggregate(self, d: Draft) -> None:
        tok = d.trig
        if self._toll(d):
            return
        if tok.pos_ != "NOUN" or tok.tag_ != "NNS":
            if not (tok.dep_ == "pobj" and tok.head.head.lemma_.lower() in self.aggregate_nouns):
                return
        q = self.counter.count(tok)
        parent = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "of" else None
        if q is not None and (q.min or 0) > 1:
            words = [c for c in subtree(tok) if c.i <= tok.i]
            d.aggregate = Aggregate(q.min, q.max, tok.doc[words[0].i:tok.i + 1].text)
        elif parent is not None and parent.lemma_.lower() in self.aggregate_nouns:
            q = self.counter.count(parent)
            if q is not None and (q.min or 0) <= 1:
                q = None  # "a spate of strikes": how many is not said
            first = min(subtree(parent), key=lambda t: t.i)
            d.aggregate = Aggregate(q.min if q and (q.min or 0) > 1 else None, q.max if q else None,
                                    tok.doc[first.i:tok.i + 1].text)
        if d.aggregate is not None:
            d.fatalities = None
            d.since = any(t.lower_ == "since" for t in sentence(tok))

    def _topic(self, tok: Token) -> bool:
        """Whether a noun is what talks, a deal or a dispute are about ("talks on the release of hostages",
        "negotiations over a withdrawal"), itself or as a conjunct of it."""
        talk, about = self.lex.frame("talk_nouns"), ("on", "about", "over", "regarding", "concerning")
        head = tok
        while head.dep_ == "conj" and head.head.i != head.i:
            head = head.head
        if head.dep_ == "pobj" and head.head.lower_ in about and head.head.head.lemma_.lower() in talk:
            return True
        # the parse may misread the phrase ("talks" as a verb): read the words before the noun, within its phrase
        f = facts(tok.doc)  # the words before, by token index
        start = f.sent_start[tok.i]
        for i in range(tok.i - 1, max(start, tok.i - 9), -1):
            if f.pos[i] not in ("DET", "ADJ", "NOUN", "CCONJ", "ADP", "NUM", "PROPN", "VERB"):
                return False
            if f.lower[i] in about and i > start and f.lower[i - 1] in talk:
                return True
        return False

    def _condemned(self, drafts: list[Draft]) -> None:
        """"The envoy condemned the strike": an accusation aimed at an attack told before is aimed at who
        carried it out."""
        ordered = sorted(drafts, key=lambda d: d.trig.i)
        for n, d in enumerate(ordered):
            if d.type != EventType.ACCUSE or d.targets:
                continue
            obj = next(iter(children_with(d.trig, ("dobj",))), None)
            if obj is None or not has_child(obj, ("det",)) or \
                    not any(c.type == EventType.ASSAULT for c in self.lex.lookup(obj.lemma_.lower(), "NOUN")):
                continue
            before = [o for o in reversed(ordered[:n]) if o.type == EventType.ASSAULT and o.sources and
                      o.frame.modality == Modality.ASSERTED]
            same = obj.lemma_.lower()  # the strike condemned is the last strike told, else the last attack
            told = next((o for o in before if any(t.lemma_.lower() == same for t in o.tokens)), None) or \
                next(iter(before), None)
            if told is not None:
                d.targets = [s for s in told.sources[:1] if s not in d.sources]

    def _restates(self, tok: Token, etype: EventType) -> bool:
        """Whether a noun set beside a clause ("..., an accusation Y rejected", "blamed Y for the arson, an
        accusation ...") names the event of the clause's own verb."""
        head = tok.head
        for _ in range(4):
            if head.pos_ == "VERB":
                return any(c.type == etype for c in self.lex.lookup(head.lemma_.lower(), "VERB"))
            if head.dep_ not in ("pobj", "prep", "dobj", "appos") or head.head.i == head.i:
                return False
            head = head.head
        return False

    def _tie(self, tok: Token) -> bool:
        """A standing tie, not an act: "Y, backed by X", "the Iran-backed group", "Y is backed by X" state who
        backs whom (a relation); "X backed Y's bid" or "Y was funded by X last year" tell of an act."""
        if tok.lower_ not in self.lex.frame("tie_participles"):
            return False
        if tok.dep_ in ("amod", "acl", "compound"):
            return True
        aux = children_with(tok, ("auxpass",))
        return bool(aux) and all(a.tag_ in ("VBZ", "VBP") for a in aux)

    def _toll(self, d: Draft) -> bool:
        """A war's running toll ("the war has killed more than 20,000 people since April") tells of many
        events, not one attack that killed them all: it is an aggregate of unknown count over the time since.
        A lasting conflict as the subject, in the perfect or with "since", "so far", "to date", makes one."""
        tok = d.trig
        if tok.pos_ != "VERB" or d.type not in (EventType.ASSAULT, EventType.COERCE):
            return False
        verb = tok.head if tok.dep_ == "conj" and tok.head.pos_ == "VERB" else tok  # "has killed ... and displaced"
        subj = next(iter(children_with(tok, ("nsubj", "nsubjpass")) or children_with(verb, ("nsubj", "nsubjpass"))),
                    None)
        if subj is None:
            return False
        f = facts(tok.doc)
        sent_lower = f.lower[sent_start(tok):sent_end(tok)]
        perfect = any(f.lemma[a.i] == "have" for a in children_with(tok, ("aux",)) + children_with(verb, ("aux",)))
        period = _over_period(sent_lower, self.lex.frame("period_nouns"), self.lex.frame("period_modifiers"))
        if subj.lemma_.lower() in self.lex.frame("cumulative_subjects") and subj.dep_ == "nsubj":
            if not (perfect or period):
                return False
        elif not (perfect and period and tok.tag_ == "VBN"):
            return False  # "Russia has launched 3,000 drones at Ukraine this month": many attacks, not one
        if subj.lemma_.lower() in self.lex.frame("cumulative_subjects") and subj.dep_ == "nsubj":
            words = subtree(subj)
        elif subj.dep_ == "nsubjpass":  # those it befell and what befell them: "40,000 people have been killed"
            words = [*subtree(subj), tok]
        else:  # what was done: the verb and its object ("launched more than 3,000 drones")
            words = [tok, *(t for c in children_with(tok, ("dobj",)) for t in subtree(c))]
        d.aggregate = Aggregate(None, None, tok.doc[min(t.i for t in words):max(t.i for t in words) + 1].text)
        d.since = "since" in sent_lower
        return True

    def _intents(self, drafts: list[Draft], actors: ActorIndex) -> list[Draft]:
        """Stated intentions and demands are events of their own: "Syria is willing to withdraw" and "X
        said it will release the hostages" are an AGREE (or a THREATEN, for a coercive act) by the one
        who says so; "X said Y must withdraw" is a REQUEST by X."""
        out = []
        intent = self.lex.frame("intent")
        coop = {EventType(t.upper()) for t in self.lex.frame("cooperative_types")}
        must = self.lex.frame("obligation_aux")
        for d in drafts:
            if d.type in (EventType.THREATEN, EventType.AGREE, EventType.REQUEST):
                continue
            head = d.trig.head
            gov = d.frame.governor
            if d.trig.dep_ == "xcomp" and head.lemma_.lower() in intent:
                anchor, kind = head, EventType.AGREE if d.type in coop else EventType.THREATEN
                sources = carrier_roles(actors, head.head if head.dep_ == "acomp" else head) or list(d.sources)
            elif any(c.dep == "aux" and c.lower in must for c in kids(d.trig)) and gov is not None:
                anchor, kind = gov, EventType.REQUEST
                sources = carrier_roles(actors, gov)
                targets = list(d.sources)
            elif d.frame.modality == Modality.PLANNED and gov is not None and \
                    gov.lemma_.lower() in self.lex.frame("speech"):
                anchor, kind = gov, EventType.AGREE if d.type in coop else EventType.THREATEN
                sources = carrier_roles(actors, gov) or list(d.sources)
            else:
                continue
            cue = Cue(anchor.lemma_.lower(), anchor.pos_, kind, None, "none", ())
            tgts = targets if kind == EventType.REQUEST else list(d.targets)
            mod = Modality.THREATENED if kind == EventType.THREATEN else Modality.ASSERTED
            out.append(Draft(anchor, cue, Frame(mod), kind, tokens=[anchor], sources=sources,
                             targets=[t for t in tgts if t not in sources]))
        return out

    # ---------------------------------------------------------------- content of other events

    def _absorb(self, drafts: list[Draft], actors: ActorIndex) -> list[Draft]:
        """"pause attacks", "pushed X to stand down", "prepare for strikes": the governed trigger is what
        the governing event is about, not an event of its own. Its target passes to the governor."""
        at = {d.trig.i: d for d in drafts}
        keep = []
        for d in drafts:
            gov = self._governing_trigger(d.trig, at)
            if gov is None or gov.type == EventType.ACCUSE or d.frame.modality == Modality.ALLEGED:
                keep.append(d)
                continue
            if d.type == EventType.PROTEST and gov.type == EventType.ASSAULT and not self._armed(gov.sources, actors) \
                    and d.trig.dep_ != "dobj":
                # damage done during a demonstration (not "the authorities suppressed the protests": force on it)
                gov.type, gov.hints = EventType.PROTEST, ["violent_demo"]
            if not gov.targets:
                hit = d.sources if d.type == EventType.PROTEST and gov.type == EventType.ASSAULT else d.targets
                gov.targets = [t for t in hit if t not in gov.sources]  # "dispersed the march": its marchers
            if gov.mode is None and d.mode is not None and gov.type == EventType.ASSAULT:
                gov.mode = d.mode
        return keep

    @staticmethod
    def _governing_trigger(tok: Token, at: dict[int, Draft]) -> Draft | None:
        t = tok
        for _ in range(3):
            if t.dep_ not in ("dobj", "pobj", "xcomp", "prep", "pcomp", "ccomp") or t.head.i == t.i:
                return None
            if t.dep_ == "ccomp" and t.i < t.head.i:
                return None  # "they staged a sit-in; they also demanded ...": told before, not governed
            t = t.head
            d = at.get(t.i)
            if d is not None and d.trig.pos_ in ("VERB", "NOUN"):
                return d
        return None

    # ---------------------------------------------------------------- merging

    def _merge(self, drafts: list[Draft]) -> list[Draft]:
        """One event per set of same-type triggers linked in the parse ("killed ... in a drone attack")."""
        out: list[Draft] = []
        # Only a host of the trigger's own sentence can take it in (_same_event: the parse links no two
        # sentences), so each trigger is tried against those, in the same order
        by_sentence: dict[int, list[Draft]] = {}
        for d in sorted(drafts, key=lambda d: d.trig.i):
            hosts = by_sentence.setdefault(sent_start(d.trig), [])
            host = next((o for o in hosts if self._same_event(o, d)), None)
            if host is None:
                out.append(d)
                hosts.append(d)
                continue
            host.tokens.append(d.trig)
            host.hints += [h for h in d.hints if h not in host.hints]
            host.sources += [s for s in d.sources if s not in host.sources and s not in host.targets]
            host.targets += [t for t in d.targets if t not in host.targets and t not in host.sources]
            if d.mode and (host.mode is None or host.mode.acled is None):
                host.mode = d.mode
            host.fatalities = _max_q(host.fatalities, d.fatalities)
            host.injured = _max_q(host.injured, d.injured)
            host.aggregate = host.aggregate or d.aggregate
            if d.cue.weight > host.cue.weight and host.type == d.type:
                host.cue = d.cue
        return out

    @staticmethod
    def _same_event(a: Draft, b: Draft) -> bool:
        if a.type == b.type and b.trig.dep_ == "relcl" and b.trig.head in a.tokens and b.aggregate is None:
            return True  # "claimed an ambush that killed 20 soldiers": the clause tells what the ambush did
        if a.type != b.type or a.frame.modality != b.frame.modality or sent_start(a.trig) != sent_start(b.trig):
            return False
        if a.type not in (EventType.ASSAULT, EventType.PROTEST, EventType.COERCE):
            return False
        if (a.aggregate is None) != (b.aggregate is None):
            return False
        if a.sources and b.sources and not set(a.sources) & set(b.sources):
            return False
        return _linked(a.tokens, b.trig) or _verb_list(a, b)

    def _follow_ups(self, drafts: list[Draft], actors: ActorIndex, places: PlaceIndex) -> list[Draft]:
        """"X attacked Y. Two soldiers were killed.": a casualty count with no author of its own, after
        an attack, belongs to that attack, not to a new one."""
        out: list[Draft] = []
        for d in sorted(drafts, key=lambda d: d.trig.i):
            prev = next((o for o in reversed(out) if o.type == EventType.ASSAULT and
                         o.frame.modality == d.frame.modality and o.aggregate is None), None)
            lemma = d.trig.lemma_.lower()
            casualty = lemma in self.death_verbs | self.injury_verbs or lemma in self.death_nouns or \
                self._told_again(d)  # "The airstrikes injured four civilians": what they did, told after
            if (prev is not None and d.type == EventType.ASSAULT and casualty and not d.sources and
                    d.aggregate is None and sent_start(d.trig) != sent_start(prev.trig) and
                    not _has_own_date(sentence(d.trig))):
                prev.fatalities = _max_q(prev.fatalities, d.fatalities)
                prev.injured = _max_q(prev.injured, d.injured)
                fight = (prev.cue.acled == "clash" or "clash" in prev.hints) and prev.trig.lemma_.lower() not in self.one_sided
                # "X and Y clashed. Three men were killed": a fight's dead are its toll; civilians are no side of it
                prev.targets += [t for t in d.targets if t not in prev.targets and t not in prev.sources and
                                 not (fight and actors.keys[t].kind == ActorKind.CIVILIANS)]
                continue
            protest = next((o for o in reversed(out) if o.type == EventType.PROTEST and
                            o.frame.modality == Modality.ASSERTED), None)
            if protest is not None and d.type == EventType.PROTEST and d.frame.modality == Modality.ASSERTED and \
                    sent_start(d.trig) != sent_start(protest.trig) and not _has_own_date(sentence(d.trig)) and \
                    (not d.sources or set(d.sources) & set(protest.sources)):
                # "They marched ... The protest ended peacefully": one demonstration told twice
                protest.hints += [h for h in d.hints if h not in protest.hints and h != "peaceful_protest"]
                continue
            if protest is not None and d.frame.modality == Modality.ASSERTED and \
                    sent_start(d.trig) - sent_end(protest.trig) <= 40 and self._answers(d, protest, actors) and \
                    not _elsewhere(places, d.trig, protest.trig) and \
                    (sent_start(d.trig) == sent_start(protest.trig) or not _has_own_date(sentence(d.trig))):
                hint = "excessive_force" if d.fatalities or lemma in self.death_verbs else "protest_intervention"
                protest.hints = [hint] + [h for h in protest.hints if h != hint]
                protest.targets += [s for s in d.sources if s not in protest.targets and s not in protest.sources]
                continue  # the police dispersing or arresting the demonstrators is part of the protest
            if d.type == EventType.COERCE and d.cue.mode == "restrict" and d.sources and \
                    actors.keys.get(d.sources[0]) is not None and actors.keys[d.sources[0]].kind == ActorKind.PROTESTERS:
                d.type, d.hints = EventType.PROTEST, ["peaceful_protest"]  # demonstrators "blocked the access"
            if d.type == EventType.MOBILIZE and d.cue.mode == "troops" and d.cue.acled != "hq" and \
                    not self._armed(d.sources, actors) and d.trig.dep_ not in ("acl", "amod", "relcl") and \
                    has_child(d.trig, ("nsubj",)):
                d.type = EventType.PROTEST  # workers "marched towards" a ministry: a demonstration
                d.hints = ["peaceful_protest"]
            if d.type == EventType.PROTEST and d.frame.modality == Modality.ASSERTED:
                self._crowd(d, actors)
            out.append(d)
        return out

    def _stated_toll(self, doc: Doc, drafts: list[Draft]) -> None:
        """"3 fatalities." / "Fatalities coded as 3" / "There were no fatalities": a toll stated on its
        own is the toll of the story's main violent event."""
        main = next((d for d in sorted(drafts, key=lambda d: d.trig.i) if d.type == EventType.ASSAULT and
                     d.frame.modality == Modality.ASSERTED and d.aggregate is None), None)
        if main is None:
            return
        lemmas = facts(doc).lemma
        for i in range(main.trig.i, len(doc)):
            if lemmas[i] not in ("fatality", "casualty", "death"):
                continue
            tok = doc[i]
            sent = sentence(tok)
            if any(sent_start(d.trig) == sent.start and d is not main for d in drafts if d.type == EventType.ASSAULT):
                continue
            q = self.counter.count(tok)
            if q is None:
                nxt = [t for t in sentence(tok) if t.i > tok.i and t.like_num]
                if tok.i == sent.start and nxt and any(t.lower_ in ("coded", "as") for t in sent):
                    q = self.counter.count(nxt[0]) or Quantity(int(nxt[0].text), int(nxt[0].text)) \
                        if nxt[0].text.isdigit() else None
            if q is None and any(c.lower_ == "no" for c in children(tok)) and tok.lemma_.lower() == "fatality":
                q = Quantity(0, 0)
            if q is not None:
                main.fatalities = q

    def _backdrop(self, trig: Token) -> bool:
        """Whether a noun trigger is told as the setting of another act rather than as news: "talks started
        despite the air strikes", "agreed a ceasefire after two weeks of fighting"."""
        if trig.pos_ != "NOUN":
            return False
        f = facts(trig.doc)
        head = f.head[trig.i]
        if f.dep[trig.i] == "pobj" and f.lemma[head] in self.backdrop_preps:
            return True
        # "two weeks of fighting": a span of fighting, of which this sentence tells no one event
        return f.dep[trig.i] == "pobj" and f.lower[head] == "of" and f.lemma[f.head[head]] in \
            self.lex.frame("period_nouns") and any(f.dep[c] == "nummod" for c in f.child_ix[f.head[head]])

    def _accidental(self, d: Draft, actors: ActorIndex) -> bool:
        if d.type == EventType.PROTEST and d.cue.acled == "peaceful_protest" and d.cue.weight < WEAK:
            # "flood water poured into the streets": a crowd word of weak cue needs people, not a disaster
            doc, start = d.trig.doc, sent_start(d.trig)
            f = facts(doc)
            ents = f.ent_types(doc)
            told = any(f.lemma[i] in self.coder.demo_words and not ents[i]  # not "20 March"
                       for i in range(start, f.sent_end[start]))
            return not told and self._causes_in(doc, start)
        if d.cue.acled in ("other", "change") and d.type in (EventType.AID, EventType.COERCE, EventType.MOBILIZE,
                                                             EventType.RETREAT):
            # people evacuated or displaced by a flood, troops sent to dig out snowbound cars: not fighting
            lemmas = facts(d.trig.doc).sentence_lemmas(sent_start(d.trig))
            return bool(lemmas & self.lex.frame("non_political_causes"))
        if d.type not in (EventType.ASSAULT, EventType.COERCE) or self._armed(d.sources, actors):
            return False
        if d.cue.acled == "chemical":
            return False  # "dropped containers of toxic gas": the gas is the weapon the trigger says was used
        start = sent_start(d.trig)
        lemmas = facts(d.trig.doc).sentence_lemmas(start)
        if d.type == EventType.COERCE:
            return bool(lemmas & self.lex.frame("crime_words")) and "disrupted" in d.hints
        if self._violent_words(d.trig.doc, start):
            return False
        if self._causes_in(d.trig.doc, start):
            return True
        # "A wildfire swept the hills. Homes burned ...": a disaster is told over more than one sentence; a
        # sentence that says nothing of violence is read with the one before it
        return start > 0 and not self._violent_words(d.trig.doc, sent_start(d.trig.doc[start - 1])) and \
            self._causes_in(d.trig.doc, sent_start(d.trig.doc[start - 1]))

    def _violent_words(self, doc: Doc, start: int) -> bool:
        """Whether the sentence at ``start`` says harm was done on purpose; a violence word that only
        describes a thing ("stone houses", "a gun shop"), not an act ("a drone strike"), does not."""
        f = facts(doc)
        words = self.lex.frame("violence_words")
        if not f.sentence_lemmas(start) & words:
            return False
        return any(f.lemma[i] in words and not (f.dep[i] in ("compound", "nmod", "amod") and
                                                f.lemma[f.head[i]] not in words and
                                                f.lemma[f.head[i]] not in self.cue_words)  # "a drone strike"
                   for i in range(start, f.sent_end[start]))

    def _causes_in(self, doc: Doc, start: int) -> bool:
        """Whether the sentence at ``start`` names a natural or accidental cause of harm. "Stormed a station"
        is no storm: a cause word the sentence uses only as a violent verb is not one."""
        f = facts(doc)
        return any(not (w in self.cue_words and all(f.pos[i] == "VERB" for i in range(start, f.sent_end[start])
                                                    if f.lemma[i] == w))
                   for w in f.sentence_lemmas(start) & self.lex.frame("non_political_causes"))

    def _crowd_as(self, d: Draft, actors: ActorIndex, gid: str, src_ids: list[str]) -> list[str]:
        """A crowd that turned violent is coded as rioters (ACLED): re-read its civilian or protester
        mentions (not those of its victims: "a man was beaten by residents"), or name the rioters by the
        trigger when the text gives no subject."""
        key = f"generic:{gid}"
        kind = ActorKind.PROTESTERS
        first = actors.keys.get(src_ids[0]) if src_ids else None
        if first is not None and first.key != src_ids[0] and first.generic == gid:
            return [first.key] + src_ids[1:]  # "residents captured a thief and beat him": read as rioters already
        if first is not None and first.generic in ("civilians", "protesters"):
            # the crowd's first mention (one not of its victims) becomes the rioters; other civilians stay
            victims = {t.i for v in self._own_victims(d.trig) for t in subtree(v)}
            crowd = next((m for m in actors.mentions if m.key == first.key and m.start not in victims), None)
            if crowd is not None:
                crowd.key, crowd.generic, crowd.kind, crowd.entry = key, gid, kind, None
                actors.keys[key] = crowd
            return [key] + src_ids[1:]
        if first is None and _named_by_trigger(d, actors, gid, kind):
            return [key]
        if first is not None and first.key == "generic:protesters":
            return [key if s == "generic:protesters" else s for s in src_ids]
        return src_ids

    @staticmethod
    def _crowd_faces_forces(src_ids: list[str], tgt_ids: list[str], kinds: dict) -> tuple[list[str], list[str]]:
        """In a riot or a demonstration the crowd is the source (ACLED's actor 1) and the police or soldiers it
        faces the target: "police clashed with demonstrators", "demonstrators and police clashed"."""
        forces = [s for s in src_ids if kinds.get(s) in FORCE_KINDS]
        rest = [s for s in src_ids if s not in forces]
        crowd = [t for t in tgt_ids if kinds.get(t) not in FORCE_KINDS]
        if not forces or not (rest or crowd):
            return src_ids, tgt_ids
        if src_ids[0] in forces and crowd:
            return crowd + rest, forces + [t for t in tgt_ids if t not in crowd]
        if rest:
            return rest, forces + [t for t in tgt_ids if t not in forces]
        return src_ids, tgt_ids

    @staticmethod
    def _other_crowd(d: Draft, actors: ActorIndex) -> str:
        """"Two groups clashed", "rival supporters fought each other": a crowd fight with one crowd named has
        rioters on both sides (ACLED's Rioters vs Rioters); the other side is implied by the trigger, an actor
        of its own apart from the first crowd (``restyled`` keeps it apart)."""
        tok = d.trig
        return actors.imply(AMention(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), "generic:rioters/other", None,
                                     tok.text, ActorKind.PROTESTERS, None, generic="rioters", descriptive=True,
                                     restyled=True, implied=True))

    def _fought_among(self, d: Draft, actors: ActorIndex, side: str) -> bool:
        """"A shoot-out between unknown shooters", "rival drug traffickers exchanged fire", "two armed groups
        clashed": a fight told of one kind of actor only, marked as among its own ("between" it alone, "rival",
        a count of groups, "each other"), has that actor on both sides, as ACLED codes it (Unidentified Armed
        Group against Unidentified Armed Group)."""
        tok, doc = d.trig, actors.doc
        heads = [tok, tok.head] if tok.dep_ in ("nsubj", "nsubjpass", "pobj", "dobj", "attr") else [tok]
        between = [g for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ == "between"
                   for g in c.children if g.dep_ == "pobj"]
        if between:  # nobody else in the phrase ("between police and demonstrators" has two sides)
            named = {m.key for t in between for x in t.subtree if (m := actors.tok.get(x.i)) is not None}
            return phrase_keys(actors, between) == [side] and named <= {side}
        words = self.lex.frame("among_own_marks")
        mentions = [m for m in actors.mentions if m.key == side and m.start >= tok.sent.start and m.end <= tok.sent.end]
        roots = [doc[m.end - 1].head if doc[m.end - 1].dep_ == "compound" else doc[m.end - 1] for m in mentions]
        marked = any(t.lower_ in words or t.dep_ == "nummod" and ((self.counter.number(t.lower_) or (0, 0))[0] or 0) >= 2
                     for r in roots for t in r.children if t.dep_ in ("amod", "nummod"))
        return marked or any(t.lower_ in ("other", "another") and t.head.lower_ in ("each", "one")
                             or t.lower_ in ("themselves",) for t in tok.subtree)

    def _armed_perpetrator(self, d: Draft, actors: ActorIndex, key: str) -> str:
        """Re-read the mention of the civilians who did an act of violence ("two men opened fire") as an
        unidentified armed group; the victims' mentions of the same generic word stay civilians."""
        tok, sent = d.trig, d.trig.sent
        doers = [g for c in tok.children if c.dep_ == "agent" for g in c.children] if passive(tok) else \
            subject_of(tok) if tok.pos_ == "VERB" else []
        said = {t.i for g in doers for t in g.subtree}  # the subject or "by X" the parse gives, when it gives one
        victims = {t.i for v in self._own_victims(tok) for t in v.subtree}
        doer = next((m for m in actors.mentions if m.key == key and m.start in said and not m.implied), None) or \
            next((m for m in actors.mentions if m.key == key and sent.start <= m.start < sent.end and
                  m.start not in victims and not m.implied), None)
        if doer is None:
            return key
        new = "generic:unidentified_armed_group"
        doer.key, doer.generic, doer.kind, doer.entry = new, "unidentified_armed_group", ActorKind.MILITIA, None
        if actors.keys.get(new) is None or actors.keys[new].key != new:
            actors.keys[new] = doer
        return new

    def _intervention_told(self, doc: Doc) -> bool:
        """Whether the note tells the authorities stepping in ("one person was arrested", "tear gas was fired"),
        not an arrest the crowd demands or a detention that happened before ("relatives of men who were
        arrested", "demanding the arrest of the killers")."""
        cause = self.intervention_cause
        for i in facts(doc).where(self.intervention_marks, "lemma"):
            t, told = doc[i], True
            for a in [t, *t.ancestors]:
                if a.dep_ in ("relcl", "acl") or a.lemma_.lower() in cause:
                    told = False
                    break
            if told:
                return True
        return False

    def _civilian_property_hit(self, doc: Doc, sent) -> bool:
        """Whether the sentence or the two after it tell of damage done to property of civilians: a damaging
        verb whose object ("burned houses", "set fire to a bus", "threw stones at vehicles") or passive subject
        ("windows were smashed") is a civilian's property."""
        for t in doc[sent.start:_told_until(doc, sent, 2)]:
            if t.lemma_.lower() not in self.damage_verbs:
                continue
            objs = [c for c in t.children if c.dep_ in ("dobj", "nsubjpass")] + \
                [g for c in t.children if c.dep_ == "prep" and c.lower_ in ("to", "at", "on")
                 for g in c.children if g.dep_ == "pobj"]
            objs += [c for o in objs for c in o.conjuncts]
            if any(o.lemma_.lower() in self.civilian_property for o in objs):
                return True
        return False

    def _weapons_owner(self, sent, actors: ActorIndex) -> list[str]:
        """Who the weapons or goods a sentence tells of were planted, placed or kept by: "an IED likely planted by JNIM",
        "weapons belonging to X", "an NPA arms cache", "a cache found in the rebels' hideout"."""
        out: list[str] = []
        doc = actors.doc
        for t in doc[sent.start:_told_until(doc, sent, 1)]:  # the sentence and the next, where notes add it
            lemma = t.lemma_.lower()
            if lemma in self.owner_verbs and t.tag_ == "VBN":
                out += agent_keys(actors, t)
            elif lemma in ("belong", "belonging"):
                out += phrase_keys(actors, [g for c in t.children if c.dep_ == "prep" and c.lower_ == "to"
                                            for g in c.children if g.dep_ == "pobj"])
            elif lemma in self.weapon_stores:
                out += [k for c in t.children if c.dep_ in ("compound", "poss", "nmod")
                        for k in [actors.actor_in(c, max_depth=1)] if k]
        return [k for k in dict.fromkeys(out) if actors.keys[k].kind in ARMED_KINDS]

    @staticmethod
    def _other_protesters(d: Draft, actors: ActorIndex) -> str:
        """The counter-demonstrators a demonstration met: protesters of their own, implied by the trigger."""
        tok = d.trig
        return actors.imply(AMention(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), "generic:protesters/other", None,
                                     tok.text, ActorKind.PROTESTERS, None, generic="protesters", descriptive=True,
                                     restyled=True, implied=True))

    @staticmethod
    def _other_side(d: Draft, actors: ActorIndex, side: str) -> str:
        """The other side of a fight among one kind of actor: an actor of its own, implied by the trigger and
        named as the first side is (``restyled`` keeps a generic one apart from the first)."""
        first, tok = actors.keys[side], d.trig
        return actors.imply(AMention(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), f"{side}/other", first.entry,
                                     first.name, first.kind, first.country, generic=first.generic, descriptive=True,
                                     restyled=first.generic is not None, implied=True))

    @staticmethod
    def _victims_by_definition(d: Draft, actors: ActorIndex) -> list[str]:
        """Violence against civilians, looting and arrests have civilians on the receiving end by ACLED's
        definition: when the text names no target, the civilians are named by the trigger itself."""
        if _named_by_trigger(d, actors, "civilians", ActorKind.CIVILIANS):
            return ["generic:civilians"]
        held = actors.tok.get(d.trig.i)
        if held is not None and held.implied:  # the trigger already implies the crowd that vandalised: still ours
            return [actors.imply(_trigger_mention(d, "civilians", ActorKind.CIVILIANS))]
        return []

    @staticmethod
    def _crowd(d: Draft, actors: ActorIndex) -> None:
        """Those who demonstrate are protesters, whatever else they are ("truck drivers held protests"):
        ACLED's convention, with the named group kept as an associate."""
        first = actors.keys.get(d.sources[0]) if d.sources else None
        if first is not None and first.kind == ActorKind.PROTESTERS:
            return
        if first is not None and first.generic in ("civilians", None) and first.entry is None or \
                first is not None and first.generic == "civilians":
            for m in actors.mentions:
                if m.key == first.key:
                    m.key, m.generic, m.kind, m.entry = "generic:protesters", "protesters", ActorKind.PROTESTERS, None
            actors.keys["generic:protesters"] = first
            d.sources[0] = "generic:protesters"
            return
        if _named_by_trigger(d, actors, "protesters", ActorKind.PROTESTERS):
            d.sources.insert(0, "generic:protesters")

    def _answers(self, d: Draft, protest: Draft, actors: ActorIndex) -> bool:
        """Whether an arrest or use of force is the authorities' answer to a demonstration just told."""
        if d.type not in (EventType.COERCE, EventType.ASSAULT) or d.cue.acled not in ("arrest", "attack", "clash",
                                                                                      "excessive_force",
                                                                                      "protest_intervention"):
            return False
        kinds = {m.key: m.kind for m in actors.mentions}
        by_state = any(kinds.get(s) in (ActorKind.POLICE, ActorKind.MILITARY, ActorKind.STATE,
                                        ActorKind.GOVERNMENT) for s in d.sources)
        on_crowd = not d.targets or any(kinds.get(t) in (ActorKind.PROTESTERS, ActorKind.CIVILIANS)
                                        for t in d.targets)
        return by_state and on_crowd

    def _harmed_civilians(self, actors: ActorIndex, sent) -> list[str]:
        """Civilians a death or injury verb tells of in the sentence or the two after it ("1 civilian died",
        "two civilians were wounded"), in text order."""
        harm, doc = self.death_verbs | self.injury_verbs, actors.doc
        return _keys_near(actors, sent, lambda m: m.kind == ActorKind.CIVILIANS and not m.descriptive and
                          doc[m.end - 1].dep_ in ("nsubj", "nsubjpass", "dobj") and
                          doc[m.end - 1].head.lemma_.lower() in harm)

    @staticmethod
    def _forces_near(actors: ActorIndex, sent) -> list[str]:
        """The police or soldiers named in a demonstration's sentence or the two after it, in text order."""
        return _keys_near(actors, sent, lambda m: m.kind in FORCE_KINDS)

    @staticmethod
    def _armed(keys: list[str], actors: ActorIndex) -> bool:
        kinds = {m.key: m.kind for m in actors.mentions}
        return any(kinds.get(k) in ARMED_KINDS or kinds.get(k) == ActorKind.STATE for k in keys)

    def _note_label(self, doc: Doc, drafts: list[Draft], actors: ActorIndex) -> tuple[AcledCode | None, Draft | None]:
        """A note opening with ACLED's tag of its event ("Displacement: On 3 May, ..."): the tag's coding and
        the event it codes, the first one told in the note's first sentence."""
        f = facts(doc)
        colon = next((i for i in range(min(len(doc), 6)) if f.lower[i] == ":"), None)
        if colon is None:
            return None, None
        hint = self.note_labels.get(doc[:colon].text.strip().lower())
        code = self.coder.hints.get(hint) if hint else None
        if code is None:
            return None, None
        first_end = f.sent_end[colon + 1] if colon + 1 < len(doc) else len(doc)
        told = sorted((d for d in drafts if d.trig.i < first_end and d.frame.modality in CODED_MODALITIES),
                      key=lambda d: (d.trig.i < colon, d.trig.i))  # the tag word itself last: the text tells more
        if told and not told[0].sources and colon + 1 < len(doc):
            self._body_roles(told[0], colon + 1, actors)
        return AcledCode(*code), (told[0] if told else None)

    @staticmethod
    def _body_roles(tag: Draft, start: int, actors: ActorIndex) -> None:
        """"Looting: On 3 May, militants robbed a shop": the tag names the event and the note's main verb
        tells who did it to whom, though the verb is no trigger of its own. When the parse gives the verb no
        subject (the small parser often reads "the military sealed off a house" after a tag as a noun phrase),
        the first armed actor the note names, not as an object, is the one who acted, as notes tell it."""
        doc = actors.doc
        root = sentence(doc[start]).root
        if root.pos_ == "VERB" and tag.trig.i < start:
            sources, targets = verb_roles(actors, root)
            tag.sources, tag.targets = sources, tag.targets or targets
        if tag.sources:
            return
        end = facts(doc).end_after(sentence(doc[start]).end, 1)
        first = next((m for m in sorted(actors.mentions, key=lambda m: m.start) if start <= m.start < end and
                      m.kind in ARMED_KINDS and not m.descriptive and
                      (doc[m.end - 1].dep_ not in ("pobj", "dobj", "poss") or doc[m.end - 1].head.lower_ == "by")),
                     None)
        if first is not None:
            tag.sources = [first.key]
            tag.targets = [t for t in tag.targets if t != first.key]

    def _background(self, d: Draft, at: dict[int, Draft]) -> bool:
        """Whether ``d`` is told as the reason for another event ("expelled diplomats for taking part in
        protests", "sanctions over the bombing") or as what someone is responsible for ("claimed responsibility
        for a car bomb that killed eight"): a cause preposition on the way up to the event that answers it."""
        f = facts(d.trig.doc)  # climbed by token index
        lemma, head = f.lemma, f.head
        t, cause = d.trig.i, False
        for _ in range(6):
            if head[t] == t:
                return False
            if f.dep[t] == "prep" and lemma[t] in self.background_preps:
                if lemma[head[t]] in self.responsibility:
                    return True
                cause = True
            t = head[t]
            gov = at.get(t)
            if gov is not None and gov is not d and gov.type in self.reactions:
                return cause  # an act under another act ("a bomb that killed eight") is read on up
        return False

    def _tag_event(self, doc: Doc, actors: ActorIndex) -> Draft:
        """The event of a tagged note that tells none we can read ("Training: ... held a graduation ceremony"):
        the tag itself, as the analyst coded it, done by the subject of the note's first sentence."""
        f = facts(doc)
        colon = next(i for i in range(min(len(doc), 6)) if f.lower[i] == ":")
        tag = doc[:colon].text.strip().lower()
        etype = EventType(self.note_types.get(tag, EventType.COERCE.value))
        cue = Cue(f.lemma[0], doc[0].pos_, etype, None, self.note_labels[tag], (), weight=0.5)
        d = Draft(doc[0], cue, Frame(Modality.ASSERTED), etype, tokens=[doc[0]], hints=[cue.acled])
        if colon + 1 < len(doc):
            d.sources = [k for k in (actors.actor_in(t) for t in subject_of(sentence(doc[colon + 1]).root)) if k]
        return d

    def _told_again(self, d: Draft) -> bool:
        """"the attack", "the strikes": a noun trigger with an anaphoric determiner names an event told before."""
        t = d.trig
        return t.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in self.anaphoric for c in children(t))

    def _drop_repeats(self, drafts: list[Draft]) -> list[Draft]:
        """"the attack", "the strike" told again after the event: not a new event."""
        keep, seen = [], set()
        for d in sorted(drafts, key=lambda d: d.trig.i):
            t = d.trig
            det = next((c.lower_ for c in children_with(t, ("det",))), None)
            repeat = (t.pos_ == "NOUN" and det in self.anaphoric and not d.sources and not d.targets
                      and d.fatalities is None and d.type in seen and not _own_setting(t))
            if t.dep_ == "attr" and t.head.lemma_ == "be" and d.type in seen:
                repeat = True
            if not repeat:
                keep.append(d)
            seen.add(d.type)
        return keep

    # ---------------------------------------------------------------- final record

    def _acled_lemmas(self, d: Draft, doc: Doc, sent) -> set[str]:
        """The words ACLED's coding looks at: a protest's sentence and the two after it, where the report
        tells how it went; for other events the sentence and the next."""
        if d.type == EventType.PROTEST:
            return self.coder.protest_lemmas(doc, sent.start, _told_until(doc, sent, 2), d.trig)
        return _lemmas_around(doc, sent)

    def _finish(self, d: Draft, doc: Doc, actors: ActorIndex, places: PlaceIndex, dates: "_DateContext",
                n: int, label: AcledCode | None = None, riot: str | None = None,
                background: bool = False) -> Event | None:
        sent = sentence(d.trig)
        date = self._date(d, doc, dates, sent)
        place = self._place(d, places, sent)
        src_ids = list(dict.fromkeys(d.sources))
        tgt_ids = [t for t in dict.fromkeys(d.targets) if t not in src_ids]
        kinds = {m.key: m.kind for m in actors.mentions}
        hints = d.hints
        if "clash" in hints and d.trig.lemma_.lower() in self.one_sided and \
                any(kinds.get(t) == ActorKind.CIVILIANS for t in d.targets) and not self._armed(d.targets, actors):
            hints = ["attack" if h == "clash" else h for h in hints]  # an ambush on buses is no battle
        if d.type == EventType.ASSAULT and ("attack" in hints or not hints) and d.trig.pos_ == "NOUN" and \
                d.trig.dep_ in ("nsubjpass", "dobj") and d.trig.head.lemma_.lower() in self.repelling:
            # "the attack was repelled": both sides fought
            hints = ["clash" if h == "attack" else h for h in hints] if hints else ["clash"]
        acled = self.coder.code(d.type, hints, d.mode.acled if d.mode else None, d.frame.modality,
                                [kinds.get(s, ActorKind.UNKNOWN) for s in d.sources],
                                self.coder.victim_kinds([kinds.get(t, ActorKind.UNKNOWN) for t in d.targets],
                                                        self._struck(d.trig)),
                                self._acled_lemmas(d, doc, sent),
                                d.mode.mode if d.mode else None)
        if self.subtype is not None and d.frame.modality in CODED_MODALITIES:
            rule = acled
            acled = self.subtype.refine(acled, subtype_features(
                doc, sent, d.trig.lemma_.lower(), d.type.value, acled, d.mode.mode if d.mode else None,
                d.frame.modality.value, [kinds.get(s, ActorKind.UNKNOWN).value for s in d.sources],
                [kinds.get(t, ActorKind.UNKNOWN).value for t in d.targets],
                bool(d.fatalities and (d.fatalities.min or 0) > 0)))
            if rule.sub_event_type in self.evidenced and acled.event_type is not None:
                acled = rule  # the codebook's own words decided it (stones thrown, tear gas): the model does not overrule
            if rule.sub_event_type in self.final:
                acled = rule  # the weapon named as seized or stopped: the codebook's own definition
            if rule == self.arrest_code and acled.event_type is None and \
                    any(kinds.get(t) in ARMED_KINDS for t in d.targets):
                acled = rule  # militants or soldiers detained: a political arrest, whatever else the words say
        if label is not None and d.frame.modality in CODED_MODALITIES:
            acled = label  # the analyst's own tag of the note's event
        elif riot is not None and d.frame.modality in CODED_MODALITIES:
            # a demonstration note (its crowd size): every event it tells is the demonstration's
            acled = self.coder.as_demonstration(acled, d.type, riot, hints, self._note_protest_lemmas(doc))
        if background and label is None and riot is None:
            acled = AcledCode()  # the reason given for a sanction, what someone is held responsible for
        if d.type == EventType.COERCE and "arrest" not in hints and label is None and riot is None and \
                facts(doc).sentence_lemmas(sent.start) & self.lex.frame("crime_words"):
            # smugglers caught, counterfeit goods seized: police work on crime, not politics (ACLED still codes
            # the arrests themselves, of migrants or gang members)
            acled = AcledCode()
        if d.type == EventType.ASSAULT and acled.sub_event_type in self.raid_codes and \
                d.trig.lemma_.lower() in self.raid_words and not d.fatalities and not d.injured and \
                facts(doc).sentence_lemmas(sent.start) & self.arrest_words and \
                not _lemmas_around(doc, sent) & self.harm_verbs:  # "raided ..., beat up and arrested four": an attack
            # "raided homes and arrested five", "conducted raids to detain activists": the raid is the arrest
            acled = self.arrest_code
        held = actors.tok.get(d.trig.i)
        if d.type == EventType.PROTEST and acled.event_type not in ("Protests", "Riots", None) and len(src_ids) > 1 \
                and held is not None and held.implied and held.key == src_ids[0]:
            src_ids = src_ids[1:]  # "militants vandalized the school", tagged property destruction: no crowd, the militants
        if d.type == EventType.PROTEST and acled.sub_event_type in ("Peaceful protest", None):
            tgt_ids = []  # a demonstration in front of the police station is not against the police
        if riot is not None and acled.sub_event_type == "Peaceful protest":
            # a demonstration note's peaceful protest has no other side, whatever the event's verb aims at ("urged
            # the government", "criticized the IMF") ... unless a counter-demonstration met it: ACLED codes
            # protesters against protesters
            tgt_ids = [self._other_protesters(d, actors)] if any(
                w in facts(doc).text.lower() for w in self.lex.frame("counter_demonstration_words")) else []
        if acled.event_type in ("Riots", "Protests") and src_ids and \
                (d.type == EventType.PROTEST or d.cue.acled == "clash" or "clash" in d.hints):
            # a demonstration, or a fight both sides joined: not the forces' own use of force on the crowd
            src_ids, tgt_ids = self._crowd_faces_forces(src_ids, tgt_ids, kinds)
            d.sources, d.targets = list(src_ids), list(tgt_ids)
        if acled.event_type == "Riots" and (d.type == EventType.PROTEST or not self._armed(d.sources, actors)):
            src_ids = self._crowd_as(d, actors, "rioters", src_ids)
            tgt_ids = [t for t in dict.fromkeys(d.targets) if t not in src_ids]  # "a man beaten by residents"
            if not tgt_ids and src_ids and src_ids[0] == "generic:rioters" and \
                    (d.cue.acled == "clash" or "clash" in d.hints or d.in_fight):
                tgt_ids = [self._other_crowd(d, actors)]
        if acled.sub_event_type == "Armed clash" and src_ids and tgt_ids and kinds.get(tgt_ids[0]) == ActorKind.POLICE \
                and kinds.get(src_ids[0]) not in FORCE_KINDS and d.trig.lemma_.lower() in self.mutual_fire and \
                not facts(doc).sentence_lemmas(sent.start) & self.initiative:
            # "two suspects exchanged fire with the police": an exchange with the police that the report does not
            # say the other side began comes of the police's own patrol, raid or arrest; they are actor 1
            src_ids, tgt_ids = tgt_ids[:1], src_ids + tgt_ids[1:]
        if acled.sub_event_type == "Armed clash" and len(src_ids) == 1 and not tgt_ids and \
                self._fought_among(d, actors, src_ids[0]):
            tgt_ids = [self._other_side(d, actors, src_ids[0])]
        if self.subtype is None and d.type == EventType.ASSAULT and acled.event_type is None and d.fatalities and \
                d.frame.modality == Modality.ASSERTED:
            acled = AcledCode("Violence against civilians", "Attack")
        met: list[str] = []  # forces named sentences away: they say nothing of whether the event happened
        if d.type == EventType.PROTEST and (acled.sub_event_type or "").lower() in self.met_by_forces and not tgt_ids:
            met = tgt_ids = [k for k in self._forces_near(actors, sent) if k not in src_ids][:1]
        if d.type == EventType.PROTEST and (acled.sub_event_type or "").lower() in self.intervened and not tgt_ids \
                and self._intervention_told(doc):
            # the authorities stepped in (arrests, dispersal) and the note names no force: ACLED codes the police
            # of the country as the demonstration's other side
            met = tgt_ids = [k for k in _keys_near(actors, sent, lambda m: m.kind in FORCE_KINDS, len(doc))
                             if k not in src_ids][:1] or \
                [actors.imply(_trigger_mention(d, "police", ActorKind.POLICE))]
        if d.type == EventType.ASSAULT and (acled.event_type or "").lower() in self.civilian_toll and not tgt_ids:
            met = tgt_ids = [k for k in self._harmed_civilians(actors, sent) if k not in src_ids][:1]
        if not src_ids and acled.sub_event_type == "Other" and d.trig.lemma_.lower() in self.displacement:
            src_ids = [t for t in tgt_ids if kinds.get(t) == ActorKind.CIVILIANS]  # the displaced act, ACLED's way
            tgt_ids = [t for t in tgt_ids if t not in src_ids]
        if src_ids and acled.sub_event_type in self.armed_perpetrator and kinds.get(src_ids[0]) == ActorKind.CIVILIANS \
                and d.type == EventType.ASSAULT:
            # "four men shot a doctor", "unknown people set fire to the building": who does violence to others is
            # no civilian in ACLED's coding (civilians are only ever its victims) but an unidentified armed group
            src_ids = [self._armed_perpetrator(d, actors, src_ids[0])] + src_ids[1:]
            tgt_ids = [t for t in dict.fromkeys(d.targets + tgt_ids) if t not in src_ids]
        if not src_ids and acled.sub_event_type in self.unknown_perpetrator and d.aggregate is None:
            # ACLED codes an unnamed perpetrator as an unidentified armed group of the country (of one event: a
            # toll of many, "40,000 people have been killed", has perpetrators the text does not give)
            src_ids = [actors.imply(_trigger_mention(d, "unidentified_armed_group", ActorKind.MILITIA))]
        if not tgt_ids and acled.sub_event_type == "Disrupted weapons use" and d.type != EventType.ASSAULT:
            # the weapons' owner is the other side: who planted or kept them, else an armed group the report
            # does not name (a cache found, a bomb defused), as ACLED codes it
            owners = [k for o in d.trig.children if o.dep_ in ("dobj", "nsubjpass") for k in self._weapon_owner(o, actors)]
            tgt_ids = [k for k in owners + self._weapons_owner(sent, actors) if k not in src_ids][:1] or \
                [actors.imply(_trigger_mention(d, "unidentified_armed_group", ActorKind.MILITIA))]
        if not tgt_ids and acled.sub_event_type == "Looting/property destruction" and \
                any(kinds.get(s) in FORCE_KINDS for s in src_ids) and \
                facts(doc).sentence_lemmas(sent.start) & self.lex.frame("drug_words"):
            # drugs, crops or laboratories the forces seized or destroyed are the traffickers' property: their
            # owner named ("belonged to X"), else the unnamed traffickers (a gang where ACLED codes gangs)
            tgt_ids = [k for k in self._weapons_owner(sent, actors) if k not in src_ids][:1] or \
                [actors.imply(_trigger_mention(d, "unidentified_armed_group", ActorKind.MILITIA))]
        if not tgt_ids and acled.sub_event_type == "Violent demonstration" and self._civilian_property_hit(doc, sent):
            # the crowd burned houses, smashed a shop's windows, stoned a passing car: ACLED codes the civilians
            # whose property it was as the other side (not roads blocked or tyres burned)
            met = tgt_ids = [actors.imply(_trigger_mention(d, "civilians", ActorKind.CIVILIANS))]
        if not tgt_ids and acled.sub_event_type in self.civilian_victims:
            tgt_ids = self._victims_by_definition(d, actors)
        mode = d.mode.mode if d.mode and d.type == EventType.ASSAULT else (d.cue.mode if d.type == d.cue.type else None)
        if d.type == EventType.THREATEN:
            mode = "violence" if d.cue.type == EventType.ASSAULT else d.cue.mode
        # The lead sentence tells the main event; a trigger near the root of its clause is the main verb.
        order = dates.sent_order.get(sent.start, 0)
        depth = min(_distance(d.trig, sent.root), 4)
        conf = 0.45 + 0.2 * min(d.cue.weight, 1.0) + 0.1 * bool(src_ids) + 0.05 * bool(tgt_ids and tgt_ids != met) + \
            0.05 * bool(d.mode) + 0.05 * bool(d.fatalities) + 0.04 * (d.type in MATERIAL) - 0.02 * depth - \
            0.12 * min(order, 4) + 0.15 * (label is not None) - 0.25 * self._backdrop(d.trig)
        trig = d.trig
        return Event(
            id=f"E{n}", type=d.type, mode=mode, contexts=d.cue.contexts, acled=acled,
            modality=d.frame.modality, aggregate=d.aggregate, sources=tuple(src_ids), targets=tuple(tgt_ids),
            place=place, date=date, fatalities=d.fatalities, injured=d.injured, attributed_to=None,
            confidence=round(min(max(conf, 0.05), 0.99), 3),
            evidence=_sentence_span(doc, sent), trigger=Span.of(facts(doc).text, trig.idx, trig.idx + len(trig)),
            producer=PRODUCER)

    def _note_protest_lemmas(self, doc: Doc) -> set[str]:
        """``protest_lemmas`` of the whole note, read once per Doc (every event of the note asks)."""
        memo = facts(doc).memo
        key = (self, "note_protest_lemmas")
        if key not in memo:
            memo[key] = self.coder.protest_lemmas(doc, 0, len(doc))
        return memo[key]

    def _place(self, d: Draft, places: PlaceIndex, sent: SpacySpan) -> str | None:
        m = self._spot(d, places, sent)
        if m is not None and (m.hint == "district" or _feature_rank(m) == TOWN_PART_RANK):
            m = _known_host(m, places, sent) or m  # a neighbourhood, even one a homonym town makes "known"
        return places.ids.get(id(m)) if m is not None else None

    def _spot(self, d: Draft, places: PlaceIndex, sent: SpacySpan) -> PMention | None:
        """The trigger's own location phrase first, then its clause, then the sentence, then the story.
        Within the trigger's phrases, those after it ("killed ... in Maiwand district") beat a fronted
        setting ("In Kandahar, ..."), and the most specific place in a phrase wins ("in Pakistan's
        city of Peshawar"). Before all, the place a note says it is coded to ("(coded as Kamango)")."""
        coded = [m for i in coded_at(d.trig.doc) if (m := places.tok.get(i)) is not None and not m.attributive]
        own = [m for m in coded if sent.start <= m.start < sent.end]
        if own or len({id(m) for m in coded}) == 1:
            return (own or coded)[0]
        cands = []
        # the trigger's own phrases, and those of the verb saying what it hit ("an offensive ..., targeting
        # the X district"); a territorial or violent trigger's object is where it happened ("stormed X")
        carriers = [*d.tokens, *([d.frame.carrier] if d.frame.carrier is not None else [])]
        aims = [c for trig in carriers for c in children_with(trig, ("advcl", "xcomp")) if
                c.pos_ == "VERB" and c.lemma_.lower() in self.place_verbs]
        f = facts(d.trig.doc)  # the phrases walked by token index
        for trig in [*carriers, *aims]:
            for prep in f.child_ix[trig.i]:
                if f.dep[prep] == "prep" and f.lower[prep] in LOCATIVE or \
                        f.dep[prep] == "dobj" and f.lemma[trig.i] in self.place_verbs:
                    for t in subtree_ix(f, prep):
                        m = places.tok.get(t)
                        if m is not None and not m.attributive and \
                                (m.entry is not None or m.hint or places.country_of(m)):
                            cands.append((trig not in aims, _feature_rank(m), prep < trig.i, t, m))
        if cands:  # what it was aimed at ("..., targeting X") before where it was launched from or in
            return min(cands, key=lambda c: c[:4])[4]
        clause = {t for trig in d.tokens for t in subtree_ix(f, _clause(trig).i)}
        in_sent = [m for m in places.mentions if sent.start <= m.start < sent.end and not m.attributive]
        best = [m for m in in_sent if m.start in clause] or in_sent
        if best:
            best.sort(key=lambda m: (_feature_rank(m), abs(m.start - d.trig.i)))
            return best[0]
        before = [m for m in places.mentions if m.start < sent.start and not m.attributive]
        if before:  # the story's setting: the most specific place of the last sentence that names one
            last = facts(d.trig.doc).sent_start[before[-1].start]
            return min((m for m in before if m.start >= last), key=lambda m: (_feature_rank(m), -m.start))
        return None

    def _date(self, d: Draft, doc: Doc, ctx: "_DateContext", sent: SpacySpan) -> TimeSpan | None:
        f = facts(doc)  # the trees walked by token index
        ents = [e for e in ctx.ents if sent.start <= e.start < sent.end]
        governing = {a for trig in d.tokens for a in (trig.i, *ancestors_ix(f, trig.i))}
        own_phrases = {t for trig in d.tokens for t in subtree_ix(f, trig.i)} if ents else set()
        scored = []
        for e in ents:
            span = ctx.resolved(e)
            if span is None:
                continue
            root = e.root.i
            attached = any(a in governing for a in (root, *ancestors_ix(f, root)[:2]))
            own = root in own_phrases
            # "until 26 March", "since December": a bound of something else, not the event's own date
            bound = e.start > 0 and f.lower[e.start - 1] in BOUND_WORDS
            scored.append(((not bound, own, attached, -abs(e.start - d.trig.i)), span, e))
        if not scored:  # dates the NER missed: "Around 21 February 2022 (as reported), ..."
            for a, b, span in ctx.dates_in(sent):
                scored.append(((True, False, False, -abs(a - (d.trig.idx - sent.start_char))), span, None))
        if d.since or d.aggregate is not None:
            rng = self._since(d, ctx, scored, sent)
            if rng is not None:
                return rng
        if scored and not any(key[0] for key, _, _ in scored) and \
                all(f.lower[e.start - 1] in DEADLINE_WORDS for _, _, e in scored):
            # "has threatened a strike if ... by Friday": a deadline bounds what is asked, it is not when the
            # threat was made; the sentence has no date of its own
            scored = []
        if scored:
            scored.sort(key=lambda x: x[0], reverse=True)
            span = scored[0][1]
            ctx.last = span
            return span
        if ctx.published and (d.frame.modality in (Modality.PLANNED, Modality.THREATENED) or _present(d.trig)):
            return TimeSpan(ctx.published, ctx.published, Precision.DAY, None)
        if ctx.last is not None:
            return ctx.last
        earlier = _previous_date(ctx, sent)
        if earlier is not None:  # "On 28 January, ... He was shot dead.": the story's date carries on
            return earlier
        if ctx.published:
            return TimeSpan(ctx.published, ctx.published, Precision.UNKNOWN, None)
        return None

    def _since(self, d: Draft, ctx: "_DateContext", scored, sent: SpacySpan) -> TimeSpan | None:
        since = next((t for t in sent if t.lower_ == "since"), None)
        if since is None:
            return None
        tail = {t.lemma_.lower() for t in sent[since.i - sent.start:]}
        for c in self.lex.conflicts:
            if any(ws <= tail for ws in c.words):
                start = TimeSpan(c.start, c.start, Precision.DAY, c.name)
                return timex.since(start, ctx.published, sent[since.i - sent.start:].text)
        after = [s for key, s, e in scored if e is not None and e.start > since.i]
        if after:
            return timex.since(after[0], ctx.published, after[0].text)
        return None


@dataclass
class _DateContext:
    published: dt.date | None
    last: TimeSpan | None = None
    sent_order: dict[int, int] = field(default_factory=dict)  # sentence start token -> its index
    ents: list = field(default_factory=list)  # the document's DATE and TIME entities, in order
    # what the two date readers found, per entity and per sentence: several events share a sentence
    _resolved: dict = field(default_factory=dict)
    _found: dict = field(default_factory=dict)

    def resolved(self, ent: SpacySpan) -> TimeSpan | None:
        key = (ent.start, ent.end)
        if key not in self._resolved:
            self._resolved[key] = _resolve_ent(ent, self.published)
        return self._resolved[key]

    def dates_in(self, sent: SpacySpan) -> list[tuple[int, int, TimeSpan]]:
        """Dates the NER missed in ``sent`` (``timex.find_dates``)."""
        if sent.start not in self._found:
            self._found[sent.start] = timex.find_dates(span_text(sent), self.published)
        return self._found[sent.start]


def _linked(tokens: list[Token], tok: Token) -> bool:
    """Whether ``tok`` is within a few dependency steps of one of ``tokens`` (ancestor or descendant)."""
    f = facts(tok.doc)  # ancestors by index: a Token compares equal to another only at the same place
    above = ancestors_ix(f, tok.i)
    for t in tokens:
        if t.i in above and _distance(tok, t) <= 4:
            return True
        if tok.i in ancestors_ix(f, t.i) and _distance(t, tok) <= 4:
            return True
        if t.head.i == tok.head.i and t.dep_ == tok.dep_ == "conj":
            return True
        if t.head.i == tok.head.i and {t.dep_, tok.dep_} == {"dobj", "advcl"} and \
                (t if t.dep_ == "advcl" else tok).tag_ == "VBG":
            return True  # "carried out an air strike ..., killing 18 people": what the strike did
    return False


def _verb_list(a: "Draft", b: "Draft") -> bool:
    """"Hamas invaded Israel, killed 1,200 and took hostages": verbs listed after one subject."""
    if a.trig.pos_ != "VERB" or b.trig.pos_ != "VERB" or b.sources or not a.sources:
        return False
    lo, hi = a.trig.i, b.trig.i
    if not 0 < hi - lo <= 10:
        return False
    between = a.trig.doc[lo + 1:hi]
    return any(t.text in (",", "and") for t in between) and \
        not any(t.pos_ in ("VERB", "AUX") or t.dep_ in ("nsubj", "nsubjpass") for t in between)


def _distance(low: Token, high: Token) -> int:
    head = facts(low.doc).head
    n, t = 0, low.i
    while t != high.i and head[t] != t:
        t, n = head[t], n + 1
    return n


def _previous_date(ctx: _DateContext, sent) -> TimeSpan | None:
    """The last day-precise date told before this sentence."""
    for e in reversed([e for e in ctx.ents if e.label_ == "DATE" and e.end <= sent.start]):
        span = ctx.resolved(e)
        if span is not None and span.precision == Precision.DAY:
            return span
    return None


def _resolve_ent(e, published) -> TimeSpan | None:
    """Resolve a DATE entity, taking back a day number the NER left out ("10 [April 2022]")."""
    doc = e.doc
    f = facts(doc)
    text = span_text(e)
    if timex.DURATION.match(text) and (e.end < len(doc) and f.lower[e.end] == "of" or
                                       e.start > 0 and f.lower[e.start - 1] in ("for", "over", "within")):
        return None  # "after two days of fighting", "for three weeks": how long, not when
    for back in (2, 1):
        start = e.start - back
        if start >= f.sent_start[e.start] and doc[start].like_num:
            span = timex.resolve(span_text(doc[start:e.end]), published)
            if span is not None and span.precision == Precision.DAY:
                return span
    return timex.resolve(text, published)


def _from_targets(actors: ActorIndex, verb: Token) -> list[str]:
    """"seized phones from women": who something was taken from."""
    out = []
    for c in children(verb):
        if c.dep_ == "prep" and c.lower_ == "from":
            for g in children(c):
                k = actors.actor_in(g)
                if k:
                    out.append(k)
    return out


def _has_own_date(sent) -> bool:
    return "DATE" in facts(sent.doc).ent_types(sent.doc)[sent.start:sent.end]


def _keys_near(actors: ActorIndex, sent, keep, following: int = 2) -> list[str]:
    """The keys of the actor mentions ``keep`` accepts in ``sent`` and the ``following`` sentences after it, in
    text order, each once."""
    end = facts(actors.doc).end_after(sent.end, following)
    return list(dict.fromkeys(m.key for m in sorted(actors.mentions, key=lambda m: m.start)
                              if sent.start <= m.start < end and keep(m)))


def _told_until(doc: Doc, sent, following: int) -> int:
    """Where the ``following`` sentences after ``sent`` end, stopping before one that opens with its own date
    ("On 8 March, students rioted in ..."): that one tells another event, not how this one went."""
    f = facts(doc)
    end = sent.end
    for _ in range(following):
        if end >= len(doc) or "DATE" in f.ent_types(doc)[end:end + 3]:
            break
        end = f.end_after(end, 1)
    return end


def _lemmas_around(doc: Doc, sent) -> set[str]:
    """Lemmas of ``sent`` and the sentence after it, where a report tells how it went on (read once per
    sentence: events share sentences; nobody changes the set)."""
    f = facts(doc)
    key = ("lemmas_around", sent.start)
    found = f.memo.get(key)
    if found is None:
        end = _told_until(doc, sent, 1)
        found = f.memo[key] = {w for i, w in enumerate(f.lemma[sent.start:end], sent.start) if not negated_prefix(f, i)}
    return found


def _named_by_trigger(d: Draft, actors: ActorIndex, gid: str, kind: ActorKind) -> bool:
    """A generic actor the event implies without naming ("the protest" has protesters, a looting has
    civilian victims), its mention the trigger itself. False when the trigger already names an actor."""
    if d.trig.i in actors.tok:
        return False
    actors.add(_trigger_mention(d, gid, kind))
    return True


def _trigger_mention(d: Draft, gid: str, kind: ActorKind) -> AMention:
    """A mention of the generic actor ``gid`` on the event's trigger word."""
    tok = d.trig
    return AMention(tok.i, tok.i + 1, tok.idx, tok.idx + len(tok), f"generic:{gid}", None, tok.text, kind, None,
                    generic=gid, descriptive=True, implied=True)


def _own_setting(tok: Token) -> bool:
    """"the attack on a bus in Kasese last week": a definite noun with its own date is a new event, not
    the one just told."""
    f = facts(tok.doc)
    ent_type = f.ent_types(tok.doc)
    return any(c != tok.i and ent_type[c] == "DATE" for c in subtree_ix(f, tok.i))


def _own_phrase_ix(f: DocFacts, i: int) -> list[int]:
    """The indices of token ``i``'s subtree without the other clauses hanging off it (conjuncts, relative
    clauses), walked by index: no Token is built."""
    child_ix, dep = f.child_ix, f.dep
    out, stack = [i], [c for c in child_ix[i] if dep[c] not in ("conj", "relcl", "advcl", "ccomp", "cc")]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in child_ix[t] if dep[c] not in ("conj", "relcl", "advcl", "ccomp"))
    return out


def _present(tok: Token) -> bool:
    """Whether the trigger's clause is in the present ("is preparing", "says"): it happens at publication."""
    verb = tok
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    tags = {verb.tag_} | {c.tag_ for c in children_with(verb, ("aux", "auxpass"))}
    return bool(tags & {"VBZ", "VBP"}) and not tags & {"VBD", "VBN"} or \
        (verb.tag_ == "VBG" and bool(tags & {"VBZ", "VBP"}))


def _clause(tok: Token) -> Token:
    t = tok
    while t.dep_ not in ("ROOT", "ccomp", "advcl", "relcl", "conj") and t.head.i != t.i:
        t = t.head
    return t


NEIGHBOURHOOD_PREFIXES = place_words()["neighbourhood_prefixes"]


# A military base is where a strike on it happened; a hall, market or airport is coded to its town when the
# text names the town too (ACLED's location is a populated place).
FEATURE_ORDER = {"base": 0, "village": 1, "town": 1, "city": 1, "district": 1, "facility": 1.5, "airport": 1.5,
                 "water": 1.5, "other": 1.5, "admin2": 2, "admin1": 3, "region": 3, "country": 4}


TOWN_PART_RANK = 1.7


def _known_host(m: PMention, places: PlaceIndex, sent: SpacySpan) -> PMention | None:
    """A town's part ("in the X neighbourhood", "Colonia X") is coded at the known settlement named before it
    in the sentence ("in Town (Region), ... in the X neighbourhood"), as an analyst geocodes to the town."""
    before = [k for k in places.mentions if sent.start <= k.start < m.start and not k.attributive and
              k.entry is not None and k.entry.feature in CITY_FEATURES]
    return before[-1] if before else None


def _feature_rank(m) -> float:
    if m.entry is None and m.within is not None and m.within.start > m.start:
        return 0.9  # "X (District, Province)", "the X area of Y": the named spot inside the area named after it
    if m.text.split(" ", 1)[0].lower() in NEIGHBOURHOOD_PREFIXES or m.hint == "district" and m.entry is None:
        return TOWN_PART_RANK  # "Colonia San Juan", "the Adil neighbourhood": a part of the town named with it
    if m.entry is None:  # unknown: a settlement when the text says so ("X village", "X (District, ...)")
        # "in X, Region" / "X (District, Province)": the named spot inside the area it is placed in
        return 0.9 if m.within is not None else 1 if m.hint else 1.6
    return FEATURE_ORDER.get(m.entry.feature, 2)


def _max_q(a: Quantity | None, b: Quantity | None) -> Quantity | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if (a.min or 0) >= (b.min or 0) else b


def _sentence_span(doc: Doc, sent) -> Span:
    start, end = sent.start_char, sent.end_char
    text = facts(doc).text
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return Span.of(text, start, end)


def _body_start(doc: Doc) -> int:
    """Character offset where the body starts: a leading headline line (short, no final stop, more text
    after it) tells the story again in short and is not coded as events of its own."""
    text = facts(doc).text
    cut = text.find("\n")
    if 0 < cut < 200 and text[cut:].strip():
        head = text[:cut].strip()
        if head and head[-1] not in ".!?\"”'" and len(head.split()) >= 3:
            return cut
    return 0


def _over_period(words: list[str], period_nouns: frozenset[str], modifiers: frozenset[str]) -> bool:
    """Whether a sentence spans a period rather than a moment: "since March", "so far", "to date", "this
    month", "in recent weeks", "over the past year"."""
    if "since" in words:
        return True
    for a, b in zip(words, words[1:]):
        if (a, b) in (("so", "far"), ("to", "date")) or a in modifiers and b in period_nouns:
            return True
    return False


def _elsewhere(places: PlaceIndex, tok: Token, other: Token) -> bool:
    """Whether ``tok``'s sentence is set in a town far (over 50 km) from every town of ``other``'s: "marched in
    Lagos ... two demonstrators were shot dead in Abuja" tells of two places, so of two events."""
    def towns(t: Token) -> list:
        return [m.entry for m in places.mentions if m.entry is not None and m.entry.lat is not None and
                m.entry.feature not in ("country", "admin1", "admin2", "region", "water") and
                sent_start(t) <= m.start < sent_end(t)]
    here, there = towns(tok), towns(other)
    return bool(here and there) and all(km_apart(a.lat, a.lon, b.lat, b.lon) > 50 for a in here for b in there)
