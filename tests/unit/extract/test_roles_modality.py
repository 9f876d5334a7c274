"""Roles (who did it to whom) and modality (did it happen?) read off hand-built parses.

Every Doc here is built by hand from a table (word, POS, tag, dep, head, lemma), with the tree the
English pipeline gives for that sentence, so the rules are tested without loading a model. Actors
are placed by hand too: ``actors(doc, key=(start, end, kind))``.
"""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from warwire.extract.actors import ActorIndex, AMention
from warwire.extract.modality import ModalityReader
from warwire.extract.roles import carrier_roles, noun_roles, passive, subject_of, verb_roles
from warwire.kb.cues import Lexicon
from warwire.types import ActorKind, Modality

VOCAB = spacy.blank("en").vocab
NO_SPACE_BEFORE = {".", ",", "'s", "’s", "n't", ":", ";", "?", "!"}
MIL, MILITIA, STATE, CIV = ActorKind.MILITARY, ActorKind.MILITIA, ActorKind.STATE, ActorKind.CIVILIANS


def parse(table: str) -> Doc:
    """A Doc from rows of ``word POS TAG dep head lemma`` (head: absolute token index)."""
    rows = [line.split() for line in table.strip().splitlines()]
    assert all(len(r) == 6 for r in rows), rows
    words = [r[0] for r in rows]
    spaces = [i + 1 < len(words) and words[i + 1] not in NO_SPACE_BEFORE for i in range(len(words))]
    return Doc(VOCAB, words=words, spaces=spaces, pos=[r[1] for r in rows], tags=[r[2] for r in rows],
               deps=[r[3] for r in rows], heads=[int(r[4]) for r in rows], lemmas=[r[5] for r in rows])


def actors(doc: Doc, **spans: tuple[int, int, ActorKind]) -> ActorIndex:
    """An ActorIndex with one mention per keyword: key=(start token, end token, kind)."""
    idx = ActorIndex(doc)
    for key, (start, end, kind) in spans.items():
        span = doc[start:end]
        idx.add(AMention(start, end, span.start_char, span.end_char, key, None, span.text, kind, None))
    return idx


@pytest.fixture(scope="module")
def reader() -> ModalityReader:
    return ModalityReader(Lexicon.load())


# ------------------------------------------------------------------------------------- parses

