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

from spacy.tokens import Doc, Span as SpacySpan, Token

from ..kb.models import label_of
from ..types import AcledCode
from .docfacts import facts

# Named things are replaced by their entity label so the model learns "a GPE" rather than one town.
MASKED_ENTS = frozenset({"GPE", "LOC", "FAC", "PERSON", "ORG", "NORP", "DATE", "TIME", "CARDINAL",
                         "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "EVENT", "PRODUCT", "WORK_OF_ART",
                         "LAW", "LANGUAGE"})
KEEP_STOP = frozenset({"no", "not", "without", "after", "during", "between", "against", "by", "with"})


def features(doc: Doc, sent: SpacySpan, trigger_lemma: str, etype: str, rule: AcledCode, mode: str | None,
             modality: str, source_kinds: list[str], target_kinds: list[str], killed: bool) -> list[str]:
    """The bag of features the model reads: words of the window (entities masked), word pairs, the
    trigger, and the rules' structured reading of the event."""
    end = facts(doc).end_after(sent.end, 1)  # the sentence and the next, where notes give victims and toll
    words = [w for w in _token_words(doc)[sent.start:end] if w is not None]
    feats = [f"w:{w}" for w in words]
    feats += [f"b:{a}_{b}" for a, b in zip(words, words[1:])]
    feats += [f"t:{trigger_lemma}", f"type:{etype}", f"rule:{label_of(rule)}", f"mode:{mode}",
              f"modality:{modality}", f"killed:{killed}", f"type_rule:{etype}_{label_of(rule)}"]
    feats += [f"src:{k}" for k in sorted(set(source_kinds))] or ["src:none"]
    feats += [f"tgt:{k}" for k in sorted(set(target_kinds))] or ["tgt:none"]
    feats += [f"st:{s}_{t}" for s in sorted(set(source_kinds)) or ["none"] for t in sorted(set(target_kinds)) or ["none"]]
    return feats


def _token_words(doc: Doc) -> list[str | None]:
    """The word each token gives the bag (None: nothing), read once per Doc: windows overlap, and a
    document has a dozen events or more."""
    memo = facts(doc).memo
    found = memo.get("subtype_words")
    if found is None:
        lemmas = facts(doc).lemma
        found = memo["subtype_words"] = [_word(tok, lemmas[tok.i]) for tok in doc]
    return found


def _word(tok: Token, lemma: str) -> str | None:
    """A token as the model reads it: an entity's label on its first token, NUM, or its lower-cased
    lemma; nothing for punctuation, the rest of an entity and stop words."""
    if tok.is_punct or tok.is_space:
        return None
    if tok.ent_type_ in MASKED_ENTS:
        return "E:" + tok.ent_type_ if tok.ent_iob_ == "B" else None
    if tok.like_num:
        return "NUM"
    if tok.is_stop and lemma not in KEEP_STOP or not lemma.isalpha():
        return None
    return lemma
