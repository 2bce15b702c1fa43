"""Attachments: cleaned (grievance.cleaning), encrypted, written atomically.

A file is written before its row is committed; the session forgets it on commit and deletes it on
rollback, and `sweep_orphans` removes whatever a killed process left behind.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from endwatch import case_crypto, timeutil
from endwatch.config import Config
from grievance import cleaning
from grievance.models import Attachment

MAX_FILES = 10
PENDING = "endwatch.pending_files"
TMP_PREFIX = ".tmp-"
# Checking and cleaning live in grievance.cleaning; these names stay here for the callers that store.
CleanFile = cleaning.CleanFile
clean = cleaning.clean
sniff = cleaning.sniff


def folder(config: Config) -> Path:
    path = config.data_path / "attachments"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


# -- storing -----------------------------------------------------------------------------------------


def store(session: Session, config: Config, data_key: bytes, reference: str, data: bytes) -> str:
    """Encrypt and write one file atomically; it is deleted again if the session rolls back."""
    target_dir = folder(config)
    stored_name = secrets.token_hex(16)
    blob = case_crypto.encrypt_file(data_key, reference, stored_name, data)
    temporary = target_dir / f"{TMP_PREFIX}{stored_name}"
    final = target_dir / stored_name
    session.info.setdefault(PENDING, []).append(final)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    timeutil.round_file_times(final, target_dir)
    _fsync_dir(target_dir)
    return stored_name


def load(config: Config, data_key: bytes, reference: str, stored_name: str) -> bytes:
    blob = (folder(config) / stored_name).read_bytes()
    return case_crypto.decrypt_file(data_key, reference, stored_name, blob)


def delete_file(config: Config, stored_name: str) -> None:
    (folder(config) / stored_name).unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def track_written_files(factory: sessionmaker[Session]) -> None:
    """Sessions of `factory` forget the files they wrote when they commit, and delete them on rollback."""
    event.listen(factory, "after_commit", _forget_written)
    event.listen(factory, "after_soft_rollback", _remove_written)


def _forget_written(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the outermost transaction has not committed yet
    session.info.pop(PENDING, None)


def _remove_written(session: Session, previous_transaction: Any) -> None:
    # Only the session's outermost transaction decides whether the rows, and so their files, exist.
    if previous_transaction.parent is not None:
        return
    for path in session.info.pop(PENDING, []):
        Path(path).unlink(missing_ok=True)


def sweep_orphans(session: Session, config: Config, grace: timedelta = timedelta(minutes=15)) -> int:
    """Delete files no row refers to, older than `grace` (younger ones may belong to a request in flight)."""
    target_dir = folder(config)
    cutoff = datetime.now(UTC) - grace - (timedelta(hours=1) if grace else grace)  # times are hour-rounded
    known = set(session.scalars(select(Attachment.stored_name)))
    removed = 0
    for path in target_dir.iterdir():
        if path.name in known or not path.is_file():
            continue
        if datetime.fromtimestamp(path.stat().st_mtime, UTC) > cutoff:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed
