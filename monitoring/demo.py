"""Demo data of this domain for `endwatch init --demo`: the shipped sample feeds, ingested without network."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from endwatch.config import Config
from monitoring import services
from monitoring.ingest import build_matcher, ingest_feed
from monitoring.models import Alert
from monitoring.parse import parse_feed
from monitoring.samples import SAMPLE_FEEDS, read_sample


def load_demo(session: Session, config: Config) -> list[str]:
    """Add the sample feeds (not polled: their hosts are fictional) and ingest the shipped files."""
    matcher = build_matcher(session)
    entries = 0
    for sample in SAMPLE_FEEDS:
        feed = services.find_feed(session, sample.url)
        if feed is None:
            feed = services.add_feed(
                session, sample.url, sample.name, sample.credibility, actor="demo", active=False
            )
        parsed = parse_feed(read_sample(sample.filename), {"content-type": sample.content_type}, sample.url)
        entries += ingest_feed(session, feed, parsed, matcher).entries
    alerts = session.scalar(select(func.count()).select_from(Alert)) or 0
    return [
        f"Monitoring: {len(SAMPLE_FEEDS)} sample feeds, {entries} entries stored, {alerts} alerts raised."
    ]
