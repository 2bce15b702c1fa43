"""When to poll a feed next: exponential back-off on failures, capped so that no feed is ever abandoned."""

from __future__ import annotations

import math
import random

MAX_DELAY = 24 * 3600.0
JITTER = 0.1


def next_poll_delay(
    consecutive_failures: int,
    base_interval: float,
    retry_after: float | None = None,
    *,
    max_delay: float = MAX_DELAY,
    jitter: bool = True,
) -> float:
    """Seconds until the next poll: the base interval doubled per consecutive failure, capped at `max_delay`.

    A server's Retry-After is honoured when it asks for longer, but also capped, so a hostile or broken
    server cannot push a feed out of the schedule for good. Jitter only shortens the delay (by up to 10 %),
    which spreads polls without ever polling sooner than Retry-After asked.
    """
    if not (math.isfinite(base_interval) and base_interval > 0):
        raise ValueError(f"base_interval must be a positive number of seconds, not {base_interval!r}")
    cap = max(max_delay, base_interval)
    exponent = min(max(consecutive_failures, 0), 64)
    delay = min(base_interval * 2.0**exponent, cap)
    if jitter:
        delay *= 1.0 - random.uniform(0.0, JITTER)  # noqa: S311 - spreading load, not security
    if retry_after is not None and not math.isnan(retry_after):
        delay = max(delay, min(max(retry_after, 0.0), cap))
    return delay
