"""warwire: turn conflict news into structured, evidenced event data.

    from warwire import Extractor, Article
    result = Extractor().extract(Article(id="a1", text="...", published=date(2024, 2, 2)))
    print(result.to_dict())
"""
from __future__ import annotations

__version__ = "0.1.0"

from .config import Settings, load_settings  # noqa: E402
from .errors import WarwireError  # noqa: E402
from .types import Actor, Article, Event, Place, Relation, Result  # noqa: E402


def __getattr__(name: str):
    # The extractor pulls in spaCy; import it only when asked for.
    if name == "Extractor":
        from .pipeline import Extractor

        return Extractor
    raise AttributeError(name)


__all__ = ["Extractor", "Article", "Result", "Actor", "Place", "Relation", "Event", "Settings", "load_settings",
           "WarwireError", "__version__"]
