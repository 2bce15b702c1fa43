"""Hidden data in files of every accepted type, sent over HTTP to a real server, is gone from what is stored,
and nothing a submitter sends touches disk unencrypted while the request is in flight or after it.

A canary (a random marker) is hidden wherever each type keeps identifying data (samples.CANARY_BUILDERS);
the stored files are decrypted as a member would, and every byte, zip member and decompressed PDF stream
is searched for it (canary_scan.hits).
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance import access, attachments, cleaning
from grievance.content import read_attachment, read_content
from grievance.models import Case
from tests import services
from tests.conftest import endwatch_env
from tests.grievance import samples
from tests.grievance.canary_scan import encodings, hits
from tests.grievance.conftest import Visitor, intake_home, receipt_in, serving, table_bytes

pytestmark = [pytest.mark.mat2, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server_kind() -> str:
    return "waitress"


@pytest.fixture
def server(tmp_path, fresh_database_url, server_kind):  # type: ignore[no-untyped-def]
    """A waitress server process (as `endwatch serve` runs it), or gunicorn with the shipped configuration,
    with TMPDIR pointed at a folder we watch."""
    home = tmp_path / "home"
    settings, engine, private_key = intake_home(home, fresh_database_url)
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    port = services.free_port()
    env = endwatch_env(
        home,
        fresh_database_url,
        ENDWATCH_SCHEDULER="off",
        ENDWATCH_INTAKE_LIMIT="1000 per hour",
        TMPDIR=str(tmpdir),
    )
    command = [sys.executable, "-m", "tests.grievance.server_process", str(port)]
    if server_kind == "gunicorn":
        command = [sys.executable, "-m", "gunicorn", "-c", "python:endwatch.gunicorn_conf"]
        command += [
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--access-logfile",
            "/dev/null",
            "endwatch.wsgi:app",
        ]
    try:
        with serving(command, env, tmp_path / "server.log", port) as process:
            yield {
                "base": f"http://127.0.0.1:{port}",
                "settings": settings,
                "engine": engine,
                "private_key": private_key,
                "process": process,
                "tmpdir": tmpdir,
                "home": home,
            }
    finally:
        engine.dispose()


def stored_files(server) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """Every attachment of every case, decrypted with the member's key, by file name."""
    files: dict[str, bytes] = {}
    with Session(server["engine"]) as session:
        for case in session.scalars(select(Case)):
            data_key = access.unlock(session, case, server["private_key"])
            by_id = {a.id: a for a in case.attachments}
            for view in read_content(case, data_key).attachments:
                files[view.filename] = read_attachment(server["settings"], case, data_key, by_id[view.id])
    return files


def test_canaries_of_every_accepted_type_are_gone_from_what_is_stored(server):
    run = "QZX" + secrets.token_hex(4).upper()
    markers = {name: f"{run}{number:02d}" for number, name in enumerate(samples.CANARY_BUILDERS)}
    originals = {name: build(markers[name]) for name, build in samples.CANARY_BUILDERS.items()}
    for name, data in originals.items():
        assert hits(data, markers[name]), f"the sample {name} carries no canary"
    names = list(originals)
    visitor = Visitor(server["base"])
    receipts, pages = [], ""
    for chunk in (names[0:8], names[8:16], names[16:20]):
        response = visitor.submit(files=[(originals[n], n) for n in chunk])
        assert response.status_code == 200, response.text[:2000]
        receipts.append(receipt_in(response))
        pages += response.text
        for name in chunk:  # the receipt page says, per file, what was removed
            assert f"{name}: " in response.text and "was not kept" not in response.text
    assert "letter.pdf: turned into pictures of its pages" in pages
    assert "minutes.docx: authors, comments, tracked changes" in pages
    late = names[20:]
    response = visitor.follow_up(receipts[0], "two more files", files=[(originals[n], n) for n in late])
    assert response.status_code == 302, response.text[:2000]
    page = visitor.http.get("/followup/case").text
    for name in late:
        assert f"{name}: tags (titles, names, dates" in page  # both are recordings
    visitor.close()

    stored = stored_files(server)
    assert set(stored) == set(names)
    for name, data in stored.items():
        kind = cleaning.check(name, data)  # still the type its name says
        assert kind.media_type == cleaning.sniff(originals[name])
        assert len(data) > 0
        assert hits(data, run) == [], f"{name} keeps its canary in {hits(data, run)}"
    blobs = b"".join(p.read_bytes() for p in attachments.folder(server["settings"]).iterdir())
    with Session(server["engine"]) as session:
        dump = table_bytes(session)
    assert not any(form in blobs + dump for form in encodings(run))


