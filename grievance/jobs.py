"""Scheduled jobs of this domain."""

from __future__ import annotations

from endwatch.scheduler import JobSpec

JOBS: list[JobSpec] = []
