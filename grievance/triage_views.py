"""Staff triage routes (queue, case handling), registered on ``triage_bp``."""

from __future__ import annotations

from grievance.views import triage_bp

__all__ = ["triage_bp"]
