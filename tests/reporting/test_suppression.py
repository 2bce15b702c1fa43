"""Small-count protection, proved over random case sets (hypothesis).

A reader sees the published report and knows the rules: a "fewer than k" cell holds 1..k-1, a
"withheld" cell holds k or more (any value in a table withheld as a whole), zero is shown as 0, and
the cells of a table add up to its total. The tests check, for every random year:
- no count of reports from 1 to k-1 is published as a number, and no share is computed from a hidden
  count; the company's own decisions (safeguard actions, alerts escalated, reassessments) are published
  exactly, small or not;
- in every sum (a table with its total), each hidden cell has at least one other hidden partner;
- propagating the sums and those bounds (independently of the code under test) never narrows a
  hidden count to a single value.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance.models import CATEGORIES, CaseState, Outcome
from reporting import figures as report
from reporting.figures import CaseFacts, Cell, Figures, PublicReport
from reporting.suppression import FEWER_THAN, PUBLISHED, WITHHELD, Table, protect

YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
AS_OF = datetime(2026, 1, 20, tzinfo=UTC)
COUNTRIES = ["", "FR", "DE", "BR", "US", "NG", "CN", "IN", "AU", "AQ"]


@st.composite
def case_facts(draw: st.DrawFn) -> CaseFacts:
    created = YEAR_START + timedelta(days=draw(st.integers(0, 364)), hours=draw(st.integers(0, 23)))
    state = draw(st.sampled_from(list(CaseState)))
    ack_days = draw(st.one_of(st.none(), st.integers(0, 20)))
    acknowledged = created + timedelta(days=ack_days) if ack_days is not None else None
    if state != CaseState.RECEIVED and acknowledged is None:
        acknowledged = created + timedelta(days=draw(st.integers(0, 20)))
    feedback = concluded = None
    outcome = None
    if acknowledged is not None and draw(st.booleans()):
        feedback = acknowledged + timedelta(days=draw(st.integers(0, 120)))
    if state == CaseState.CONCLUDED:
        concluded = (feedback or acknowledged or created) + timedelta(days=draw(st.integers(0, 30)))
        feedback = feedback or concluded
        outcome = draw(st.one_of(st.none(), st.sampled_from([o.value for o in Outcome])))
    categories = tuple(draw(st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True)))
    return CaseFacts(
        created, state.value, outcome, categories, draw(st.sampled_from(COUNTRIES)),
        acknowledged, feedback, concluded,
    )


small_count = st.integers(0, 12)
years = st.builds(
    lambda cases, alerts, actions, reviews: report.compute(
        2025, AS_OF, cases, alerts_escalated=alerts, actions_by_type=actions, reassessments_done=reviews
    ),
    st.lists(case_facts(), max_size=40),
    small_count,
    st.fixed_dictionaries({kind: small_count for kind in report.ACTION_KEYS}),
    small_count,
)
ks = st.integers(3, 8)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


Member = tuple[int, Cell, bool]  # true value, published cell, in a table withheld as a whole


def relations(figures: Figures, published: PublicReport) -> list[tuple[list[Member], list[Member]]]:
    """Every published sum about reports as (parts, [whole])."""
    result = []
    for true_table in report.report_tables(figures)[0]:
        table = published.tables[true_table.name]
        whole = table.withheld_whole
        parts = [(true_table.cells[key], cell, whole) for key, cell in table.rows]
        result.append((parts, [(figures.received, published.received, False)]))
    return result


def decisions(figures: Figures, published: PublicReport) -> list[tuple[int, Cell]]:
    """The company's own decisions: every one is published as it was counted."""
    actions = published.tables["actions"]
    assert actions.total is not None
    cells = [(figures.actions_by_type[key], cell) for key, cell in actions.rows]
    cells += [(sum(figures.actions_by_type.values()), actions.total)]
    cells += [(figures.alerts_escalated, published.alerts_escalated)]
    return cells + [(figures.reassessments_done, published.reassessments_done)]


def domain(cell: Cell, in_withheld_table: bool, k: int) -> tuple[float, float]:
    if cell.status == PUBLISHED:
        assert cell.count is not None
        return float(cell.count), float(cell.count)
    if in_withheld_table:
        return 0.0, math.inf
    return (1.0, float(k - 1)) if cell.status == FEWER_THAN else (float(k), math.inf)


def every_cell(figures: Figures, published: PublicReport) -> list[tuple[int, Cell]]:
    cells = [(figures.received, published.received)]
    for parts, margins in relations(figures, published):
        cells += [(value, cell) for value, cell, _ in parts + margins]
    return cells


