"""Staff routes for customers, deployments and safeguards; the update-entitlement API."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contracts", __name__, url_prefix="/staff/contracts")
api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
