"""Reading the bundled and user data files."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import KnowledgeBaseError

DATA_DIR = Path(__file__).resolve().parent / "data"


# libyaml's loader when PyYAML was built with it (the wheels are): ten times faster on the big files.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """YAML 1.2 booleans: only true and false. Under YAML 1.1's rules a word list holding the preposition
    "on" (or "no", "yes", "off") would hold a boolean instead of the word."""


_BOOL = "tag:yaml.org,2002:bool"
_Loader.yaml_implicit_resolvers = {first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
                                   for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def read_yaml(path: Path):
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)
    except FileNotFoundError:
        raise KnowledgeBaseError(f"Data file {path} does not exist. Check the path you passed.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"Cannot read data file {path}: {exc}. Fix its YAML syntax.") from exc
