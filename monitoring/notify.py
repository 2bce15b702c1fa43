"""Alert notices by e-mail and signed webhook: each critical alert at once, the rest in a digest.

Notices carry only what the alert itself holds (customer, report, score, reasons): never anything from
a grievance, not even whether a case was opened. Delivery is at least once: an alert is marked notified
only after every configured channel accepted the notice, so a failed channel is retried on the next run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session, joinedload

from endwatch import mail
from endwatch.config import Config
from endwatch.crypto import hmac_sha256
from endwatch.db import utcnow
from monitoring.errors import NotifyError
from monitoring.models import Alert, AlertLevel, AlertStatus, Entry

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Endwatch-Signature"
DIGEST_LIMIT = 500
TIMEOUT = 15.0


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac_sha256(secret.encode("utf-8"), body)


def channels(config: Config) -> list[str]:
    found = []
    if mail.staff_mail_enabled(config):
        found.append("email")
    if config.webhook_url:
        found.append("webhook")
    return found


def alert_notice(alert: Alert) -> dict[str, Any]:
    entry = alert.entry
    return {
        "alert_id": alert.id,
        "customer": alert.customer.name,
        "country": alert.customer.country,
        "level": alert.level.value,
        "score": alert.score,
        "matched": alert.matched,
        "reasons": alert.reasons,
        "snippet": alert.snippet,
        "title": entry.title,
        "link": entry.link,
        "entry_id": entry.public_id,
        "feed": entry.feed.name,
        "created_at": alert.created_at.isoformat(),
    }


def _pending_filter(*, critical: bool) -> tuple[ColumnElement[bool], ...]:
    level = Alert.level == AlertLevel.CRITICAL if critical else Alert.level != AlertLevel.CRITICAL
    return Alert.notified_at.is_(None), Alert.status == AlertStatus.NEW, level


def _pending(session: Session, *, critical: bool) -> list[Alert]:
    query = (
        select(Alert)
        .where(*_pending_filter(critical=critical))
        .options(joinedload(Alert.entry).joinedload(Entry.feed), joinedload(Alert.customer))
        .order_by(Alert.created_at, Alert.id)
    )
    return list(session.scalars(query).unique())


def notify_critical(session: Session, config: Config, *, now: datetime | None = None) -> int:
    """Send one notice per critical alert not yet announced; return how many were sent."""
    now = now or utcnow()
    if not channels(config):
        # Nowhere to send them: every one is done at once, in one statement, without loading it.
        pending = _pending_filter(critical=True)
        done = session.execute(update(Alert).where(*pending).values(notified_at=now))
        return int(done.rowcount)  # type: ignore[attr-defined]
    sent: list[int] = []
    for alert in _pending(session, critical=True):
        notice = alert_notice(alert)
        subject = f"[Endwatch] critical alert: {notice['customer']} named by {notice['feed']}"
        try:
            _deliver(config, subject, _alert_text(notice), {"event": "alert.critical", "alerts": [notice]})
        except NotifyError:
            break  # keep the ones already sent marked; the rest wait for the next run
        sent.append(alert.id)
    for start in range(0, len(sent), 500):
        chunk = sent[start : start + 500]
        session.execute(update(Alert).where(Alert.id.in_(chunk)).values(notified_at=now))
    return len(sent)


def send_digest(session: Session, config: Config, *, now: datetime | None = None, force: bool = False) -> int:
    """Send the waiting non-critical alerts in one notice once the oldest has waited `digest_minutes`."""
    now = now or utcnow()
    alerts = _pending(session, critical=False)
    if not alerts:
        return 0
    if not force and alerts[0].created_at > now - timedelta(minutes=config.digest_minutes):
        return 0
    shown = alerts[:DIGEST_LIMIT]
    notices = [alert_notice(alert) for alert in shown]
    subject = f"[Endwatch] alert digest: {len(alerts)} new alert{'s' if len(alerts) != 1 else ''}"
    lines = [f"{len(alerts)} alerts since the last digest (most urgent first).", ""]
    for notice in sorted(notices, key=lambda n: -n["score"]):
        lines.append(
            f"- [{notice['level']} {notice['score']:.2f}] {notice['customer']} ({notice['country']}): "
            f'"{notice["matched"]}" in {notice["title"]!r}, {notice["feed"]}'
        )
        if notice["link"]:
            lines.append(f"  {notice['link']}")
    if len(alerts) > len(shown):
        lines.append(f"... and {len(alerts) - len(shown)} more: see Alerts in Endwatch.")
    _deliver(config, subject, "\n".join(lines) + "\n", {"event": "alert.digest", "alerts": notices})
    for alert in shown:
        alert.notified_at = now
    session.flush()
    return len(shown)


def _alert_text(notice: dict[str, Any]) -> str:
    lines = [
        f"{notice['customer']} ({notice['country']}) is named in a report.",
        "",
        f"Level:   {notice['level']} (score {notice['score']:.2f})",
        f'Matched: "{notice["matched"]}"',
        f"Report:  {notice['title']}",
        f"Feed:    {notice['feed']}",
        f"Link:    {notice['link'] or '-'}",
        "",
        "Why:",
        *[f"- {reason}" for reason in notice["reasons"]],
        "",
        f"Snippet: {notice['snippet']}",
        "",
        f"Review it in Endwatch: Alerts, alert #{notice['alert_id']}.",
    ]
    return "\n".join(lines) + "\n"


def _deliver(config: Config, subject: str, text: str, payload: dict[str, Any]) -> None:
    failures = []
    for channel in channels(config):
        try:
            if channel == "email":
                send_email(config, subject, text)
            else:
                post_webhook(config, payload)
        except (mail.MailFailed, httpx.HTTPError, NotifyError) as exc:
            log.error("alert notice by %s failed: %s", channel, exc)
            failures.append(f"{channel}: {type(exc).__name__}: {exc}")
    if failures:
        raise NotifyError("; ".join(failures))


def send_email(config: Config, subject: str, text: str, recipients: Sequence[str] = ()) -> None:
    mail.send(mail.to_staff(config, subject, text, recipients))


def post_webhook(config: Config, payload: dict[str, Any]) -> None:
    if not config.webhook_secret:
        raise NotifyError("ENDWATCH_WEBHOOK_SECRET must be set to sign webhook notices")
    body = json.dumps({**payload, "sent_at": utcnow().isoformat()}, ensure_ascii=False).encode("utf-8")
    response = httpx.post(
        config.webhook_url,
        content=body,
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(config.webhook_secret, body),
        },
        timeout=TIMEOUT,
        follow_redirects=False,
        trust_env=False,
    )
    if not 200 <= response.status_code < 300:
        raise NotifyError(f"webhook answered HTTP {response.status_code}")
