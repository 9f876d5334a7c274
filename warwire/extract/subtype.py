"""ACLED sub-event type from a linear model over the event's words and the rules' reading of it.

The rules (acled.py) read the trigger, the means and the kinds of actors; they cannot weigh the many
small signals that tell an armed clash from an attack on civilians or a violent demonstration from mob
violence ("the victim was a gang member", "protesters burned tyres"). A multinomial logistic model over
bag-of-lemma features of the trigger's sentence and the next one, plus the rules' own answer, the PLOVER
type, the mode and the actors' kinds, weighs them. It is trained by ``tools/train_subtype.py`` on text we
wrote ourselves (``train/subtype/*.jsonl``) and ships as readable JSON (``kb/data/models/``).

The model only chooses among ACLED codes for events the rules would code at all: threats, plans and
denials stay uncoded whatever the model says. Its ``NONE`` class leaves an event uncoded (a flood, a trial,
a drug seizure).
"""
from __future__ import annotations

from spacy.tokens import Doc, Span as SpacySpan

from ..kb.models import label_of
from ..types import AcledCode

# Named things are replaced by their entity label so the model learns "a GPE" rather than one town.
MASKED_ENTS = frozenset({"GPE", "LOC", "FAC", "PERSON", "ORG", "NORP", "DATE", "TIME", "CARDINAL",
                         "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "EVENT", "PRODUCT", "WORK_OF_ART",
                         "LAW", "LANGUAGE"})
KEEP_STOP = frozenset({"no", "not", "without", "after", "during", "between", "against", "by", "with"})


def window(doc: Doc, sent: SpacySpan) -> SpacySpan:
    """The trigger's sentence and the one after it, where notes give the victims and the toll."""
    end = sent.end
    if end < len(doc):
        end = doc[end].sent.end
    return doc[sent.start:end]


def features(doc: Doc, sent: SpacySpan, trigger_lemma: str, etype: str, rule: AcledCode, mode: str | None,
             modality: str, source_kinds: list[str], target_kinds: list[str], killed: bool) -> list[str]:
    """The bag of features the model reads: words of the window (entities masked), word pairs, the
    trigger, and the rules' structured reading of the event."""
    words: list[str] = []
    for tok in window(doc, sent):
        if tok.is_punct or tok.is_space:
            continue
        if tok.ent_type_ in MASKED_ENTS:
            if tok.ent_iob_ == "B":
                words.append("E:" + tok.ent_type_)
            continue
        if tok.like_num:
            words.append("NUM")
            continue
        lemma = tok.lemma_.lower()
        if tok.is_stop and lemma not in KEEP_STOP or not lemma.isalpha():
            continue
        words.append(lemma)
    feats = [f"w:{w}" for w in words]
    feats += [f"b:{a}_{b}" for a, b in zip(words, words[1:])]
    feats += [f"t:{trigger_lemma}", f"type:{etype}", f"rule:{label_of(rule)}", f"mode:{mode}",
              f"modality:{modality}", f"killed:{killed}", f"type_rule:{etype}_{label_of(rule)}"]
    feats += [f"src:{k}" for k in sorted(set(source_kinds))] or ["src:none"]
    feats += [f"tgt:{k}" for k in sorted(set(target_kinds))] or ["tgt:none"]
    feats += [f"st:{s}_{t}" for s in sorted(set(source_kinds)) or ["none"] for t in sorted(set(target_kinds)) or ["none"]]
    return feats
