"""A learned ACLED sub-type model: weights of a multinomial logistic model, stored as readable JSON in
``kb/data/models/`` and trained by ``tools/train_subtype.py`` on text we wrote ourselves. The features it
reads are built by ``extract/subtype.py``.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..types import AcledCode
from ._files import DATA_DIR

NONE = "NONE"
SUBTYPE_MODEL = DATA_DIR / "models" / "acled_subtype.json"


@dataclass(frozen=True)
class SubtypeModel:
    """Weights of a multinomial logistic model: one row per feature, one column per class."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    # Below this probability the model defers to the rules: trained on text we wrote, it is sure of
    # itself on reports like those and less so on others.
    min_confidence: float = 0.0
    # Below this probability a "no ACLED event" answer defers to the rules' code: the written NONE rows are
    # mostly crime and disaster reports, so the model says NONE too readily for an arrest or a captured base
    # worded unlike them. Defaults to ``min_confidence``.
    none_confidence: float | None = None
    # The bias and the weights as one matrix (bias first) and each feature's row in it, for ``scores``.
    _rows: dict[str, int] = field(init=False, repr=False, compare=False)
    _matrix: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rows", {f: i for i, f in enumerate(self.weights, 1)})
        matrix = np.array([self.bias, *self.weights.values()], dtype=np.float64).reshape(-1, len(self.classes))
        object.__setattr__(self, "_matrix", matrix)

    @classmethod
    def load(cls, path: str | Path) -> "SubtypeModel":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            classes = tuple(data["classes"])
            bias = tuple(float(b) for b in data["bias"])
            weights = {f: tuple(float(x) for x in w) for f, w in data["weights"].items()}
            min_conf = float(data.get("min_confidence", 0.0))
            none_conf = float(data["none_confidence"]) if data.get("none_confidence") is not None else None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"Cannot read the ACLED sub-type model {path}: {exc}. Retrain it with "
                              "`python tools/train_subtype.py` or remove the file to use the rules alone.") from exc
        if len(bias) != len(classes) or any(len(w) != len(classes) for w in weights.values()):
            raise ConfigError(f"The ACLED sub-type model {path} is inconsistent (a row has the wrong number of "
                              "classes). Retrain it with `python tools/train_subtype.py`.")
        return cls(classes, bias, weights, min_conf, none_conf)

    def scores(self, feats: list[str]) -> list[float]:
        """Class probabilities for a bag of features."""
        # the bias, then the row of every known feature, in the order given (rows count from 1: no row is falsy)
        rows = [0, *filter(None, map(self._rows.get, feats))]
        # Reducing over the first axis adds the rows one after the other, as a loop over them would: the
        # same sums to the last bit, about ten times faster than adding the rows in Python.
        z = np.add.reduce(self._matrix.take(rows, axis=0), axis=0).tolist()
        top = max(z)
        e = [math.exp(v - top) for v in z]
        s = sum(e)
        return [v / s for v in e]

    def predict(self, feats: list[str]) -> tuple[str, float]:
        p = self.scores(feats)
        i = max(range(len(p)), key=p.__getitem__)
        return self.classes[i], p[i]

    def refine(self, rule: AcledCode, feats: list[str]) -> AcledCode:
        label, p = self.predict(feats)
        floor = self.none_confidence if label == NONE and self.none_confidence is not None else self.min_confidence
        return code_of(label) if p >= floor else rule


def code_of(label: str) -> AcledCode:
    if label == NONE:
        return AcledCode()
    et, sub = label.split("|", 1)
    return AcledCode(et, sub)


def label_of(code: AcledCode) -> str:
    return f"{code.event_type}|{code.sub_event_type}" if code.event_type else NONE