VOWED = """
Nujaba    PROPN NNP nsubj    1 Nujaba
vowed     VERB  VBD ROOT     1 vow
to        PART  TO  aux      3 to
attack    VERB  VB  xcomp    1 attack
US        PROPN NNP compound 5 US
forces    NOUN  NNS dobj     3 force
.         PUNCT .   punct    1 .
"""
WILL_CONTINUE = """
The       DET   DT  det      1 the
group     NOUN  NN  nsubj    2 group
said      VERB  VBD ROOT     2 say
it        PRON  PRP nsubj    5 it
will      AUX   MD  aux      5 will
continue  VERB  VB  ccomp    2 continue
attacks   NOUN  NNS dobj     5 attack
on        ADP   IN  prep     6 on
US        PROPN NNP compound 9 US
forces    NOUN  NNS pobj     7 force
.         PUNCT .   punct    2 .
"""
PREPARING_FOR = """
The       DET   DT  det      2 the
United    PROPN NNP compound 2 United
States    PROPN NNP nsubj    4 States
is        AUX   VBZ aux      4 be
preparing VERB  VBG ROOT     4 prepare
for       ADP   IN  prep     4 for
strikes   NOUN  NNS pobj     5 strike
.         PUNCT .   punct    4 .
"""
PREPARING_TALKS = """
Iran      PROPN NNP nsubj    2 Iran
is        AUX   VBZ aux      2 be
preparing VERB  VBG ROOT     2 prepare
for       ADP   IN  prep     2 for
talks     NOUN  NNS pobj     3 talk
.         PUNCT .   punct    2 .
"""
PREPARING_TO = """
The       DET   DT  det      1 the
militia   NOUN  NN  nsubj    3 militia
is        AUX   VBZ aux      3 be
preparing VERB  VBG ROOT     3 prepare
to        PART  TO  aux      5 to
attack    VERB  VB  xcomp    3 attack
the       DET   DT  det      7 the
base      NOUN  NN  dobj     5 base
.         PUNCT .   punct    3 .
"""
EXPECT = """
Officials NOUN  NNS nsubj    1 official
expect    VERB  VBP ROOT     1 expect
strikes   NOUN  NNS dobj     1 strike
.         PUNCT .   punct    1 .
"""
BLAMED = """
Washington PROPN NNP nsubj    1 Washington
blamed     VERB  VBD ROOT     1 blame
Kataib     PROPN NNP compound 3 Kataib
Hezbollah  PROPN NNP dobj     1 Hezbollah
for        ADP   IN  prep     1 for
the        DET   DT  det      6 the
killing    NOUN  NN  pobj     4 killing
.          PUNCT .   punct    1 .
"""
DENIED = """
Iran      PROPN NNP nsubj    1 Iran
denied    VERB  VBD ROOT     1 deny
carrying  VERB  VBG xcomp    1 carry
out       ADP   RP  prt      2 out
the       DET   DT  det      5 the
attack    NOUN  NN  dobj     2 attack
.         PUNCT .   punct    1 .
"""
DID_NOT = """
The       DET   DT  det      1 the
militia   NOUN  NN  nsubj    4 militia
did       AUX   VBD aux      4 do
not       PART  RB  neg      4 not
attack    VERB  VB  ROOT     4 attack
the       DET   DT  det      6 the
base      NOUN  NN  dobj     4 base
.         PUNCT .   punct    4 .
"""
NO_ATTACK = """
There     PRON  EX  expl     1 there
was       VERB  VBD ROOT     1 be
no        DET   DT  det      3 no
attack    NOUN  NN  attr     1 attack
on        ADP   IN  prep     3 on
the       DET   DT  det      6 the
base      NOUN  NN  pobj     4 base
.         PUNCT .   punct    1 .
"""
IF_STRIKES = """
If        SCONJ IN  mark     3 if
the       DET   DT  det      2 the
US        PROPN NNP nsubj    3 US
strikes   VERB  VBZ advcl    9 strike
Iran      PROPN NNP dobj     3 Iran
,         PUNCT ,   punct    9 ,
the       DET   DT  det      7 the
group     NOUN  NN  nsubj    9 group
would     AUX   MD  aux      9 would
respond   VERB  VB  ROOT     9 respond
.         PUNCT .   punct    9 .
"""
COULD = """
The       DET   DT  det      1 the
militia   NOUN  NN  nsubj    3 militia
could     AUX   MD  aux      3 could
attack    VERB  VB  ROOT     3 attack
the       DET   DT  det      5 the
base      NOUN  NN  dobj     3 base
.         PUNCT .   punct    3 .
"""
CLAIMED = """
The       DET   DT  det      1 the
group     NOUN  NN  nsubj    2 group
claimed   VERB  VBD ROOT     2 claim
the       DET   DT  det      4 the
attack    NOUN  NN  dobj     2 attack
.         PUNCT .   punct    2 .
"""
CLAIMED_RESPONSIBILITY = """
The            DET   DT  det      1 the
group          NOUN  NN  nsubj    2 group
claimed        VERB  VBD ROOT     2 claim
responsibility NOUN  NN  dobj     2 responsibility
for            ADP   IN  prep     3 for
the            DET   DT  det      6 the
attack         NOUN  NN  pobj     4 attack
.              PUNCT .   punct    2 .
"""
REPORTEDLY = """
The        DET   DT  det      1 the
militia    NOUN  NN  nsubj    3 militia
reportedly ADV   RB  advmod   3 reportedly
attacked   VERB  VBD ROOT     3 attack
the        DET   DT  det      5 the
base       NOUN  NN  dobj     3 base
.          PUNCT .   punct    3 .
"""
ALLEGEDLY = """
The        DET   DT  det      1 the
militia    NOUN  NN  nsubj    3 militia
allegedly  ADV   RB  advmod   3 allegedly
attacked   VERB  VBD ROOT     3 attack
the        DET   DT  det      5 the
base       NOUN  NN  dobj     3 base
.          PUNCT .   punct    3 .
"""
SAID_ATTACKED = """
The       DET   DT  det      1 the
group     NOUN  NN  nsubj    2 group
said      VERB  VBD ROOT     2 say
it        PRON  PRP nsubj    4 it
attacked  VERB  VBD ccomp    2 attack
the       DET   DT  det      6 the
base      NOUN  NN  dobj     4 base
.         PUNCT .   punct    2 .
"""
HAMAS_ATTACKED = """
Hamas     PROPN NNP nsubj    1 Hamas
attacked  VERB  VBD ROOT     1 attack
Israeli   ADJ   JJ  amod     3 israeli
troops    NOUN  NNS dobj     1 troop
.         PUNCT .   punct    1 .
"""
KILLED_BY = """
Two       NUM   CD  nummod    1 two
soldiers  NOUN  NNS nsubjpass 3 soldier
were      AUX   VBD auxpass   3 be
killed    VERB  VBN ROOT      3 kill
by        ADP   IN  agent     3 by
the       DET   DT  det       6 the
rebels    NOUN  NNS pobj      4 rebel
.         PUNCT .   punct     3 .
"""
WAS_ATTACKED = """
The       DET   DT  det       1 the
base      NOUN  NN  nsubjpass 3 base
was       AUX   VBD auxpass   3 be
attacked  VERB  VBN ROOT      3 attack
.         PUNCT .   punct     3 .
"""
KILLED_IN = """
Three     NUM   CD  nummod    1 three
soldiers  NOUN  NNS nsubjpass 7 soldier
killed    VERB  VBN acl       1 kill
in        ADP   IN  prep      2 in
the       DET   DT  det       5 the
attack    NOUN  NN  pobj      3 attack
were      AUX   VBD auxpass   7 be
buried    VERB  VBN ROOT      7 bury
.         PUNCT .   punct     7 .
"""
CLASHED_WITH = """
The       DET   DT  det      1 the
army      NOUN  NN  nsubj    2 army
clashed   VERB  VBD ROOT     2 clash
with      ADP   IN  prep     2 with
the       DET   DT  det      5 the
rebels    NOUN  NNS pobj     3 rebel
.         PUNCT .   punct    2 .
"""
X_AND_Y_CLASHED = """
Hamas     PROPN NNP nsubj    3 Hamas
and       CCONJ CC  cc       0 and
Fatah     PROPN NNP conj     0 Fatah
clashed   VERB  VBD ROOT     3 clash
in        ADP   IN  prep     3 in
Gaza      PROPN NNP pobj     4 Gaza
.         PUNCT .   punct    3 .
"""
X_AND_Y_ATTACKED = """
Hamas     PROPN NNP nsubj    3 Hamas
and       CCONJ CC  cc       0 and
Hezbollah PROPN NNP conj     0 Hezbollah
attacked  VERB  VBD ROOT     3 attack
Israel    PROPN NNP dobj     3 Israel
.         PUNCT .   punct    3 .
"""
FIRED_AT = """
Militants NOUN  NNS nsubj    1 militant
fired     VERB  VBD ROOT     1 fire
rockets   NOUN  NNS dobj     1 rocket
at        ADP   IN  prep     1 at
US        PROPN NNP compound 5 US
forces    NOUN  NNS pobj     3 force
.         PUNCT .   punct    1 .
"""
RELCL = """
The       DET   DT  det      1 the
militia   NOUN  NN  nsubj    6 militia
that      PRON  WDT nsubj    3 that
attacked  VERB  VBD relcl    1 attack
the       DET   DT  det      5 the
base      NOUN  NN  dobj     3 base
withdrew  VERB  VBD ROOT     6 withdraw
.         PUNCT .   punct    6 .
"""
POSS_STRIKES = """
Israel    PROPN NNP poss     2 Israel
's        PART  POS case     0 's
strikes   NOUN  NNS nsubj    3 strike
killed    VERB  VBD ROOT     3 kill
two       NUM   CD  nummod   5 two
fighters  NOUN  NNS dobj     3 fighter
.         PUNCT .   punct    3 .
"""
DEMONYM_STRIKES = """
Israeli   ADJ   JJ  amod     1 israeli
strikes   NOUN  NNS nsubj    4 strike
on        ADP   IN  prep     1 on
Hezbollah PROPN NNP pobj     2 Hezbollah
continued VERB  VBD ROOT     4 continue
.         PUNCT .   punct    4 .
"""
KILLING_OF_BY = """
The        DET   DT  det      1 the
killing    NOUN  NN  nsubj    8 killing
of         ADP   IN  prep     1 of
a          DET   DT  det      4 a
contractor NOUN  NN  pobj     2 contractor
by         ADP   IN  prep     1 by
Kataib     PROPN NNP compound 7 Kataib
Hezbollah  PROPN NNP pobj     5 Hezbollah
angered    VERB  VBD ROOT     8 anger
Washington PROPN NNP dobj     8 Washington
.          PUNCT .   punct    8 .
"""
OFFENSIVE_OF = """
The       DET   DT  det      1 the
offensive NOUN  NN  nsubj    5 offensive
of        ADP   IN  prep     1 of
the       DET   DT  det      4 the
army      NOUN  NN  pobj     2 army
stalled   VERB  VBD ROOT     5 stall
.         PUNCT .   punct    5 .
"""


