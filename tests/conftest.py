"""Shared fixtures. Tests that need the real spaCy pipeline take ``extractor`` (loaded once per session)
and are marked ``slow``; the rest build their inputs by hand."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def extractor():
    from warwire.pipeline import Extractor

    return Extractor()
