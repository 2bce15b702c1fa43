"""`endwatch feeds ...` and `endwatch alerts ...`: the command-line contract of DESIGN.md."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from monitoring.models import Alert, Entry, Feed
from monitoring.samples import SAMPLE_FEEDS, read_sample
from tests.monitoring.hostile_server import HostileServer, billion_laughs
from tests.monitoring.watch_support import CRACKDOWN, Item, add_customer, rss


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def one_line_error(result) -> str:
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


OPML = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>Watch list</title></head><body>
  <outline text="NGOs">
    <outline type="rss" text="Lantern Rights Lab" xmlUrl="https://lantern.example.org/feed.rss"/>
    <outline type="rss" title="Trade Monitor" xmlUrl="https://monitor.example.net/atom" credibility="0.8"/>
  </outline>
</body></opml>
"""


def test_feeds_add_stores_a_feed_due_at_once(cli, session):
    result = cli("feeds", "add", "https://news.example.org/rss", "--name", "News", "--credibility", "0.7")
    assert result.exit_code == 0, result.output
    feed = session.scalars(select(Feed)).one()
    assert (feed.name, feed.url, feed.credibility, feed.active) == (
        "News",
        "https://news.example.org/rss",
        0.7,
        True,
    )
    assert feed.next_poll_at is None


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["ftp://news.example.org/rss", "--name", "N", "--credibility", "0.5"], "http"),
        (["https://news.example.org/rss", "--name", "N", "--credibility", "1.5"], "between 0 and 1"),
        (["https://news.example.org/rss", "--name", "N", "--credibility", "high"], "number"),
        (["https://news.example.org/rss", "--name", "  ", "--credibility", "0.5"], "name"),
    ],
)
def test_feeds_add_refuses_bad_input_in_one_line(cli, session, args, fragment):
    line = one_line_error(cli("feeds", "add", *args))
    assert fragment in line
    assert count(session, Feed) == 0


def test_feeds_add_refuses_a_duplicate_url(cli, session):
    cli("feeds", "add", "https://news.example.org/rss", "--name", "News", "--credibility", "0.7")
    assert "already exists" in one_line_error(
        cli("feeds", "add", "https://news.example.org/rss", "--name", "Again", "--credibility", "0.7")
    )
    assert count(session, Feed) == 1


def test_feeds_import_reads_opml_and_skips_known_feeds(cli, session, tmp_path):
    path = tmp_path / "feeds.opml"
    path.write_bytes(OPML)
    result = cli("feeds", "import", str(path))
    assert result.exit_code == 0, result.output
    feeds = {f.name: f for f in session.scalars(select(Feed))}
    assert set(feeds) == {"Lantern Rights Lab", "Trade Monitor"}
    assert feeds["Trade Monitor"].credibility == 0.8 and feeds["Lantern Rights Lab"].credibility == 0.5
    again = cli("feeds", "import", str(path))
    assert again.exit_code == 0 and "0 feed(s); 2 already present" in again.output


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"<opml><body><outline", "not a readable OPML"),
        (billion_laughs().replace(b"<rss", b"<opml").replace(b"</rss>", b"</opml>"), "not a readable OPML"),
        (OPML.replace(b"https://monitor.example.net/atom", b"javascript:alert(1)"), "outline"),
        (b"<rss version='2.0'/>", "not an OPML"),
    ],
)
def test_feeds_import_refuses_bad_files_and_adds_nothing(cli, session, tmp_path, content, fragment):
    path = tmp_path / "bad.opml"
    path.write_bytes(content)
    assert fragment in one_line_error(cli("feeds", "import", str(path)))
    assert count(session, Feed) == 0


def test_feeds_import_of_a_missing_file_fails_cleanly(cli, tmp_path):
    assert "cannot read" in one_line_error(cli("feeds", "import", str(tmp_path / "none.opml")))


def test_feeds_ingest_of_a_file_is_idempotent(cli, session, tmp_path):
    add_customer(session, "Corvane Systems", kind="private")
    path = tmp_path / "feed.rss"
    path.write_bytes(rss(CRACKDOWN, Item("Quiet", "nothing", guid="q")))
    first = cli("feeds", "ingest", str(path), "--name", "Lantern", "--credibility", "0.9")
    assert first.exit_code == 0, first.output
    assert "2 new entries" in first.output and "1 new alerts" in first.output
    second = cli("feeds", "ingest", str(path), "--name", "Lantern", "--credibility", "0.9")
    assert second.exit_code == 0 and "0 new entries, 2 already stored, 0 new alerts" in second.output
    assert (count(session, Feed), count(session, Entry), count(session, Alert)) == (1, 2, 1)
    feed = session.scalars(select(Feed)).one()
    assert feed.active is False and feed.url.startswith("file://")