@PROPERTY
@given(years, ks)
def test_no_count_from_1_to_k_minus_1_is_published(figures, k):
    published = report.publish(figures, k)
    for value, cell in every_cell(figures, published):
        if cell.status == PUBLISHED:
            assert cell.count == value
            assert value == 0 or value >= k
        else:
            assert cell.count is None
            assert cell.status in (FEWER_THAN, WITHHELD)
            if cell.status == FEWER_THAN:
                assert 1 <= value < k
    for name, share in published.shares.items():
        if share is not None:
            table = published.tables[name]
            assert table.cell("on_time").status == PUBLISHED and table.cell("late").status == PUBLISHED


@PROPERTY
@given(years, ks)
def test_the_companys_own_decisions_are_published_exactly(figures, k):
    published = report.publish(figures, k)
    for value, cell in decisions(figures, published):
        assert cell == Cell(value, PUBLISHED)


@PROPERTY
@given(years, ks)
def test_the_json_report_shows_no_small_number(figures, k):
    document = report.as_json(report.publish(figures, k), {})
    counts = [document["grievances"], document["timeliness"]]

    def walk(node, key=""):  # type: ignore[no-untyped-def]
        if isinstance(node, dict):
            for child_key, child in node.items():
                yield from walk(child, child_key)
        elif isinstance(node, int) and not isinstance(node, bool) and key not in ("percent",):
            yield node

    for number in walk(counts):
        assert number == 0 or number >= k
    assert document["safeguard_actions"]["by_type"] == figures.actions_by_type
    assert document["safeguard_actions"]["total"] == sum(figures.actions_by_type.values())
    assert document["alerts_escalated"] == figures.alerts_escalated
    assert document["reassessments_done"] == figures.reassessments_done


@PROPERTY
@given(years, ks)
def test_every_hidden_cell_shares_each_of_its_sums_with_another_hidden_cell(figures, k):
    published = report.publish(figures, k)
    for parts, margins in relations(figures, published):
        members = parts + margins
        hidden = [m for m in members if m[1].status != PUBLISHED]
        assert len(hidden) != 1, f"a sum with one unknown gives it away: {members}"


@PROPERTY
@given(years, ks)
def test_sums_and_bounds_never_pin_a_hidden_count(figures, k):
    published = report.publish(figures, k)
    system = relations(figures, published)
    # One variable per distinct published object; the shared total of reports is one variable.
    variables: dict[int, list[float]] = {}
    truth: dict[int, int] = {}
    hidden: dict[int, bool] = {}
    equations = []
    for parts, margins in system:
        ids = []
        for value, cell, whole in parts + margins:
            key = id(cell) if cell is not published.received else 0
            if key not in variables:
                variables[key] = list(domain(cell, whole, k))
                truth[key] = value
                hidden[key] = cell.status != PUBLISHED
            ids.append(key)
        equations.append((ids[:-1], ids[-1]))
    for _ in range(60):
        changed = False
        for parts_ids, whole_id in equations:
            members = [*parts_ids, whole_id]
            signs = {m: 1 for m in parts_ids} | {whole_id: -1}
            for var in members:
                # sum(parts) - whole = 0  =>  sign(var) * var = -(sum of the other signed terms)
                low = high = 0.0
                for other in members:
                    if other == var:
                        continue
                    lo, hi = variables[other]
                    if signs[other] > 0:
                        low, high = low - hi, high - lo
                    else:
                        low, high = low + lo, high + hi
                if signs[var] < 0:
                    low, high = -high, -low
                current = variables[var]
                new = [max(current[0], low), min(current[1], high)]
                if new != current:
                    variables[var], changed = new, True
        if not changed:
            break
    for key, (low, high) in variables.items():
        assert low <= truth[key] <= high
        if hidden[key]:
            assert low < high, f"a hidden count is pinned to {low}"


@PROPERTY
@given(st.lists(st.integers(0, 15), min_size=2, max_size=8), ks)
def test_a_lone_table_never_leaves_one_hidden_cell_in_its_sum(cells, k):
    """The engine on its own, on one table with its total."""
    table = Table("t", {str(i): v for i, v in enumerate(cells)}, "t.total")
    protected = protect([table], {"t.total": sum(cells)}, k)
    hidden = [v for v in [*table.vars, "t.total"] if protected.status[v] != PUBLISHED]
    assert len(hidden) != 1
    for var in hidden:
        if protected.status[var] == FEWER_THAN:
            assert 1 <= protected.values[var] < k
