"""The watchlist as the matcher needs it: customers read without ORM objects, and the built matcher
kept across runs in ENDWATCH_HOME/data/matcher/, keyed on the watchlist's version.

The version is a hash of every customer's name, aliases, country and kind (as the database holds them,
read as text), of the monitoring code and language data (monitoring/, monitoring/lexicon/) and of the
libraries the matcher is built with: any change builds a new matcher. The kept files are plain data (the
nodes of a pyahocorasick automaton of integers, and a JSON document; never a pickle) and carry an HMAC
made with the server's secret key, checked before anything is loaded: a cache someone else wrote is
rebuilt, not used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick
from sqlalchemy import String, Text, cast, select
from sqlalchemy.orm import Session

from contracts.models import Customer, CustomerKind
from endwatch import crypto
from monitoring import lexicon
from monitoring.matching import Matcher, WatchName

FORMAT = "endwatch-matcher-6"
_CODE = Path(__file__).parent
_LIBRARIES = ("ahocorasick", "opencc", "rigour", "babel", "rapidfuzz", "icu", "Stemmer")
#: A customer as the database holds it: id, name, aliases (JSON text), country, kind.
Row = tuple[int, str, str | None, str, str]
_AUTOMATON, _STATE, _SIGNATURE = "automaton.bin", "state.json", "signature"
_VERSIONS_KEPT = 3  # on disk: the current watchlist's and the few before it (another process may use one)
_kept: dict[str, Matcher] = {}  # this process's matchers by version, the last few


def watch_rows(session: Session, customer_ids: Sequence[int] | None = None) -> list[Row]:
    """Every customer (or those given) as the database holds it: no ORM object, no JSON decoded."""
    query = select(
        Customer.id,
        Customer.name,
        cast(Customer.aliases, Text),
        Customer.country,
        cast(Customer.kind, String),
    ).order_by(Customer.id)
    if customer_ids is not None:
        query = query.where(Customer.id.in_(list(customer_ids)))
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]
    # The whole list is read on every run: straight from the driver's cursor, a third of the time of
    # result rows. The statement has no parameters, so no paramstyle matters.
    if session.autoflush:
        session.flush()  # what a session.execute() would do first: customers added are read too
    connection = session.connection()
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(query.compile(dialect=connection.dialect)))
        return [row if type(row) is tuple else tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def watch_names(session: Session, customer_ids: Sequence[int] | None = None) -> list[WatchName]:
    """Every customer (or those given) as plain rows: no ORM object is made."""
    return _names(watch_rows(session, customer_ids))


def _names(rows: Sequence[Row]) -> list[WatchName]:
    return [
        WatchName(
            number, name, tuple(json.loads(aliases) or ()) if aliases else (), country, CustomerKind(kind)
        )
        for number, name, aliases, country, kind in rows
    ]


@cache
def _code_version() -> bytes:
    """The monitoring code, language data and libraries the matcher is built with."""
    digest = hashlib.sha256(FORMAT.encode() + b"\n" + sys.version.encode())
    for path in sorted([*_CODE.glob("*.py"), *lexicon.FOLDER.glob("*.toml")]):
        digest.update(path.name.encode() + b"\n" + path.read_bytes())
    for library in _LIBRARIES:
        spec = importlib.util.find_spec(library)
        if spec is not None and spec.origin:
            found = os.stat(spec.origin)
            digest.update(f"{library} {spec.origin} {found.st_size} {found.st_mtime_ns}".encode())
    return digest.digest()


def version(rows: Sequence[Row]) -> str:
    """A hash of the watchlist and of the code and data the matcher is built from."""
    digest = hashlib.sha256(_code_version())
    digest.update(repr(list(rows)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def matcher_for(
    session: Session,
    *,
    folder: Path | None = None,
    key: bytes | None = None,
    customer_ids: Sequence[int] | None = None,
) -> Matcher:
    """The matcher for the current watchlist: from this process, from `folder` if its files are
    signed with `key`, or built (and then kept there)."""
    rows = watch_rows(session, customer_ids)
    current = version(rows)
    if current in _kept:
        return _kept[current]
    matcher = None
    if folder is not None and key is not None:
        matcher = _load(folder / current, key)
    if matcher is None:
        matcher = Matcher.build(_names(rows))
        if folder is not None and key is not None:
            _save(matcher, folder / current, key)
    if len(_kept) >= 4:
        _kept.pop(next(iter(_kept)))
    _kept[current] = matcher
    return matcher


def _signature(key: bytes, automaton: bytes, state: bytes) -> str:
    message = (
        FORMAT.encode() + b"\n" + crypto.sha256_hex(automaton).encode() + crypto.sha256_hex(state).encode()
    )
    return crypto.hmac_sha256(key, message)


def _nodes(automaton: ahocorasick.Automaton) -> tuple[bytes, dict[str, Any]] | None:
    """The automaton's nodes as bytes and the numbers needed to rebuild it: what pyahocorasick pickles,
    taken without pickle (and read back ten times faster than its own save/load format)."""
    constructor, args = automaton.__reduce__()[:2]
    if constructor is not ahocorasick.Automaton or len(args) != 7:
        return None
    chunks, kind, store, key_type, words, longest, values = args
    if store != ahocorasick.STORE_INTS or values is not None or not all(isinstance(c, bytes) for c in chunks):
        return None
    numbers = {"kind": kind, "store": store, "key_type": key_type, "words": words, "longest": longest}
    return b"".join(chunks), {"chunks": [len(c) for c in chunks], **numbers}


def _automaton(nodes: bytes, layout: dict[str, Any]) -> ahocorasick.Automaton | None:
    chunks, offset = [], 0
    for size in layout["chunks"]:
        chunks.append(nodes[offset : offset + int(size)])
        offset += int(size)
    if offset != len(nodes):
        return None
    numbers = [int(layout[name]) for name in ("kind", "store", "key_type", "words", "longest")]
    if numbers[1] != ahocorasick.STORE_INTS:
        return None
    return ahocorasick.Automaton(chunks, *numbers, None)


def _save(matcher: Matcher, folder: Path, key: bytes) -> None:
    try:
        automaton, data = matcher.state()
    except ValueError:
        return  # a name with a control character that separates fields: built on every run
    parts = _nodes(automaton)
    if parts is None:
        return  # a pyahocorasick that pickles otherwise: built on every run
    nodes, data["automaton"] = parts
    state = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    try:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    except OSError:
        return  # a cache that cannot be written is only a slower next run
    try:
        (staging / _AUTOMATON).write_bytes(nodes)
        (staging / _STATE).write_bytes(state)
        (staging / _SIGNATURE).write_text(_signature(key, nodes, state))
        os.replace(staging, folder)  # whole or not at all; a concurrent writer's copy is as good
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # the disk is full, or another process kept it first
        return
    _prune(folder.parent, keep=folder.name)


def _prune(parent: Path, *, keep: str) -> None:
    """Remove the kept matchers of older versions (all but the newest few) and abandoned staging folders."""
    try:
        found = [(path.stat().st_mtime, path) for path in parent.iterdir() if path.is_dir()]
    except OSError:
        return
    now = time.time()
    versions = sorted((p for p in found if not p[1].name.startswith(".")), reverse=True)
    old = [path for _, path in versions[_VERSIONS_KEPT:] if path.name != keep]
    old += [path for mtime, path in found if path.name.startswith(".building-") and now - mtime > 3600]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)


def _load(folder: Path, key: bytes) -> Matcher | None:
    try:
        automaton_bytes = (folder / _AUTOMATON).read_bytes()
        state = (folder / _STATE).read_bytes()
        signature = (folder / _SIGNATURE).read_text().strip()
    except OSError:
        return None
    if not crypto.equal(signature, _signature(key, automaton_bytes, state)):
        shutil.rmtree(folder, ignore_errors=True)  # not ours: rebuilt and written again
        return None
    # Only the very bytes that were checked are used (read once, into memory).
    try:
        data = json.loads(state)
        automaton = _automaton(automaton_bytes, data["automaton"])
        return None if automaton is None else Matcher.restore(automaton, data)
    except (KeyError, TypeError, ValueError):
        return None
