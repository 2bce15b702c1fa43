"""Every weight and threshold of the watcher, read from one file: monitoring/parameters.json.

The file is written by scripts/fit_levels (logistic regressions fitted on the seen splits of
tests/monitoring/realworld/; the method is in that script's docstring) and only applied here: a model
is a bias plus one weight per named feature, and its probability is the logistic of their sum.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from pathlib import Path

PATH = Path(__file__).parent / "parameters.json"


@dataclass(frozen=True)
class Model:
    """A fitted logistic model: bias, weights per named feature, and the threshold it is used at."""

    bias: float
    weights: dict[str, float]
    threshold: float

    def probability(self, features: dict[str, float] | Iterable[str]) -> float:
        if isinstance(features, dict):
            weight = self.weights.get
            total = self.bias + sum([weight(k, 0.0) * v for k, v in features.items()])
        else:
            total = self.bias + sum(map(self.weights.get, features, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-max(min(total, 50.0), -50.0)))


@dataclass(frozen=True)
class Parameters:
    mention: Model
    warning: Model
    critical: Model
    #: Policy from the labelling guide (not fitted): a source below `warning_credibility` never raises
    #: a warning on its own, and a critical level needs `critical_credibility`.
    warning_credibility: float
    critical_credibility: float
    #: Characters either side of a mention searched for context.
    context_window: int
    near_country: int
    adjacent_country: int


def _model(data: dict) -> Model:
    return Model(
        float(data["bias"]), {k: float(v) for k, v in data["weights"].items()}, float(data["threshold"])
    )


def parameters() -> Parameters:
    """The parameters in force (read once per process from `PATH`)."""
    return read(PATH)


@cache
def read(path: Path) -> Parameters:
    data = json.loads(path.read_text(encoding="utf-8"))
    gates = data["gates"]
    return Parameters(
        mention=_model(data["mention"]),
        warning=_model(data["warning"]),
        critical=_model(data["critical"]),
        warning_credibility=float(gates["warning_credibility"]),
        critical_credibility=float(gates["critical_credibility"]),
        context_window=int(data["windows"]["context"]),
        near_country=int(data["windows"]["near_country"]),
        adjacent_country=int(data["windows"]["adjacent_country"]),
    )