# -- nothing in clear on disk ------------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


class FdWatcher(threading.Thread):
    """Reads, again and again, every regular file the server and its children hold open (deleted spool
    files too, through /proc/PID/fd) and records those holding the canary outside mat2's memory folder."""

    def __init__(self, pid: int, marker: str) -> None:
        super().__init__(daemon=True)
        self.pid, self.forms, self.stop = pid, encodings(marker), threading.Event()
        self.leaks: set[str] = set()
        self.allowed: set[str] = set()
        self.rounds = 0

    def run(self) -> None:
        while not self.stop.is_set():
            for pid in _descendants(self.pid):
                try:
                    fds = os.listdir(f"/proc/{pid}/fd")
                except OSError:
                    continue
                for fd in fds:
                    path = f"/proc/{pid}/fd/{fd}"
                    try:
                        target = os.readlink(path)
                        if not target.startswith("/") or target.startswith(("/dev/null", "/proc")):
                            continue
                        with open(path, "rb") as handle:
                            content = handle.read(64 * 1024 * 1024)
                    except OSError:
                        continue
                    if any(form in content for form in self.forms):
                        memory = target.startswith(str(cleaning.SHM / "endwatch-clean-"))
                        (self.allowed if memory else self.leaks).add(target)
            self.rounds += 1


def _files_holding(roots: list[Path], forms: list[bytes], since: float) -> list[str]:
    found = []
    for root in roots:
        for folder, _dirs, names in os.walk(root):
            for name in names:
                path = Path(folder) / name
                try:
                    if (
                        not path.is_file()
                        or path.stat().st_mtime < since
                        or path.stat().st_size > 256 * 1024**2
                    ):
                        continue
                    content = path.read_bytes()
                except OSError:
                    continue
                if any(form in content for form in forms):
                    found.append(str(path))
    return found


@pytest.mark.parametrize("server_kind", ["waitress", "gunicorn"])
def test_large_uploads_never_touch_disk_in_clear(server, server_kind):
    marker = "QZXDISK" + secrets.token_hex(4).upper()
    started = time.time() - 1
    photo = samples.canary_jpeg(marker, size=(1600, 1200), noise=True)
    assert len(photo) > 1024 * 1024  # over Werkzeug's and waitress's spooling thresholds
    text = (f"evidence {marker}\n" * 120_000).encode()
    watcher = FdWatcher(server["process"].pid, marker)
    watcher.start()
    visitor = Visitor(server["base"])
    try:
        response = visitor.submit(files=[(photo, "big.jpg"), (text, "big.txt")])
        assert response.status_code == 200, response.text[:2000]
        receipt = receipt_in(response)
        response = visitor.follow_up(receipt, "and again", files=[(photo, "again.jpg")])
        assert response.status_code == 302
    finally:
        watcher.stop.set()
        watcher.join(timeout=30)
        visitor.close()
    assert watcher.rounds > 0 and watcher.leaks == set(), watcher.leaks
    forms = encodings(marker)
    roots = [server["tmpdir"], Path("/tmp"), Path("/var/tmp"), server["home"], cleaning.SHM]
    assert _files_holding(roots, forms, started) == []
    assert not any(
        p.name.startswith("endwatch-clean-") for p in cleaning.SHM.iterdir() if p.stat().st_mtime > started
    )
    # the attachment files on disk open only with the case key
    stored = stored_files(server)
    assert stored["big.txt"] == text and hits(stored["big.jpg"], marker) == []
