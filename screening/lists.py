"""Load a list (file or URL) as a new version: what was added, changed and removed, the old data kept.

A load is all or nothing: the parser streams the file and the rows are written as it goes, but any error
(a malformed line, a failed fetch) raises before the caller's single commit, so nothing is changed.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from endwatch.db import utcnow
from monitoring.fetch import FetchLimits, FetchResult
from screening.errors import ScreeningError
from screening.matching import Party, entity_keys
from screening.models import ChangeKind, ListChange, ListEntity, ListFormat, ListVersion, ScreeningList
from screening.parsers import ListedParty, csl, ftm, sdn

BATCH = 5000
SDN_FILES = ("sdn.csv", "alt.csv", "add.csv")
REFRESH_EVERY = timedelta(hours=6)
MAX_BACKOFF = timedelta(days=1)
Fetch = Callable[..., FetchResult]


@dataclass
class LoadReport:
    list_name: str
    version: int
    unchanged: bool = False
    entity_count: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    # Entities to screen again (added or changed) and delisted ones, by primary key.
    screen_pks: list[int] = field(default_factory=list)
    delisted_pks: list[int] = field(default_factory=list)

    def line(self) -> str:
        if self.unchanged:
            return f"{self.list_name}: unchanged (version {self.version}, {self.entity_count} entities)"
        return (
            f"{self.list_name}: version {self.version}, {self.entity_count} entities "
            f"({self.added} added, {self.changed} changed, {self.removed} removed)"
        )


@dataclass(frozen=True)
class Source:
    """The bytes of a list: one file, or OFAC's three."""

    files: tuple[bytes, ...] | None = None
    paths: tuple[Path, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False

    def digest(self) -> str:
        digest = hashlib.sha256()
        if self.files is not None:
            for data in self.files:
                digest.update(hashlib.sha256(data).digest())
        for path in self.paths:
            file_digest = hashlib.sha256()
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    file_digest.update(chunk)
            digest.update(file_digest.digest())
        return digest.hexdigest()

    def streams(self) -> list[IO[bytes]]:
        if self.files is not None:
            return [io.BytesIO(data) for data in self.files]
        return [path.open("rb") for path in self.paths]


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def list_limits(allow_private: bool) -> FetchLimits:
    # Lists are larger than feeds and change less often: more bytes, more time.
    return FetchLimits(
        read_timeout=60.0,
        total_timeout=600.0,
        max_raw_bytes=512 * 1024 * 1024,
        max_decoded_bytes=2048 * 1024 * 1024,
        allow_private_addresses=allow_private,
    )


def local_paths(source: str, fmt: ListFormat) -> tuple[Path, ...]:
    path = Path(source)
    if fmt != ListFormat.SDN:
        if not path.is_file():
            raise ScreeningError(f"cannot read {source}: no such file")
        return (path,)
    folder = path if path.is_dir() else path.parent
    present = {p.name.lower(): p for p in folder.iterdir()} if folder.is_dir() else {}
    missing = [name for name in SDN_FILES if name not in present]
    if missing:
        raise ScreeningError(
            f"the sdn format needs {', '.join(SDN_FILES)} in {folder}: {', '.join(missing)} missing"
        )
    return tuple(present[name] for name in SDN_FILES)


def sibling_urls(url: str) -> tuple[str, ...]:
    """OFAC publishes alt.csv and add.csv beside sdn.csv; keep the case the URL uses."""
    base, _, last = url.rpartition("/")
    upper = last.isupper()
    return tuple(f"{base}/{name.upper() if upper else name}" for name in SDN_FILES)


def read_source(lst: ScreeningList, fetch: Fetch, limits: FetchLimits) -> Source:
    if not lst.is_url:
        return Source(paths=local_paths(lst.source, lst.format))
    urls = sibling_urls(lst.source) if lst.format == ListFormat.SDN else (lst.source,)
    first = fetch(urls[0], etag=lst.etag, last_modified=lst.last_modified, limits=limits)
    if first.error:
        raise ScreeningError(f"cannot fetch {urls[0]}: {first.error}")
    if first.not_modified:
        return Source(not_modified=True, etag=first.etag, last_modified=first.last_modified)
    bodies = [first.body]
    for url in urls[1:]:
        result = fetch(url, limits=limits)
        if result.error:
            raise ScreeningError(f"cannot fetch {url}: {result.error}")
        bodies.append(result.body)
    return Source(files=tuple(bodies), etag=first.etag, last_modified=first.last_modified)


def parse(fmt: ListFormat, streams: list[IO[bytes]], names: list[str]) -> Iterator[ListedParty]:
    if fmt == ListFormat.FTM:
        return ftm.parse(streams[0], names[0])
    if fmt == ListFormat.SDN:
        return sdn.parse(streams[0], streams[1], streams[2], (names[0], names[1], names[2]))
    head = streams[0].read(64)
    streams[0].seek(0)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return csl.parse_json(streams[0], names[0])
    return csl.parse_csv(streams[0], names[0])


def _keys(party: ListedParty) -> str:
    return " ".join(sorted(entity_keys(Party.build(party.names, party.countries, person=party.person))))


def _row(list_id: int, party: ListedParty, fingerprint: str, version: int) -> dict[str, object]:
    return {
        "list_id": list_id,
        "entity_id": party.entity_id[:200],
        "person": party.person,
        "name": party.name[:500],
        "data": party.as_data(),
        "fingerprint": fingerprint,
        "keys": _keys(party),
        "listed_version": version,
        "changed_version": version,
        "delisted_version": None,
        "delisted_at": None,
    }


def load(session: Session, lst: ScreeningList, source: Source) -> LoadReport:
    """Read the list and store what changed as a new version; the same content again changes nothing."""
    digest = source.digest()
    if lst.content_hash == digest:
        return LoadReport(lst.name, lst.version, unchanged=True, entity_count=lst.entity_count)
    number = lst.version + 1
    names = [p.name for p in source.paths] or ([lst.source.rpartition("/")[2]] + list(SDN_FILES[1:]))
    existing = {
        entity_id: (pk, fingerprint, delisted)
        for entity_id, pk, fingerprint, delisted in session.execute(
            select(
                ListEntity.entity_id, ListEntity.id, ListEntity.fingerprint, ListEntity.delisted_version
            ).where(ListEntity.list_id == lst.id)
        )
    }
    report = LoadReport(lst.name, number)
    version = ListVersion(list_id=lst.id, number=number, content_hash=digest)
    session.add(version)
    session.flush()
    seen: set[str] = set()
    inserts: list[dict[str, object]] = []
    updates: list[tuple[int, ListedParty, str, ChangeKind]] = []
    streams = source.streams()
    try:
        for party in parse(lst.format, streams, names):
            if party.entity_id in seen:
                continue  # the same entity twice in one file: the first one counts
            seen.add(party.entity_id)
            fingerprint = party.fingerprint()
            old = existing.get(party.entity_id)
            if old is None:
                inserts.append(_row(lst.id, party, fingerprint, number))
                report.added += 1
                if len(inserts) >= BATCH:
                    session.execute(insert(ListEntity), inserts)
                    inserts.clear()
            elif old[2] is not None:
                updates.append((old[0], party, fingerprint, ChangeKind.ADDED))
                report.added += 1
            elif old[1] != fingerprint:
                updates.append((old[0], party, fingerprint, ChangeKind.CHANGED))
                report.changed += 1
    finally:
        for stream in streams:
            stream.close()
    if inserts:
        session.execute(insert(ListEntity), inserts)
    report.entity_count = len(seen)
    _apply_updates(session, version, updates, number, report)
    removed = [
        pk for entity_id, (pk, _, delisted) in existing.items() if delisted is None and entity_id not in seen
    ]
    _delist(session, version, removed, number, report)
    new_pks = session.scalars(
        select(ListEntity.id).where(ListEntity.list_id == lst.id, ListEntity.listed_version == number)
    ).all()
    if number > 1 and new_pks:
        # The first version is all additions: its count says so without a row each.
        rows = [
            {"version_id": version.id, "entity_pk": pk, "kind": ChangeKind.ADDED, "previous": None}
            for pk in new_pks
        ]
        for start in range(0, len(rows), BATCH):
            session.execute(insert(ListChange), rows[start : start + BATCH])
    report.screen_pks += new_pks
    version.entity_count, version.added = report.entity_count, report.added
    version.changed, version.removed = report.changed, report.removed
    lst.version, lst.content_hash, lst.entity_count = number, digest, report.entity_count
    lst.last_loaded_at = utcnow()
    session.flush()
    return report


def _apply_updates(
    session: Session,
    version: ListVersion,
    updates: list[tuple[int, ListedParty, str, ChangeKind]],
    number: int,
    report: LoadReport,
) -> None:
    for start in range(0, len(updates), BATCH):
        chunk = updates[start : start + BATCH]
        previous: dict[int, dict[str, object]] = dict(
            session.execute(
                select(ListEntity.id, ListEntity.data).where(ListEntity.id.in_([u[0] for u in chunk]))
            ).all()
        )
        changes = []
        for pk, party, fingerprint, kind in chunk:
            session.execute(
                update(ListEntity)
                .where(ListEntity.id == pk)
                .values(
                    person=party.person,
                    name=party.name[:500],
                    data=party.as_data(),
                    fingerprint=fingerprint,
                    keys=_keys(party),
                    changed_version=number,
                    delisted_version=None,
                    delisted_at=None,
                )
            )
            changes.append(
                {"version_id": version.id, "entity_pk": pk, "kind": kind, "previous": previous.get(pk)}
            )
            report.screen_pks.append(pk)
        session.execute(insert(ListChange), changes)


def _delist(session: Session, version: ListVersion, pks: list[int], number: int, report: LoadReport) -> None:
    now = utcnow()
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        previous: dict[int, dict[str, object]] = dict(
            session.execute(select(ListEntity.id, ListEntity.data).where(ListEntity.id.in_(chunk))).all()
        )
        session.execute(
            update(ListEntity)
            .where(ListEntity.id.in_(chunk))
            .values(delisted_version=number, delisted_at=now)
        )
        session.execute(
            insert(ListChange),
            [
                {
                    "version_id": version.id,
                    "entity_pk": pk,
                    "kind": ChangeKind.REMOVED,
                    "previous": previous.get(pk),
                }
                for pk in chunk
            ],
        )
    report.removed = len(pks)
    report.delisted_pks = pks


def record_failure(lst: ScreeningList, error: str) -> None:
    now = utcnow()
    lst.consecutive_failures += 1
    lst.last_error, lst.last_error_at, lst.last_checked_at = error[:500], now, now
    lst.next_check_at = now + min(
        MAX_BACKOFF, REFRESH_EVERY * (2 ** min(lst.consecutive_failures - 1, 4)) / 6
    )


def record_success(lst: ScreeningList, source: Source) -> None:
    now = utcnow()
    lst.consecutive_failures, lst.last_error = 0, None
    lst.last_checked_at, lst.next_check_at = now, now + REFRESH_EVERY
    if source.etag or source.last_modified:
        lst.etag, lst.last_modified = source.etag, source.last_modified


def get_or_create(session: Session, name: str, source: str, fmt: ListFormat) -> ScreeningList:
    name = name.strip()
    if not name:
        raise ScreeningError("give the list a name (--name)")
    lst = session.scalars(select(ScreeningList).where(ScreeningList.name == name)).first()
    if lst is None:
        lst = ScreeningList(name=name[:200], format=fmt, source=source, is_url=is_url(source))
        session.add(lst)
        session.flush()
    elif lst.format != fmt:
        raise ScreeningError(f"list {name!r} is in the {lst.format.value} format, not {fmt.value}")
    elif lst.source != source:
        lst.source, lst.is_url, lst.etag, lst.last_modified = source, is_url(source), None, None
    return lst


def import_list(
    session: Session, name: str, source: str, fmt: ListFormat, fetch: Fetch, limits: FetchLimits
) -> LoadReport:
    """Load a list now (idempotent: the same content again records no new version)."""
    if fmt == ListFormat.YENTE:
        raise ScreeningError("yente lists are not imported: set ENDWATCH_YENTE_URL")
    if not is_url(source):
        source = str(Path(source).resolve())
    lst = get_or_create(session, name, source, fmt)
    return refresh_one(session, lst, fetch, limits)


def refresh_one(session: Session, lst: ScreeningList, fetch: Fetch, limits: FetchLimits) -> LoadReport:
    src = read_source(lst, fetch, limits)
    if src.not_modified:
        record_success(lst, src)
        return LoadReport(lst.name, lst.version, unchanged=True, entity_count=lst.entity_count)
    report = load(session, lst, src)
    record_success(lst, src)
    session.flush()
    return report
