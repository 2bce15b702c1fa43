"""Public transparency report and the staff dashboard."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)
