"""How the grievance domain plugs into the app: blueprints, jobs, signals and start-up sweeps."""

from __future__ import annotations

from flask import Flask

from endwatch import db, events, scheduler, startup
from grievance import access, attachments, jobs
from grievance import views as public_views
from grievance.triage import escalation
from grievance.triage import views as triage_views


def init_app(app: Flask) -> None:
    app.register_blueprint(public_views.bp)
    app.register_blueprint(triage_views.bp)
    scheduler.add_jobs(app, jobs.JOBS)
    attachments.track_written_files(db.get_database(app).factory)
    events.escalation_requested.connect(escalation.on_escalation_requested)
    events.member_key_replaced.connect(access.reseal_for_new_key)
    events.member_keys_revoked.connect(access.revoke_all)
    startup.add_sweep(app, attachments.sweep_orphans)
