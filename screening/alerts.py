"""A new listing of a deployed customer or of its supplier becomes a critical monitoring alert.

The listing is stored as an entry of the list's own (never polled) source in monitoring, so the alert is
listed, exported, escalated and notified exactly like an alert from a feed.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitoring.models import Alert, AlertLevel, Entry, Feed, Story
from screening.models import ScreeningHit, ScreeningList

LIST_CREDIBILITY = 1.0


def _source(session: Session, lst: ScreeningList) -> Feed:
    url = f"endwatch-list:{lst.id}"
    feed = session.scalars(select(Feed).where(Feed.url == url)).first()
    if feed is None:
        feed = Feed(
            name=f"Restricted-party list: {lst.name}"[:200],
            url=url,
            credibility=LIST_CREDIBILITY,
            active=False,
            title=lst.name[:500],
        )
        session.add(feed)
        session.flush()
    return feed


def raise_for_hit(session: Session, hit: ScreeningHit, why: str, *, new_listing: bool = True) -> Alert:
    """One critical alert per customer and listing version: for a new listing of an exposed customer, or
    (`new_listing=False`) for a listed customer that has come to be exposed since its hit was found."""
    lst = hit.screening_list or session.get(ScreeningList, hit.list_id)
    assert lst is not None
    feed = _source(session, lst)
    key = hashlib.sha256(f"screening|{lst.id}|{hit.entity_id}|{hit.fingerprint}".encode()).hexdigest()
    title = f"{hit.entity_name} is listed on {lst.name}"
    story = session.scalars(select(Story).where(Story.key == key)).first()
    if story is None:
        story = Story(key=key, title=title)
        session.add(story)
        session.flush()
    entry = session.scalars(select(Entry).where(Entry.key_hash == key)).first()
    if entry is None:
        link = ""
        if hit.entity is not None:
            link = str(hit.entity.data.get("url", ""))
        entry = Entry(
            key_hash=key,
            guid=f"{lst.name}:{hit.entity_id}",
            link=link or None,
            title=title,
            text="\n".join(hit.reasons),
            feed_id=feed.id,
            story_id=story.id,
        )
        session.add(entry)
        session.flush()
    alert = session.scalars(
        select(Alert).where(Alert.customer_id == hit.customer_id, Alert.story_id == story.id)
    ).first()
    if alert is None:
        alert = Alert(
            customer_id=hit.customer_id,
            story_id=story.id,
            entry_id=entry.id,
            score=hit.score,
            level=AlertLevel.CRITICAL,
            matched=hit.matched_name[:500],
            snippet=f"{hit.entity_name} ({lst.name}, entity {hit.entity_id})"[:1000],
        )
        news = (
            f"new listing on {lst.name}"
            if new_listing
            else f"listed on {lst.name} (hit found {hit.first_seen_at:%Y-%m-%d}), now exposed"
        )
        alert.reasons = [news, why, *hit.reasons]
        session.add(alert)
        session.flush()
    hit.alert_id = alert.id
    return alert
