"""Every document of feedparser's own test corpus that plain feedparser reads is read here too."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import feedparser
import pytest

from monitoring.parse import FeedError, FeedRejected, parse_feed

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "feedparser-corpus"


def _documents() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("README.md", "LICENSE"))


def _plain_reads(body: bytes) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = feedparser.parse(io.BytesIO(body))
    return bool(parsed.entries) or bool(parsed.feed.get("title"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/data/feedparser-corpus is missing")
def test_every_document_plain_feedparser_reads_is_read_and_none_raises_an_internal_error():
    documents = _documents()
    assert len(documents) > 2000
    lost, refused, read = [], [], 0
    for path in documents:
        body = path.read_bytes()
        try:
            parse_feed(body, {}, "https://feeds.example/feed")
            read += 1
        except FeedRejected:
            refused.append(body)
            continue
        except FeedError:
            if _plain_reads(body):
                lost.append(path.relative_to(CORPUS).as_posix())
    assert lost == []
    # The only refusals are documents declaring entities: the guard's promise, not a loss.
    assert all(b"ENTITY" in body.upper() for body in refused)
    assert read >= 1563
