"""Guard rails: the watcher's figures on the real-world corpus's test split (tests/monitoring/realworld).

The test split is never used to fit or tune anything (scripts/fit_levels refuses it); these minimums
are set a little below what the fitted parameters measured there (scripts/eval_realworld --split test),
so that a change to a weight, a threshold or a term list that breaks the calibration fails here.
Each tuple: mentions precision, mentions recall, warning-level alerts precision, recall.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitoring.evaluation import Group, Report, evaluate, load_entries, load_watchlist
from monitoring.matching import Matcher

CORPUS = Path(__file__).parent / "realworld"
# Languages with 15 or more test entries: (entries, mentions P, mentions R, alerts P, alerts R).
LANGUAGES = {
    "ar": (18, 0.98, 0.78, 0.98, 0.79),
    "bn": (15, 0.98, 0.52, 0.48, 0.31),
    "el": (15, 0.98, 0.79, 0.98, 0.86),
    "en": (25, 0.93, 0.93, 0.98, 0.93),
    "es": (19, 0.98, 0.93, 0.86, 0.92),
    "fr": (15, 0.98, 0.86, 0.98, 0.98),
    "hu": (15, 0.98, 0.57, 0.38, 0.31),
    "id": (17, 0.88, 0.98, 0.79, 0.98),
    "pl": (16, 0.98, 0.74, 0.98, 0.70),
    "pt": (15, 0.98, 0.90, 0.78, 0.86),
    "ru": (15, 0.98, 0.88, 0.83, 0.98),
    "sr": (15, 0.81, 0.98, 0.76, 0.98),
    "tr": (16, 0.98, 0.90, 0.68, 0.75),
    "uk": (16, 0.81, 0.81, 0.70, 0.86),
}
KINDS = {
    "government": (0.89, 0.80, 0.79, 0.79),
    "private": (0.96, 0.96, 0.88, 0.96),
    "soe": (0.98, 0.98, 0.98, 0.98),
}
CRITICAL = (0.68, 0.68)  # critical-level precision, recall over the whole test split
OVERALL = (0.92, 0.86, 0.83, 0.85)


@pytest.fixture(scope="module")
def report() -> Report:
    watchlist = load_watchlist(CORPUS)
    return evaluate(Matcher.build(watchlist), watchlist, load_entries(CORPUS, ["test"]))


def _check(group: Group, minimums: tuple[float, float, float, float]) -> None:
    figures = (group.mentions.precision, group.mentions.recall, group.alerts.precision, group.alerts.recall)
    names = ("mentions precision", "mentions recall", "alerts precision", "alerts recall")
    below = [f"{n} {f:.3f} < {m}" for n, f, m in zip(names, figures, minimums, strict=True) if f < m]
    assert not below, "; ".join(below)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_each_language_keeps_its_mention_and_alert_figures(report, language):
    entries, *minimums = LANGUAGES[language]
    group = report.by_language[language]
    assert group.entries == entries
    _check(group, tuple(minimums))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_customer_kind_keeps_its_figures(report, kind):
    _check(report.by_kind[kind], KINDS[kind])


def test_critical_level_keeps_its_precision_and_recall(report):
    critical = report.overall.critical
    assert critical.precision >= CRITICAL[0] and critical.recall >= CRITICAL[1], (
        critical.precision,
        critical.recall,
    )


def test_the_whole_test_split_keeps_its_figures(report):
    _check(report.overall, OVERALL)