def test_parse_builds_the_sentence():
    doc = parse(VOWED)
    assert doc.text == "Nujaba vowed to attack US forces."
    assert [t.head.i for t in doc] == [1, 1, 3, 1, 5, 3, 1]
    assert doc[3].lemma_ == "attack" and doc[3].dep_ == "xcomp"
    assert parse(POSS_STRIKES).text == "Israel's strikes killed two fighters."


# ------------------------------------------------------------------------------------- modality

# parse, trigger index, PLOVER type of the trigger's cue, modality, retype, governor (its text, or None)
FRAMES = [
    pytest.param(VOWED, 3, "ASSAULT", Modality.THREATENED, "THREATEN", "vowed", id="vowed-to-attack"),
    pytest.param(WILL_CONTINUE, 6, "ASSAULT", Modality.THREATENED, "THREATEN", "said",
                 id="said-will-continue-attacks"),
    pytest.param(PREPARING_FOR, 6, "ASSAULT", Modality.PLANNED, "MOBILIZE", "preparing", id="preparing-for-strikes"),
    pytest.param(PREPARING_TO, 5, "ASSAULT", Modality.PLANNED, "MOBILIZE", "preparing", id="preparing-to-attack"),
    pytest.param(PREPARING_TALKS, 4, "CONSULT", Modality.PLANNED, None, "preparing", id="preparing-for-talks"),
    pytest.param(EXPECT, 2, "ASSAULT", Modality.PLANNED, None, "expect", id="expect-strikes"),
    pytest.param(BLAMED, 6, "ASSAULT", Modality.ALLEGED, None, "blamed", id="blamed-for-the-killing"),
    pytest.param(ALLEGEDLY, 3, "ASSAULT", Modality.ALLEGED, None, None, id="allegedly-attacked"),
    pytest.param(REPORTEDLY, 3, "ASSAULT", Modality.ALLEGED, None, None, id="reportedly-attacked"),
    pytest.param(DENIED, 5, "ASSAULT", Modality.DENIED, None, "denied", id="denied-carrying-out"),
    pytest.param(DID_NOT, 4, "ASSAULT", Modality.NEGATED, None, None, id="did-not-attack"),
    pytest.param(NO_ATTACK, 3, "ASSAULT", Modality.NEGATED, None, None, id="no-attack"),
    pytest.param(IF_STRIKES, 3, "ASSAULT", Modality.HYPOTHETICAL, None, None, id="if-the-us-strikes"),
    pytest.param(COULD, 3, "ASSAULT", Modality.HYPOTHETICAL, None, None, id="could-attack"),
    pytest.param(CLAIMED, 4, "ASSAULT", Modality.CLAIMED, None, "claimed", id="claimed-the-attack"),
    pytest.param(CLAIMED_RESPONSIBILITY, 6, "ASSAULT", Modality.CLAIMED, None, "claimed",
                 id="claimed-responsibility-for"),
    pytest.param(SAID_ATTACKED, 4, "ASSAULT", Modality.ASSERTED, None, "said", id="said-it-attacked"),
    pytest.param(HAMAS_ATTACKED, 1, "ASSAULT", Modality.ASSERTED, None, None, id="plain-report"),
]


