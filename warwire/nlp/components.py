"""warwire's own pipeline components, all registered here (one module, so no import cycles)."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

PARAGRAPHS = "warwire_paragraphs_v1"


@Language.component(PARAGRAPHS)
def paragraphs(doc: Doc) -> Doc:
    """A blank line ends a sentence: a headline or a dateline without a full stop must not run into the
    lead. Runs before the parser, which keeps the boundaries it is given."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text) or \
                ("\n" in prev.whitespace_ and not prev.is_punct and tok.is_title and prev.is_title):
            tok.is_sent_start = True
    return doc
