"""Small-count protection for published tables: primary and complementary suppression.

Every count from 1 to k-1 is published as "fewer than k" (primary suppression). Zero is published as
0: it names nobody, and a table of "fewer than k" where nothing happened would mislead. Because zeros
and the rule itself are public, a reader knows that a "fewer than k" cell holds 1..k-1 and that a
cell withheld for another reason (complementary suppression) holds k or more. Cells are withheld
until, for every hidden cell, the published numbers, the sums that tie a table to its total and those
bounds still leave at least two possible values. Where no cell of a table is left to withhold, the
whole table is withheld, zeros included.

Tables are one-way: cells that sum to a margin, or a lone count with no margin. Several tables may
share one margin (the reports received of the year, broken down by right, region and outcome), so
the check works on all tables at once. For this shape the feasible range of every hidden cell is
computed exactly: given the shared total, the tables are independent, and the sums a table can reach
form an interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

PUBLISHED = "published"
FEWER_THAN = "fewer_than"  # primary: the count is 1..k-1
WITHHELD = "withheld"  # complementary: hidden so that a primary cell cannot be worked out

Range = tuple[float, float]


@dataclass
class Table:
    """Cells (in display order) and the name of the margin they sum to, if any."""

    name: str
    cells: dict[str, int]
    total: str | None = None

    def var(self, key: str) -> str:
        return f"{self.name}.{key}"

    @property
    def vars(self) -> list[str]:
        return [self.var(key) for key in self.cells]


@dataclass
class Protected:
    """What may be published: the status of every cell and margin, and the tables withheld whole."""

    k: int
    values: dict[str, int]
    status: dict[str, str]
    blanked: set[str] = field(default_factory=set)

    def shown(self, var: str) -> int | None:
        """The number to publish, or None when the cell is hidden."""
        return self.values[var] if self.status[var] == PUBLISHED else None


def protect(tables: Iterable[Table], totals: Mapping[str, int], k: int) -> Protected:
    """Decide which cells and margins are published, suppressed as small, or withheld."""
    tables = list(tables)
    values = dict(totals)
    for table in tables:
        values.update({table.var(key): value for key, value in table.cells.items()})
    status = {var: FEWER_THAN if 1 <= value < k else PUBLISHED for var, value in values.items()}
    result = Protected(k, values, status)
    while True:
        ranges = feasible_ranges(tables, result)
        pinned = [var for var in _hidden(result) if _pinned(ranges[var], _domain(var, result, tables))]
        if not any(_complement(var, tables, result) for var in pinned):
            return result


def feasible_ranges(tables: list[Table], protected: Protected) -> dict[str, Range]:
    """The values a reader can still consider for every cell and margin, given what is published."""
    domains = {var: _domain(var, protected, tables) for var in protected.values}
    margins: dict[str, Range] = {}
    for table in tables:
        if table.total is None:
            continue
        low, high = margins.get(table.total, domains[table.total])
        reach_low = sum(domains[v][0] for v in table.vars)
        reach_high = sum(domains[v][1] for v in table.vars)
        margins[table.total] = (max(low, reach_low), min(high, reach_high))
    ranges = dict(domains)
    ranges.update(margins)
    for table in tables:
        if table.total is None:
            continue
        total_low, total_high = margins[table.total]
        for var in table.vars:
            others = [domains[v] for v in table.vars if v != var]
            low, high = domains[var]
            ranges[var] = (
                max(low, total_low - sum(o[1] for o in others)),
                min(high, total_high - sum(o[0] for o in others)),
            )
    return ranges


def _domain(var: str, protected: Protected, tables: list[Table]) -> Range:
    """What the labels alone tell a reader about a value."""
    state = protected.status[var]
    if state == PUBLISHED:
        value = float(protected.values[var])
        return value, value
    if any(var in table.vars for table in tables if table.name in protected.blanked):
        return 0.0, math.inf
    if state == FEWER_THAN:
        return 1.0, float(protected.k - 1)
    return float(protected.k), math.inf


def _hidden(protected: Protected) -> list[str]:
    return [var for var, state in protected.status.items() if state != PUBLISHED]


def _pinned(found: Range, domain: Range) -> bool:
    # A "fewer than 2" label already says 1: that disclosure is the rule's, not the tables'.
    return found[0] == found[1] and domain[0] != domain[1]


def _complement(var: str, tables: list[Table], protected: Protected) -> bool:
    """Hide one more thing so that `var` is no longer pinned; False when nothing is left to hide."""
    holders = [t for t in tables if var in t.vars and t.name not in protected.blanked]
    if not holders:
        # A margin: loosen the table that bounds it most tightly.
        holders = sorted(
            (t for t in tables if t.total == var and t.name not in protected.blanked),
            key=lambda t: _reach_width(t, protected, tables),
        )
    for table in holders:
        candidates = [v for v in table.vars if protected.status[v] == PUBLISHED and protected.values[v] > 0]
        if candidates:
            protected.status[min(candidates, key=lambda v: (protected.values[v], v))] = WITHHELD
            return True
        total = table.total
        if total and protected.status[total] == PUBLISHED and _own_margin(total, tables):
            protected.status[total] = WITHHELD
            return True
        protected.blanked.add(table.name)
        protected.status.update(dict.fromkeys(table.vars, WITHHELD))
        return True
    return False


def _reach_width(table: Table, protected: Protected, tables: list[Table]) -> float:
    domains = [_domain(v, protected, tables) for v in table.vars]
    return sum(d[1] for d in domains) - sum(d[0] for d in domains)


def _own_margin(total: str, tables: list[Table]) -> bool:
    """A margin only one table sums to; shared margins (reports received) are never withheld."""
    return sum(1 for t in tables if t.total == total) == 1