@pytest.mark.parametrize("table, i, etype, modality, retype, governor", FRAMES)
def test_frame(reader, table, i, etype, modality, retype, governor):
    doc = parse(table)
    frame = reader.frame(doc[i], etype)
    assert (frame.modality, frame.retype) == (modality, retype)
    if governor is not None:
        assert frame.governor is not None and frame.governor.text == governor


def test_frame_will_continue_carrier(reader):
    """"said it will continue attacks": the light verb carrying the noun is kept, its subject speaks."""
    doc = parse(WILL_CONTINUE)
    frame = reader.frame(doc[6], "ASSAULT")
    assert frame.carrier is not None and frame.carrier.text == "continue"


def test_frame_denied_carrier(reader):
    doc = parse(DENIED)
    frame = reader.frame(doc[5], "ASSAULT")
    assert frame.carrier is not None and frame.carrier.text == "carrying"


def test_frame_blamed_names_the_accused(reader):
    """"Washington blamed Kataib Hezbollah for the killing": the accused is the object of "blamed"."""
    doc = parse(BLAMED)
    frame = reader.frame(doc[6], "ASSAULT")
    assert frame.accused is not None and frame.accused.text == "Hezbollah"


def test_frame_vow_speaker_is_the_source(reader):
    """The vowing subject is the source of the THREATEN (read through the governor)."""
    doc = parse(VOWED)
    idx = actors(doc, nujaba=(0, 1, MILITIA), usa_mil=(4, 6, MIL))
    frame = reader.frame(doc[3], "ASSAULT")
    assert carrier_roles(idx, frame.governor) == ["nujaba"]


