"""Staff routes for feeds and alerts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("monitoring", __name__, url_prefix="/staff/monitoring")
