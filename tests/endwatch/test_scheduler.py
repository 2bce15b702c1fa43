"""Every domain's jobs are registered in one place and each runs in its own unit of work."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import create_engine, select, text

from endwatch import db, scheduler
from endwatch.app import create_app
from tests import services
from tests.conftest import endwatch_env, run_endwatch


def test_every_job_resolves_to_a_function(app):
    specs = scheduler.all_jobs(app)
    assert len({spec.id for spec in specs}) == len(specs)
    for spec in specs:
        assert callable(scheduler.resolve(spec.func)), spec.func
    domains = {spec.id.split(".")[0] for spec in specs}
    assert {"endwatch", "grievance", "monitoring", "contracts"} <= domains


def test_every_job_runs_on_an_empty_platform(app):
    for spec in scheduler.all_jobs(app):
        scheduler.run_in_app(app, spec.func)


def test_a_failing_job_rolls_back_its_work(app, session, monkeypatch):
    from endwatch import audit
    from endwatch.models import AuditRecord

    def broken(job_session, config):
        audit.record(job_session, "job.half_done", actor="scheduler")
        raise RuntimeError("boom")

    monkeypatch.setattr(scheduler, "resolve", lambda path: broken)
    with pytest.raises(RuntimeError):
        scheduler.run_in_app(app, "whatever:broken")
    assert session.scalars(select(AuditRecord).where(AuditRecord.action == "job.half_done")).all() == []


def registered_job_ids(tmp_path, database_url) -> set[str]:
    """The jobs every domain registers with an app, as `serve` and `worker` build theirs."""
    app = create_app({"home": str(tmp_path / "home"), "database_url": database_url}, environ={})
    ids = {spec.id for spec in scheduler.all_jobs(app)}
    db.get_database(app).engine.dispose()
    return ids


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            return httpx.get(url, timeout=2)
        except httpx.HTTPError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


@pytest.mark.slow
def test_serve_answers_and_its_scheduler_stores_the_jobs(tmp_path, fresh_database_url):
    env = endwatch_env(tmp_path / "home", fresh_database_url)
    assert run_endwatch(env, "init").returncode == 0
    port = services.free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "endwatch", "serve", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/staff/login", process).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
        engine = create_engine(fresh_database_url)
        with engine.connect() as connection:
            stored = set(connection.execute(text("SELECT id FROM apscheduler_jobs")).scalars())
        engine.dispose()
        assert stored == registered_job_ids(tmp_path, fresh_database_url)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_worker_runs_the_scheduler_without_a_web_server(tmp_path, fresh_database_url):
    env = endwatch_env(tmp_path / "home", fresh_database_url)
    assert run_endwatch(env, "init").returncode == 0
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "endwatch", "worker"], env=env, stdout=log, stderr=log)
    try:
        engine = create_engine(fresh_database_url)
        expected = registered_job_ids(tmp_path, fresh_database_url)
        deadline = time.monotonic() + 60
        stored: set[str] = set()
        # The worker adds its jobs one by one: wait for the whole set, not the first row.
        while time.monotonic() < deadline and stored != expected:
            assert process.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.5)
            with engine.connect() as connection:
                try:
                    stored = set(connection.execute(text("SELECT id FROM apscheduler_jobs")).scalars())
                except Exception:  # noqa: BLE001 - the job table appears once the worker has started
                    connection.rollback()
        engine.dispose()
        assert stored == expected
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