def test_negated_reads_neg_and_no(reader):
    assert reader.negated(parse(DID_NOT)[4])
    assert reader.negated(parse(NO_ATTACK)[3])
    assert not reader.negated(parse(HAMAS_ATTACKED)[1])


def test_future_reads_the_auxiliary(reader):
    assert reader.future(parse(WILL_CONTINUE)[5])
    assert not reader.future(parse(HAMAS_ATTACKED)[1])


# ------------------------------------------------------------------------------------- roles

def test_passive():
    assert passive(parse(KILLED_BY)[3])
    assert passive(parse(WAS_ATTACKED)[3])
    assert passive(parse(KILLED_IN)[2])  # reduced relative: "soldiers killed in the attack"
    assert not passive(parse(HAMAS_ATTACKED)[1])
    assert not passive(parse(DID_NOT)[4])


@pytest.mark.parametrize("table, verb, subject", [
    pytest.param(HAMAS_ATTACKED, 1, ["Hamas"], id="active"),
    pytest.param(VOWED, 3, ["Nujaba"], id="inherited-through-xcomp"),
    pytest.param(WILL_CONTINUE, 5, ["it"], id="own-subject-not-the-speaker"),
    pytest.param(RELCL, 3, ["militia"], id="relcl-head-noun"),
    pytest.param(X_AND_Y_ATTACKED, 3, ["Hamas"], id="first-conjunct"),  # verb_roles adds the others
    pytest.param(KILLED_BY, 3, [], id="passive-has-none"),
])
def test_subject_of(table, verb, subject):
    doc = parse(table)
    assert [t.text for t in subject_of(doc[verb])] == subject


