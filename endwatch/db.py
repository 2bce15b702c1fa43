"""Declarative base, engine and the one-session-per-unit-of-work plumbing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g, got_request_exception, has_request_context, request
from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

WRITE_NOW = "endwatch_write_now"
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        _create_private(url)
        engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30}, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    # No pre-ping (a round trip per checkout on hot paths); a dropped connection is invalidated on error.
    return create_engine(url, pool_recycle=1800, pool_size=5, max_overflow=5, **kwargs)


def _create_private(url: str) -> None:
    """Create a SQLite database file readable by the owner only; SQLite gives its -wal and -shm files the
    same mode."""
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    if not url.startswith("sqlite:///") or path in {"", ":memory:"} or os.path.exists(path):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # created by a concurrent process
    except FileNotFoundError:
        pass  # no such folder: SQLite itself gives the clear error on connecting


def _sqlite_pragmas(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; take over BEGIN ourselves (SQLAlchemy docs).
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A unit that will write takes the write lock at BEGIN (waiting up to busy_timeout): upgrading a
        # read snapshot later fails at once with SQLITE_BUSY when another writer committed meanwhile.
        # Every request that may write (any method but GET, HEAD, OPTIONS) is such a unit; a GET that
        # writes asks with begin_write().
        immediate = connection.get_execution_options().get(WRITE_NOW) or _request_may_write()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _request_may_write() -> bool:
    return has_request_context() and request.method not in READ_ONLY_METHODS


class Database:
    """The engine and session factory of one app; tests bind the factory to one connection."""

    def __init__(self, engine: Engine, bind: Connection | None = None) -> None:
        self.engine = engine
        self.bind = bind
        if bind is None:
            self.factory = sessionmaker(bind=engine, expire_on_commit=False)
        else:
            self.factory = sessionmaker(
                bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )


@contextmanager
def read_connection() -> Iterator[Connection]:
    """A bare connection for a hot read-only path, without the ORM session; rolled back on return."""
    database = get_database()
    if database.bind is not None:
        yield database.bind
        return
    with database.engine.connect() as connection:
        yield connection


def init_app(app: Flask, url: str, bind: Connection | None = None) -> Database:
    engine = bind.engine if bind is not None else make_engine(url)
    database = Database(engine, bind)
    app.extensions["endwatch.db"] = database
    app.teardown_appcontext(_close_session)
    app.after_request(_finish_request)
    got_request_exception.connect(_failed_request, app)
    return database


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["endwatch.db"]


def session() -> Session:
    """The session of the current request, job or command."""
    if "db_session" not in g:
        g.db_session = get_database().factory()
    return g.db_session


def keep_on_error() -> None:
    """Commit this request's work even though it answers with an error status (failed-login audit)."""
    g.db_keep_on_error = True


def rollback_request() -> None:
    """Undo this request's work now; nothing more of it is committed (a refused action, an error)."""
    g.db_rolled_back = True
    current: Session | None = g.get("db_session")
    if current is not None:
        current.rollback()


def end_read(current: Session | None = None) -> None:
    """End the current transaction before slow work (cleaning uploads), committing what it did so far
    (reads; a follow-up visit's touch): no snapshot or lock is held while the work runs."""
    current = current or session()
    if current.in_transaction():
        current.commit()


def begin_write(current: Session | None = None) -> None:
    """Start the transaction that writes a submission. On SQLite it begins with BEGIN IMMEDIATE, so staff
    committing meanwhile make it wait (busy_timeout) instead of failing it with "database is locked";
    PostgreSQL needs nothing (read committed). A transaction still open is committed first (end_read)."""
    current = current or session()
    bind = current.get_bind()
    if bind.dialect.name != "sqlite" or isinstance(bind, Connection):
        return
    end_read(current)
    current.connection(execution_options={WRITE_NOW: True})


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One commit for a command or job; rolled back on any exception."""
    current = session()
    try:
        yield current
        current.commit()
    except BaseException:
        current.rollback()
        raise


def _finish_request(response: Any) -> Any:
    """The one commit of a request: only when the view returned normally with a success or redirect.

    A refusal or an abort raised by the view has rolled the work back already (endwatch.handlers), and
    an error status never commits, unless the view asked with keep_on_error().
    """
    current: Session | None = g.get("db_session")
    if current is None:
        return response
    error = response.status_code >= 400 and not g.get("db_keep_on_error")
    if g.get("db_rolled_back") or error:
        current.rollback()
    else:
        current.commit()
    return response


def _failed_request(sender: Flask, exception: BaseException, **_: Any) -> None:
    """An exception no handler answered (a 500): nothing of the request is committed."""
    rollback_request()


def _close_session(_exc: BaseException | None) -> None:
    current: Session | None = g.pop("db_session", None)
    if current is not None:
        current.rollback()
        current.close()
