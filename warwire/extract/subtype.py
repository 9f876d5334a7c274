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

from spacy.attrs import ENT_IOB, ENT_TYPE, IS_PUNCT, IS_SPACE, IS_STOP, LIKE_NUM
from spacy.tokens import Doc, Span as SpacySpan

from ..kb.models import label_of
from ..types import AcledCode
from .docfacts import facts

# Named things are replaced by their entity label so the model learns "a GPE" rather than one town.
MASKED_ENTS = frozenset({"GPE", "LOC", "FAC", "PERSON", "ORG", "NORP", "DATE", "TIME", "CARDINAL",
                         "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "EVENT", "PRODUCT", "WORK_OF_ART",
                         "LAW", "LANGUAGE"})
B = 3  # ENT_IOB of an entity's first token ("B")
KEEP_STOP = frozenset({"no", "not", "without", "after", "during", "between", "against", "by", "with"})


def features(doc: Doc, sent: SpacySpan, trigger_lemma: str, etype: str, rule: AcledCode, mode: str | None,
             modality: str, source_kinds: list[str], target_kinds: list[str], killed: bool) -> list[str]:
    """The bag of features the model reads: words of the window (entities masked), word pairs, the
    trigger, and the rules' structured reading of the event."""
    feats = list(_window_features(doc, sent.start, sent.end))
    feats += [f"t:{trigger_lemma}", f"type:{etype}", f"rule:{label_of(rule)}", f"mode:{mode}",
              f"modality:{modality}", f"killed:{killed}", f"type_rule:{etype}_{label_of(rule)}"]
    feats += [f"src:{k}" for k in sorted(set(source_kinds))] or ["src:none"]
    feats += [f"tgt:{k}" for k in sorted(set(target_kinds))] or ["tgt:none"]
    feats += [f"st:{s}_{t}" for s in sorted(set(source_kinds)) or ["none"] for t in sorted(set(target_kinds)) or ["none"]]
    return feats


def _window_features(doc: Doc, start: int, end: int) -> tuple[str, ...]:
    """The word and word-pair features of the sentence from ``start`` to ``end`` and the next one (where
    notes give victims and toll), built once per sentence: the events of one sentence share them."""
    f = facts(doc)
    key = ("subtype_window", start)
    found = f.memo.get(key)
    if found is None:
        words = [w for w in _token_words(doc)[start:f.end_after(end, 1)] if w is not None]
        found = f.memo[key] = (*[f"w:{w}" for w in words], *[f"b:{a}_{b}" for a, b in zip(words, words[1:])])
    return found


def _token_words(doc: Doc) -> list[str | None]:
    """The word each token gives the bag (None: nothing), read once per Doc: windows overlap, and a
    document has a dozen events or more."""
    f = facts(doc)
    found = f.memo.get("subtype_words")
    if found is None:
        # the token attributes _word reads, from the Doc's arrays: no Token per word
        strings = doc.vocab.strings
        rows = doc.to_array([IS_PUNCT, IS_SPACE, ENT_TYPE, ENT_IOB, LIKE_NUM, IS_STOP]).tolist() if len(doc) else []
        labels = {h: strings[h] for h in {row[2] for row in rows}}
        found = f.memo["subtype_words"] = [_word(punct or space, labels[ent], iob == B, num, stop, lemma)
                                           for (punct, space, ent, iob, num, stop), lemma in zip(rows, f.lemma)]
    return found


def _word(punct: bool, ent_type: str, ent_begins: bool, like_num: bool, is_stop: bool, lemma: str) -> str | None:
    """A token as the model reads it: an entity's label on its first token, NUM, or its lower-cased
    lemma; nothing for punctuation (or space), the rest of an entity and stop words."""
    if punct:
        return None
    if ent_type in MASKED_ENTS:
        return "E:" + ent_type if ent_begins else None
    if like_num:
        return "NUM"
    if is_stop and lemma not in KEEP_STOP or not lemma.isalpha():
        return None
    return lemma