# parse, verb index, clash, actors, sources, targets
VERB_ROLES = [
    pytest.param(HAMAS_ATTACKED, 1, False, dict(hamas=(0, 1, MILITIA), isr_mil=(2, 4, MIL)), ["hamas"], ["isr_mil"],
                 id="active-subject-object"),
    pytest.param(KILLED_BY, 3, False, dict(soldiers=(0, 2, MIL), rebels=(5, 7, MILITIA)), ["rebels"], ["soldiers"],
                 id="passive-with-by"),
    pytest.param(WAS_ATTACKED, 3, False, dict(base=(0, 2, MIL)), [], ["base"], id="passive-without-agent"),
    pytest.param(KILLED_IN, 2, False, dict(soldiers=(0, 2, MIL)), [], ["soldiers"], id="reduced-relative"),
    pytest.param(FIRED_AT, 1, False, dict(militants=(0, 1, MILITIA), usa_mil=(4, 6, MIL)), ["militants"],
                 ["usa_mil"], id="at-target"),
    pytest.param(X_AND_Y_ATTACKED, 3, False, dict(hamas=(0, 1, MILITIA), hezbollah=(2, 3, MILITIA), isr=(4, 5, STATE)),
                 ["hamas", "hezbollah"], ["isr"], id="conjoined-subjects"),
    pytest.param(CLASHED_WITH, 2, True, dict(army=(0, 2, MIL), rebels=(4, 6, MILITIA)), ["army"], ["rebels"],
                 id="clash-with"),
    pytest.param(CLASHED_WITH, 2, False, dict(army=(0, 2, MIL), rebels=(4, 6, MILITIA)), ["army"], [],
                 id="with-is-no-target-outside-a-clash"),
    pytest.param(X_AND_Y_CLASHED, 3, True, dict(hamas=(0, 1, MILITIA), fatah=(2, 3, MILITIA)), ["hamas"], ["fatah"],
                 id="x-and-y-clashed"),
    pytest.param(VOWED, 3, False, dict(nujaba=(0, 1, MILITIA), usa_mil=(4, 6, MIL)), ["nujaba"], ["usa_mil"],
                 id="xcomp-subject"),
    pytest.param(RELCL, 3, False, dict(militia=(0, 2, MILITIA), base=(4, 6, MIL)), ["militia"], ["base"],
                 id="relcl-subject"),
]


@pytest.mark.parametrize("table, verb, clash, spans, sources, targets", VERB_ROLES)
def test_verb_roles(table, verb, clash, spans, sources, targets):
    doc = parse(table)
    idx = actors(doc, **spans)
    assert verb_roles(idx, doc[verb], clash) == (sources, targets)


# parse, noun index, actors, sources, targets
NOUN_ROLES = [
    pytest.param(POSS_STRIKES, 2, dict(isr=(0, 1, STATE), fighters=(5, 6, MILITIA)), ["isr"], [],
                 id="possessor-x's-strikes"),
    pytest.param(DEMONYM_STRIKES, 1, dict(isr=(0, 1, STATE), hezbollah=(3, 4, MILITIA)), ["isr"], ["hezbollah"],
                 id="nationality-adjective-and-on-target"),
    pytest.param(KILLING_OF_BY, 1, dict(contractor=(4, 5, CIV), kh=(6, 8, MILITIA), usa=(9, 10, STATE)), ["kh"],
                 ["contractor"], id="the-killing-of-x-by-y"),
    pytest.param(OFFENSIVE_OF, 1, dict(army=(3, 5, MIL)), ["army"], [], id="of-agent"),
    pytest.param(NO_ATTACK, 3, dict(base=(5, 7, MIL)), [], ["base"], id="on-target"),
]


@pytest.mark.parametrize("table, noun, spans, sources, targets", NOUN_ROLES)
def test_noun_roles(table, noun, spans, sources, targets):
    doc = parse(table)
    idx = actors(doc, **spans)
    assert noun_roles(idx, doc[noun]) == (sources, targets)


def test_carrier_roles_follow_a_resolved_pronoun():
    """"The group said it will continue attacks": "it" is the group, the subject of the light verb."""
    doc = parse(WILL_CONTINUE)
    idx = actors(doc, group=(0, 2, MILITIA), usa_mil=(8, 10, MIL))
    idx.pronouns[3] = "group"
    assert carrier_roles(idx, doc[5]) == ["group"]
    assert noun_roles(idx, doc[6]) == ([], ["usa_mil"])


def test_carrier_roles_of_a_passive_carrier():
    doc = parse(KILLED_BY)
    idx = actors(doc, soldiers=(0, 2, MIL), rebels=(5, 7, MILITIA))
    assert carrier_roles(idx, doc[3]) == ["rebels"]
