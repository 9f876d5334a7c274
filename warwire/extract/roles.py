"""Who did it to whom, read off the dependency parse (not word order).

Sources: the subject of an active trigger, "by X" of a passive one, the possessor or nationality
adjective of a nominal one ("Israel's strikes", "Israeli strikes"), the subject of a light or
claiming verb carrying the noun ("the group claimed 150 attacks"). Targets: the object, "on/against
X", the subject of a passive ("X was attacked"), "of X" of a nominal killing.
"""
from __future__ import annotations

from spacy.tokens import Token

from .actors import ActorIndex
from .docfacts import children, children_with, conjuncts_ix, facts, has_child, kids

TARGET_PREPS = frozenset({"on", "against", "at", "upon", "toward", "towards"})
CLASH_PREPS = frozenset({"with", "between"})
# Preps that aim at a target whatever the verb ("rely on X" is no attack on X, "fire at X" is).
AIMED_PREPS = frozenset({"at", "against", "toward", "towards"})
# Preps whose object is the victim of a nominal trigger ("the killing of X").
OF_TARGET = frozenset({"kill", "killing", "murder", "assassination", "abduction", "kidnapping", "arrest",
                       "detention", "execution", "shelling", "bombing", "torture", "rape", "capture", "siege",
                       "beheading", "shooting", "massacre", "release", "expulsion", "deportation", "death"})
SUBJECT_DEPS = ("nsubj", "csubj")
UP_DEPS = frozenset({"xcomp", "conj", "advcl", "ccomp", "acl", "relcl", "pcomp"})


def _with_conjuncts(tok: Token) -> list[Token]:
    doc = tok.doc
    return [tok, *[doc[c] for c in conjuncts_ix(facts(doc), tok.i) if c > tok.i]]


def _keys(idx: ActorIndex, toks: list[Token]) -> list[str]:
    out = []
    if not toks:
        return out
    f = facts(toks[0].doc)
    for t in toks:
        for c in _with_conjuncts(t):
            # "Ukrainian and Russian forces": each coordinated nationality names its own actor, in text order
            shared = [idx._actor_at(g) for g in f.child_ix[c.i] if f.dep[g] in ("amod", "compound", "nmod") and
                      any(f.dep[x] == "conj" for x in f.child_ix[g])]
            for k in [*shared, idx.actor_in(c)]:
                if k and k not in out:
                    out.append(k)
    return out


def phrase_keys(idx: ActorIndex, toks: list[Token]) -> list[str]:
    """The actors the noun phrases headed by ``toks`` (and their conjuncts) name, in order."""
    return _keys(idx, toks)


def passive(tok: Token) -> bool:
    f = facts(tok.doc)
    dep, i = f.dep, tok.i
    return any(dep[c] in ("nsubjpass", "auxpass") for c in f.child_ix[i]) or \
        (dep[i] in ("acl", "amod") and f.pos[i] == "VERB" and tok.tag_ == "VBN")


def subject_of(verb: Token) -> list[Token]:
    """The subject of a verb, inherited through xcomp/conj/advcl chains when it has none of its own."""
    doc = verb.doc
    f = facts(doc)  # climbed by token index: Tokens only for what is returned
    dep, head = f.dep, f.head
    t = verb.i
    for _ in range(5):
        subj = [c for c in f.child_ix[t] if dep[c] in SUBJECT_DEPS]
        if subj and dep[t] == "relcl" and f.lower[subj[0]] in ("that", "which", "who", "whom"):
            return [doc[head[t]]]  # "the militia that attacked the base": the relative pronoun stands for it
        if subj:
            return [doc[c] for c in subj]
        if dep[t] == "relcl" and f.pos[head[t]] in ("NOUN", "PROPN"):
            return [doc[head[t]]]
        if dep[t] not in UP_DEPS or head[t] == t:
            return []
        t = head[t]
    return []


def _agents(verb: Token) -> list[Token]:
    """The "by X" of a passive verb."""
    return [g for c in children_with(verb, ("agent",)) for g in children_with(c, ("pobj",))]


