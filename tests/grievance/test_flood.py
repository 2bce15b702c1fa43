"""A short scripts/bench_flood against a real server process: behind one address, a flooder's wrong
receipts and junk reports are refused while a legitimate visitor reports and follows up every time."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from endwatch.config import load_config
from grievance import receipts
from grievance.models import Case
from tests import services
from tests.conftest import endwatch_env
from tests.grievance.conftest import intake_home, serving

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def bench() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("bench_flood", str(ROOT / "scripts" / "bench_flood"))
    spec = importlib.util.spec_from_loader("bench_flood", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_flood"] = module  # dataclasses look their module up there
    loader.exec_module(module)
    return module


@pytest.fixture
def server(tmp_path, fresh_database_url):  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    settings, engine, _key = intake_home(home, fresh_database_url)
    port = services.free_port()
    env = endwatch_env(home, fresh_database_url, ENDWATCH_SCHEDULER="off", ENDWATCH_INTAKE_LIMIT="3 per hour")
    command = [sys.executable, "-m", "tests.grievance.server_process", str(port)]
    try:
        with serving(command, env, tmp_path / "server.log", port):
            yield port, load_config(environ=env), engine
    finally:
        engine.dispose()


def test_a_flood_from_the_same_address_does_not_keep_a_visitor_out(server):
    port, settings, engine = server
    out = bench().run_flood(port, 4, wrong_per_second=20, junk_per_second=4, pause=0.2)

    assert out.legit_cycles >= 3 and out.legit_ok == out.legit_cycles, out.legit_failures
    assert max(out.legit_latencies) < 2
    with Session(engine) as session:
        digests = set(session.scalars(select(Case.receipt_digest)))
    assert all(receipts.receipt_keys(settings, r).lookup in digests for r in out.receipts)  # nothing lost

    flood = dict(out.flood)
    assert flood.pop("receipt 401") >= 60  # every wrong receipt refused, none locked anyone out
    # The flooder's own budget, then refusals; no request fails, on SQLite neither.
    assert flood.pop("report 303") == 3
    assert flood.pop("report 429") >= 8
    assert flood == {}
