"""Public intake and staff triage routes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

public_bp = Blueprint("public", __name__)
triage_bp = Blueprint("triage", __name__, url_prefix="/staff/cases")


@public_bp.route("/")
def index() -> Any:
    return render_template("grievance/index.html")