def test_feeds_ingest_reads_every_shipped_sample_in_its_own_encoding(cli, session, tmp_path):
    for sample in SAMPLE_FEEDS:
        path = tmp_path / sample.filename
        path.write_bytes(read_sample(sample.filename))
        result = cli(
            "feeds", "ingest", str(path), "--name", sample.name, "--credibility", str(sample.credibility)
        )
        assert result.exit_code == 0, result.output
    texts = session.scalars(select(Entry.text)).all()
    assert any("é" in t for t in texts) and any("а" in t for t in texts) and any("ال" in t for t in texts)
    assert not any("&amp;" in t or "<p>" in t or "Ã" in t for t in texts)


def test_feeds_ingest_of_a_url_fetches_it(cli, session):
    with HostileServer() as server:
        url = server.add_feed("/n.rss", rss(CRACKDOWN), etag='"e1"')
        result = cli("feeds", "ingest", url, "--name", "Loopback", "--credibility", "0.8")
        assert result.exit_code == 0, result.output
        assert "Loopback: 1 new entries" in result.output
        feed = session.scalars(select(Feed)).one()
        assert feed.active and feed.etag == '"e1"' and feed.last_success_at is not None
        assert "could not fetch" in one_line_error(cli("feeds", "ingest", server.url("/error-500")))
    assert count(session, Feed) == 1


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"not xml at all, just words", "not a usable feed"), (billion_laughs(), "entit")],
)
def test_feeds_ingest_refuses_unusable_files_and_changes_nothing(cli, session, tmp_path, content, fragment):
    path = tmp_path / "bad.rss"
    path.write_bytes(content)
    assert fragment in one_line_error(
        cli("feeds", "ingest", str(path), "--name", "Bad", "--credibility", "0.5")
    )
    assert count(session, Feed) == 0 and count(session, Entry) == 0


def test_feeds_ingest_refuses_missing_files_and_bad_credibility(cli, session, tmp_path):
    assert "cannot read" in one_line_error(cli("feeds", "ingest", str(tmp_path / "missing.rss")))
    path = tmp_path / "ok.rss"
    path.write_bytes(rss(CRACKDOWN))
    assert "between 0 and 1" in one_line_error(cli("feeds", "ingest", str(path), "--credibility", "-1"))
    assert count(session, Feed) == 0


def test_feeds_poll_polls_due_feeds_and_reports_failures(cli, session):
    add_customer(session, "Corvane Systems", kind="private")
    with HostileServer() as server:
        cli(
            "feeds",
            "add",
            server.add_feed("/a.rss", rss(CRACKDOWN)),
            "--name",
            "Good",
            "--credibility",
            "0.9",
        )
        cli("feeds", "add", server.url("/error-500"), "--name", "Broken", "--credibility", "0.9")
        result = cli("feeds", "poll")
    assert result.exit_code == 0, result.output
    assert (
        "Polled 2 feed(s): 1 updated, 0 not modified, 1 failed; 1 new entries, 1 new alerts" in result.output
    )
    assert "Broken: HTTP 500" in result.output
    listing = cli("feeds", "list").output
    assert "failing x1" in listing and "ok" in listing


def test_alerts_export_json_and_csv(cli, session, tmp_path):
    add_customer(session, "Corvane Systems", kind="private")
    path = tmp_path / "feed.rss"
    path.write_bytes(rss(CRACKDOWN))
    cli("feeds", "ingest", str(path), "--name", "Lantern", "--credibility", "0.9")
    rows = json.loads(cli("alerts", "export", "--format", "json").output)
    assert [(r["customer"], r["entry_id"], r["feed"], r["level"]) for r in rows] == [
        ("Corvane Systems", "crackdown-1", "Lantern", "critical")
    ]
    table = list(csv.DictReader(io.StringIO(cli("alerts", "export", "--format", "csv").output)))
    assert table[0]["customer"] == "Corvane Systems" and table[0]["reasons"] == "; ".join(rows[0]["reasons"])
    assert cli("alerts", "export", "--format", "xml").exit_code != 0
    out = tmp_path / "alerts.json"
    assert cli("alerts", "export", "--output", str(out)).exit_code == 0
    assert json.loads(out.read_text()) == rows


def test_importing_customers_rematches_stored_entries(cli, session, tmp_path):
    feed_file = tmp_path / "feed.rss"
    feed_file.write_bytes(rss(CRACKDOWN))
    cli("feeds", "ingest", str(feed_file), "--name", "Lantern", "--credibility", "0.9")
    assert count(session, Alert) == 0
    customers = tmp_path / "customers.csv"
    customers.write_text("name,aliases,country,kind\nCorvane Systems,Corvane,GB,private\n", encoding="utf-8")
    result = cli("customers", "import", str(customers))
    assert result.exit_code == 0, result.output
    rows = json.loads(cli("alerts", "export", "--format", "json").output)
    assert [(r["customer"], r["entry_id"]) for r in rows] == [("Corvane Systems", "crackdown-1")]
