from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import delete, select, update

from endwatch import audit, db
from endwatch.models import AuditHead, AuditRecord
from tests.conftest import build_schema


def _write(session, count: int) -> None:
    for n in range(count):
        audit.record(session, "test.event", actor="tester", target=f"thing:{n}", details={"n": n})
    session.commit()  # the commit also writes the checkpoint outside the database


def test_intact_chain_verifies(cli, session):
    _write(session, 5)
    result = cli("audit", "verify")
    assert result.exit_code == 0
    assert "intact: 5 records" in result.output


def test_edited_record_is_named(cli, session):
    _write(session, 5)
    session.execute(update(AuditRecord).where(AuditRecord.seq == 3).values(actor="someone else"))
    session.flush()
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "record 3" in result.output and "altered" in result.output


def test_deleted_record_is_named(cli, session):
    _write(session, 5)
    session.execute(delete(AuditRecord).where(AuditRecord.seq == 2))
    session.flush()
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "record 2 is missing" in result.output


def _cut_tail(session, keep: int) -> None:
    """What someone with write access to the database does: delete the last records, move the head back."""
    session.execute(delete(AuditRecord).where(AuditRecord.seq > keep))
    tip = session.get(AuditRecord, keep)
    session.execute(update(AuditHead).values(last_seq=keep, last_hash=tip.hash))
    session.flush()


def test_a_cut_tail_with_the_head_moved_back_is_caught_without_the_operator(cli, session, app):
    _write(session, 6)
    old_anchor = cli("audit", "head").output.strip()
    _write(session, 2)
    _cut_tail(session, 6)
    assert audit.verify(session).ok  # the chain alone is consistent again
    for extra in ((), ("--anchor", old_anchor)):
        result = cli("audit", "verify", *extra)
        assert result.exit_code == 1, result.output
        assert "records after 6 were removed" in result.output
        assert "checkpoint outside the database names record 8" in result.output


def test_a_rewritten_tail_differs_from_the_checkpoint(cli, session):
    _write(session, 4)
    record = session.get(AuditRecord, 4)
    record.details = '{"n": 99}'
    record.hash = audit.record_hash(record)
    session.execute(update(AuditHead).values(last_hash=record.hash))
    session.flush()
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "record 4 differs from the checkpoint" in result.output


def test_a_forged_or_missing_checkpoint_is_reported(cli, session, app):
    _write(session, 3)
    path = audit.checkpoint_path(app.config["ENDWATCH"])
    assert path.stat().st_mode & 0o777 == 0o600
    stored = json.loads(path.read_text())
    assert stored["seq"] == 3
    _cut_tail(session, 2)
    # Rewriting the checkpoint to match needs the server's secret key.
    path.write_text(json.dumps({**stored, "seq": 2, "hash": session.get(AuditRecord, 2).hash}))
    result = cli("audit", "verify")
    assert result.exit_code == 1 and "does not carry a valid signature" in result.output
    path.unlink()
    result = cli("audit", "verify")
    assert result.exit_code == 1 and "checkpoint outside the database is missing" in result.output


def test_the_checkpoint_keeps_up_with_requests(client, logged_in, session, app):
    logged_in("admin")
    assert client.get("/staff/audit").status_code == 200
    checkpoint = audit.load_checkpoint(app.config["ENDWATCH"], app.secret_key)
    assert (checkpoint.seq, checkpoint.hash) == audit.head(session)
    last = session.scalars(select(AuditRecord.action).order_by(AuditRecord.seq.desc())).first()
    assert last == "audit.viewed"


def test_deleted_tail_is_detected(cli, session):
    _write(session, 5)
    session.execute(delete(AuditRecord).where(AuditRecord.seq == 5))
    session.flush()
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "after 4 were removed" in result.output


def test_reordered_records_are_detected(cli, session):
    _write(session, 4)
    first, second = session.scalars(
        select(AuditRecord).where(AuditRecord.seq.in_([2, 3])).order_by(AuditRecord.seq)
    )
    a, b = (first.target, first.details), (second.target, second.details)
    session.execute(update(AuditRecord).where(AuditRecord.seq == 2).values(target=b[0], details=b[1]))
    session.execute(update(AuditRecord).where(AuditRecord.seq == 3).values(target=a[0], details=a[1]))
    session.flush()
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "record 2" in result.output


def test_recomputed_hash_does_not_hide_an_edit(cli, session):
    _write(session, 4)
    record = session.get(AuditRecord, 2)
    record.details = '{"n": 99}'
    record.hash = audit.record_hash(record)
    session.flush()
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "record 3" in result.output


@pytest.mark.slow
def test_concurrent_writers_never_fork_the_chain(fresh_database_url):
    engine = db.make_engine(fresh_database_url)
    build_schema(engine)
    database = db.Database(engine)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for n in range(15):
                with database.factory() as session:
                    audit.record(session, "concurrent", actor="worker", details={"n": n})
                    session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.factory() as session:
        report = audit.verify(session)
        seqs = session.scalars(select(AuditRecord.seq).order_by(AuditRecord.seq)).all()
    engine.dispose()
    assert report.ok, report.problem
    assert seqs == list(range(1, 91))


def test_a_rewritten_chain_fails_its_anchor(cli, session, app):
    _write(session, 4)
    anchor = cli("audit", "head").output.strip()
    assert anchor.startswith("4:") and len(anchor) == 2 + 64
    assert cli("audit", "verify", "--anchor", anchor).exit_code == 0
    # Someone with write access rewrites record 3 and every hash after it, consistently.
    record = session.get(AuditRecord, 3)
    record.details = '{"n": 99}'
    record.hash = audit.record_hash(record)
    following = session.get(AuditRecord, 4)
    following.prev_hash = record.hash
    following.hash = audit.record_hash(following)
    session.execute(update(AuditHead).values(last_hash=following.hash))
    session.flush()
    assert cli("audit", "verify").exit_code == 1  # the checkpoint outside the database tells...
    # ...unless they also hold the server's keys folder and write a new checkpoint.
    config = app.config["ENDWATCH"]
    audit.checkpoint_path(config).unlink()
    assert audit.ensure_checkpoint(session, config, app.secret_key)
    assert cli("audit", "verify").exit_code == 0
    result = cli("audit", "verify", "--anchor", anchor)
    assert result.exit_code == 1
    assert "record 4 no longer matches its anchor" in result.output


def test_a_malformed_anchor_is_refused(cli, session):
    _write(session, 1)
    result = cli("audit", "verify", "--anchor", "one:two")
    assert result.exit_code == 1
    assert "SEQ:HASH" in result.output