def verb_roles(idx: ActorIndex, verb: Token, clash: bool = False) -> tuple[list[str], list[str]]:
    if passive(verb):
        agents = _agents(verb)
        if not agents:  # "was beaten and tied up by a group of people": the agent hangs on the last verb
            agents = [g for c in children_with(verb, ("conj",)) if c.pos_ == "VERB" and
                      not has_child(c, ("nsubj", "nsubjpass")) for g in _agents(c)]
        sources = _keys(idx, agents)
        subj = children_with(verb, ("nsubjpass",))
        if not subj and verb.dep_ in ("acl", "amod"):
            subj = [verb.head]
        targets = _keys(idx, subj)
    else:
        subj = subject_of(verb)
        sources = _keys(idx, subj) or [k for t in subj for k in device_agents(idx, t)]
        targets = _keys(idx, children_with(verb, ("dobj", "dative", "obj")))
        if not targets:  # "shot and killed three members of X": the object the verbs share hangs on the last
            targets = _keys(idx, [o for c in children_with(verb, ("conj",)) if c.pos_ == "VERB" and
                                  not has_child(c, ("nsubj", "nsubjpass"))
                                  for o in children_with(c, ("dobj", "obj"))])
    # "exchanged fire with X", "opened fire on X": the prepositions hang on the object that is no actor
    # "fired mortars and grenade launchers at X": the phrase hangs on the last weapon of a list
    f = facts(verb.doc)  # the prepositions read by token index: Tokens only for their objects
    held = [g for c in children_with(verb, ("dobj",)) if idx.actor_in(c) is None
            for w in _with_conjuncts(c) if w is c or idx.actor_in(w) is None for g in f.child_ix[w.i]]
    for prep in [*f.child_ix[verb.i], *held]:
        if f.dep[prep] != "prep":
            continue
        objs = [verb.doc[g] for g in f.child_ix[prep] if f.dep[g] == "pobj"]
        if f.lower[prep] in TARGET_PREPS or (clash and f.lower[prep] in CLASH_PREPS):
            targets += [k for k in _keys(idx, objs) if k not in targets]
        elif f.lower[prep] == "by" and not sources:
            sources = _keys(idx, objs)
    if not targets and not passive(verb):
        # "fired mortars and grenade launchers at X", which the small parser reads as a second verb "grenade"
        # sharing the subject: the "at X" hangs on that verb
        targets = _keys(idx, [g for c in children_with(verb, ("conj",)) if c.pos_ == "VERB" and
                              not has_child(c, ("nsubj", "nsubjpass"))
                              for p in children_with(c, ("prep",)) if p.lower_ in AIMED_PREPS
                              for g in children_with(p, ("pobj",))])
    if clash and len(sources) > 1 and not targets:  # "X and Y clashed"
        sources, targets = sources[:1], sources[1:]
    if clash and not sources and not targets and verb.dep_ in ("nsubj", "nsubjpass"):
        for c in children(verb.head):  # "fighting broke out between X and Y"
            if c.dep_ == "prep" and c.lower_ == "between":
                targets = _keys(idx, children_with(c, ("pobj",)))
    if clash and not sources and targets and (len(targets) > 1 or _between(verb)):
        sources, targets = targets[:1], targets[1:]  # "fighting broke out between X and Y"
    return sources, [t for t in targets if t not in sources]


def agent_keys(idx: ActorIndex, verb: Token) -> list[str]:
    """The actors of a verb's "by X"."""
    return _keys(idx, _agents(verb))


