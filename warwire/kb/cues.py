"""The event lexicon: trigger cues, mode words, modality frames, quantities, ACLED mapping, time anchors.

All of it lives in ``kb/data/cues/*.yaml``; a user adds cues with files of the same shape.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KnowledgeBaseError
from ..types import EventType
from ._files import DATA_DIR, read_yaml
from .models import SUBTYPE_MODEL, SubtypeModel

ACLED_HINTS = frozenset({"clash", "attack", "abduct", "sexual", "airstrike", "shelling", "explosive", "suicide",
                         "grenade", "chemical", "overtake", "regain", "transfer", "peaceful_protest",
                         "protest_intervention", "excessive_force", "violent_demo", "mob", "arrest", "agreement",
                         "change", "disrupted", "hq", "looting", "other", "none"})


@dataclass(frozen=True, slots=True)
class Cue:
    lemma: str
    pos: str
    type: EventType
    mode: str | None
    acled: str
    contexts: tuple[str, ...]
    requires_dep: str | None = None
    requires: frozenset[str] = frozenset()
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class ModeCue:
    mode: str
    acled: str | None


@dataclass(frozen=True, slots=True)
class Conflict:
    name: str
    start: dt.date
    words: tuple[frozenset[str], ...]


@dataclass
class Lexicon:
    cues: dict[tuple[str, str], list[Cue]] = field(default_factory=dict)
    modes: dict[str, ModeCue] = field(default_factory=dict)          # single lemmas
    mode_phrases: dict[tuple[str, ...], ModeCue] = field(default_factory=dict)
    frames: dict[str, frozenset[str]] = field(default_factory=dict)
    quantities: dict = field(default_factory=dict)
    acled: dict = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()
    negative: frozenset[str] = frozenset()
    relations: dict = field(default_factory=dict)
    subtype: SubtypeModel | None = None  # learned ACLED sub-type; None: the rules of acled.yaml alone

    def frame(self, name: str) -> frozenset[str]:
        return self.frames.get(name, frozenset())

    def lookup(self, lemma: str, pos: str) -> list[Cue]:
        return self.cues.get((lemma, pos), [])

    @classmethod
    def load(cls, extra_files: tuple[str, ...] | list[str] = (), subtype_model: str | None = None) -> "Lexicon":
        """The bundled cues plus ``extra_files``. ``subtype_model``: a model file, ``"none"`` for the rules
        alone, or None for the bundled model when there is one."""
        lex = cls()
        base = DATA_DIR / "cues"
        for path in [base / "triggers.yaml", *[Path(p) for p in extra_files]]:
            lex._add_triggers(path)
        frames = read_yaml(base / "frames.yaml") or {}
        lex.frames = {k: frozenset(str(x).lower() for x in v) for k, v in frames.items()}
        lex.quantities = read_yaml(base / "quantities.yaml") or {}
        lex.acled = read_yaml(base / "acled.yaml") or {}
        lex.relations = read_yaml(base / "relations.yaml") or {}
        lex.conflicts = tuple(
            Conflict(c["name"], _date(c["start"]), tuple(frozenset(str(w).lower() for w in ws) for ws in c["words"]))
            for c in read_yaml(base / "conflicts.yaml") or [])
        if subtype_model != "none":
            path = Path(subtype_model) if subtype_model else SUBTYPE_MODEL
            if subtype_model or path.is_file():
                lex.subtype = SubtypeModel.load(path)
        return lex

    def _add_triggers(self, path: Path) -> None:
        data = read_yaml(path) or {}
        if not isinstance(data, dict):
            raise KnowledgeBaseError(f"{path}: expected a mapping with 'triggers' and 'modes'.")
        for item in data.get("triggers") or []:
            try:
                etype = EventType(item["type"])
            except (KeyError, ValueError):
                raise KnowledgeBaseError(f"{path}: trigger {item.get('lemmas')} has no valid PLOVER type.") from None
            acled = item.get("acled") or "none"
            if acled not in ACLED_HINTS:
                raise KnowledgeBaseError(f"{path}: unknown ACLED hint {acled!r}; use one of {sorted(ACLED_HINTS)}.")
            req = item.get("requires") or {}
            for lemma in item.get("lemmas") or []:
                for pos in item.get("pos") or ["VERB"]:
                    cue = Cue(str(lemma).lower(), pos, etype, item.get("mode"), acled,
                              tuple(item.get("contexts") or ()), req.get("dep"),
                              frozenset(str(x).lower() for x in req.get("lemmas") or ()),
                              float(item.get("weight", 1.0)))
                    self.cues.setdefault((cue.lemma, pos), []).append(cue)
        for item in data.get("modes") or []:
            mc = ModeCue(item["mode"], item.get("acled"))
            for w in item.get("words") or []:
                words = tuple(str(w).lower().split())
                if len(words) == 1:
                    self.modes.setdefault(words[0], mc)
                else:
                    self.mode_phrases.setdefault(words, mc)
        self.negative = self.negative | frozenset(str(x).lower() for x in data.get("negative_lemmas") or ())
        # cues with a required dependent are tried first
        for key, cues in self.cues.items():
            cues.sort(key=lambda c: c.requires_dep is None)


def _date(v) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))
