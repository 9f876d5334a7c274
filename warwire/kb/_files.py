"""Reading the bundled and user data files."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import KnowledgeBaseError

DATA_DIR = Path(__file__).resolve().parent / "data"


# libyaml's loader when PyYAML was built with it (the wheels are): ten times faster on the big files.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path):
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)
    except FileNotFoundError:
        raise KnowledgeBaseError(f"Data file {path} does not exist. Check the path you passed.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"Cannot read data file {path}: {exc}. Fix its YAML syntax.") from exc