def device_agents(idx: ActorIndex, thing: Token) -> list[str]:
    """Who is behind a device or weapon named as the subject: "a bomb planted by militants exploded",
    "an IED by Al Shabaab detonated"."""
    out: list[str] = []
    doc = thing.doc
    f = facts(doc)  # the children read by token index: Tokens only for an agent's phrase
    for c in f.child_ix[thing.i]:
        if f.dep[c] == "acl" and doc[c].tag_ == "VBN":
            agents = [g for a in children_with(doc[c], ("agent",)) for g in children_with(a, ("pobj",))]
            out += [k for k in _keys(idx, agents) if k not in out]
        elif f.dep[c] == "prep" and f.lower[c] == "by":
            out += [k for k in _keys(idx, [doc[g] for g in f.child_ix[c] if f.dep[g] == "pobj"]) if k not in out]
    return out


def noun_roles(idx: ActorIndex, noun: Token, clash: bool = False) -> tuple[list[str], list[str]]:
    sources, targets = [], []
    for c in children(noun):
        if c.dep_ in ("poss", "compound", "amod", "nmod"):
            k = idx.actor_in(c, max_depth=1) if c.dep_ != "poss" else idx.actor_at(c) or idx.actor_in(c)
            if k and k not in sources:
                sources.append(k)
        elif c.dep_ == "prep":
            objs = children_with(c, ("pobj",))
            if c.lower_ == "by":
                sources += [k for k in _keys(idx, objs) if k not in sources]
            elif c.lower_ in TARGET_PREPS or (clash and c.lower_ in CLASH_PREPS):
                targets += [k for k in _keys(idx, objs) if k not in targets]
            elif c.lower_ == "of":
                keys = _keys(idx, objs)
                if noun.lemma_.lower() in OF_TARGET:
                    targets += [k for k in keys if k not in targets]
                else:
                    sources += [k for k in keys if k not in sources]
    if not sources:  # "a bomb planted by X exploded", "the explosion of a mine planted by X"
        devices = [noun, *(g for c in children_with(noun, ("prep",)) if c.lower_ == "of"
                           for g in children_with(c, ("pobj",)))]
        sources = list(dict.fromkeys(k for t in devices for k in device_agents(idx, t) if k not in targets))
    if clash and not sources and not targets and noun.head.pos_ == "VERB":
        for c in children(noun.head):  # "fighting broke out between X and Y"
            if c.dep_ == "prep" and c.lower_ == "between":
                targets = _keys(idx, children_with(c, ("pobj",)))
    if clash and not sources and targets and (len(targets) > 1 or _between(noun)):
        sources, targets = targets[:1], targets[1:]  # "clashes between rival militias": both sides
    return sources, [t for t in targets if t not in sources]


def thrown_at(idx: ActorIndex, noun: Token) -> list[str]:
    """The target of a noun trigger that is a verb's object, when the verb holds the "at X" or "on X":
    "hurled two bombs at a convoy", "threw grenades at the police station" (the parse hangs the
    phrase on the verb that throws the weapon, not on the weapon)."""
    if noun.dep_ not in ("dobj", "obj") or noun.head.pos_ != "VERB":
        return []
    objs = [g for c in children_with(noun.head, ("prep",)) if c.lower_ in TARGET_PREPS
            for g in children_with(c, ("pobj",))]
    return _keys(idx, objs)


def two_sides_between(idx: ActorIndex, tok: Token) -> bool:
    """"between X and Y" on the trigger or its verb names two actors: both sides of a fight."""
    return any(len(_keys(idx, [g for g in children_with(tok.doc[c.i], ("pobj",))])) >= 2
               for c in _between_preps(tok))


def _between(tok: Token) -> bool:
    return bool(_between_preps(tok))


def _between_preps(tok: Token) -> list:
    """The "between" phrases on the trigger or on its head."""
    return [c for t in (tok, tok.head) for c in kids(t) if c.dep == "prep" and c.lower == "between"]


def carrier_roles(idx: ActorIndex, carrier: Token) -> list[str]:
    """The subject of a light or claiming verb is the source of the noun it carries."""
    if passive(carrier):
        agents = [g for c in children_with(carrier, ("agent",)) for g in children_with(c, ("pobj",))]
        return _keys(idx, agents)
    return _keys(idx, subject_of(carrier))
