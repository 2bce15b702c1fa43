"""Measure the watcher on a labelled corpus (tests/monitoring/realworld/ and its README's format).

A predicted mention is a customer returned by `Matcher.scan`; its predicted level is the highest
`score_alert` level over its mentions in the entry; an alert is a warning or critical level. Figures are
counted over (entry, customer) pairs. Used by scripts/eval_realworld, scripts/fit_levels and the tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from contracts.models import CustomerKind
from monitoring.matching import Matcher, WatchName
from monitoring.scoring import score_alert
from monitoring.text import html_to_text

ALERT_LEVELS = frozenset({"warning", "critical"})
_RANK = {"info": 0, "warning": 1, "critical": 2}


def load_watchlist(folder: Path) -> list[WatchName]:
    rows = json.loads((folder / "watchlist.json").read_text(encoding="utf-8"))
    return [
        WatchName(
            r["customer_id"], r["name"], tuple(r.get("aliases", ())), r["country"], CustomerKind(r["kind"])
        )
        for r in rows
    ]


def load_entries(folder: Path, splits: Iterable[str] | None = None) -> list[dict]:
    """Every entry of the corpus in `folder` (all `<lang>.json` files), only those of `splits` if given."""
    wanted = set(splits) if splits is not None else None
    entries: list[dict] = []
    for path in sorted(folder.glob("*.json")):
        if path.name == "watchlist.json":
            continue
        for entry in json.loads(path.read_text(encoding="utf-8")):
            if wanted is None or entry.get("split") in wanted:
                entries.append(entry)
    return entries


def entry_text(entry: dict) -> str:
    body = html_to_text(entry["body"]) if entry.get("html") else entry["body"]
    return f"{entry['title']}\n{body}"


def predict(matcher: Matcher, entry: dict) -> dict[int, str]:
    """Customer id -> highest level over its mentions in the entry."""
    text = entry_text(entry)
    best: dict[int, str] = {}
    for mention in matcher.scan(text):
        level = score_alert(mention, text, entry["credibility"]).level
        if _RANK[level] > _RANK.get(best.get(mention.customer_id, ""), -1):
            best[mention.customer_id] = level
    return best


def gold_levels(entry: dict) -> dict[int, str]:
    levels = entry.get("levels")
    if levels:
        return {int(k): v for k, v in levels.items()}
    alerts = set(entry.get("alerts", ()))
    return {cid: "warning" if cid in alerts else "info" for cid in entry["mentions"]}


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[int], gold: set[int]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def row(self) -> str:
        return f"P={self.precision:6.1%} R={self.recall:6.1%} (tp={self.tp} fp={self.fp} fn={self.fn})"


@dataclass
class Group:
    """Figures for one slice of the corpus: mentions, warning-level alerts, critical-level alerts."""

    entries: int = 0
    mentions: Tally = field(default_factory=Tally)
    alerts: Tally = field(default_factory=Tally)
    critical: Tally = field(default_factory=Tally)


@dataclass(frozen=True)
class Outcome:
    entry: dict
    predicted: dict[int, str]
    gold: dict[int, str]


def outcomes(matcher: Matcher, entries: Iterable[dict]) -> Iterator[Outcome]:
    for entry in entries:
        yield Outcome(entry, predict(matcher, entry), gold_levels(entry))


@dataclass
class Report:
    by_language: dict[str, Group] = field(default_factory=dict)
    by_kind: dict[str, Group] = field(default_factory=dict)
    overall: Group = field(default_factory=Group)
    errors: list[tuple[str, str, str, int, str]] = field(default_factory=list)


def evaluate(matcher: Matcher, watchlist: list[WatchName], entries: Iterable[dict]) -> Report:
    """Figures per language, per customer kind (counted over the customers involved) and overall."""
    kinds = {w.customer_id: str(w.kind) for w in watchlist}
    report = Report()
    for outcome in outcomes(matcher, entries):
        entry, predicted, gold = outcome.entry, outcome.predicted, outcome.gold
        language = entry.get("language") or entry["id"].split("-")[1]
        pred_m, gold_m = set(predicted), set(gold)
        pred_a = {c for c, lvl in predicted.items() if lvl in ALERT_LEVELS}
        gold_a = {c for c, lvl in gold.items() if lvl in ALERT_LEVELS}
        pred_c = {c for c, lvl in predicted.items() if lvl == "critical"}
        gold_c = {c for c, lvl in gold.items() if lvl == "critical"}
        for group in (report.overall, report.by_language.setdefault(language, Group())):
            group.entries += 1
            group.mentions.add(pred_m, gold_m)
            group.alerts.add(pred_a, gold_a)
            group.critical.add(pred_c, gold_c)
        for kind in {kinds.get(c, "?") for c in pred_m | gold_m}:
            group = report.by_kind.setdefault(kind, Group())
            group.entries += 1
            for tally, pred, want in (
                (group.mentions, pred_m, gold_m),
                (group.alerts, pred_a, gold_a),
                (group.critical, pred_c, gold_c),
            ):
                tally.add(
                    {c for c in pred if kinds.get(c) == kind}, {c for c in want if kinds.get(c) == kind}
                )
        note = entry.get("note", "")
        for cid in sorted(pred_m - gold_m):
            report.errors.append(("mention", "FP", entry["id"], cid, note))
        for cid in sorted(gold_m - pred_m):
            report.errors.append(("mention", "FN", entry["id"], cid, note))
        for cid in sorted(pred_m & gold_m):
            if predicted[cid] != gold[cid]:
                report.errors.append(("level", f"{gold[cid]}->{predicted[cid]}", entry["id"], cid, note))
    return report
