"""Risk tiers from the red-flag checklist, safeguard gaps, reassessment due dates and reminders."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from contracts import assessment, checklist, jobs
from contracts.errors import ContractsError
from contracts.models import Contract, ReviewReminder
from endwatch.config import ConfigError


def rules(app):
    return checklist.load(app.config["ENDWATCH"])


def test_government_end_user_and_capability_flags_come_from_the_records(app, world):
    found = assessment.assess(world.ministry, rules(app))
    assert {f.code: f.derived for f in found.findings} == {
        "government_end_user": True,
        "item_capability": True,
    }
    assert "kind is government" in found.findings[0].source_note
    assert found.tier == "medium"


def test_recorded_red_flags_raise_the_tier_and_keep_their_sources(app, session, world):
    assessment.set_red_flag(
        session, world.ministry, "abuse_record", "UN report A/HRC/00/00, 2023", "t@x", rules(app)
    )
    found = assessment.assess(world.ministry, rules(app))
    assert found.tier == "high"
    assert any(
        f.code == "abuse_record" and f.source_note == "UN report A/HRC/00/00, 2023" for f in found.findings
    )
    with pytest.raises(ContractsError, match="source"):
        assessment.set_red_flag(session, world.kestrel, "judiciary", "  ", "t@x", rules(app))
    with pytest.raises(ContractsError, match="read from the customer"):
        assessment.set_red_flag(session, world.kestrel, "government_end_user", "note", "t@x", rules(app))


def test_checklist_weights_and_thresholds_come_from_the_configured_file(tmp_path, app, world):
    def configured(name: str, content: str):
        path = tmp_path / name
        path.write_text(content)
        return checklist.load(replace(app.config["ENDWATCH"], risk_checklist=str(path)))

    assert (
        assessment.assess(
            world.ministry, configured("strict.json", '{"tiers": {"high": 3, "medium": 1}}')
        ).tier
        == "high"
    )
    with pytest.raises(ConfigError, match="not valid JSON"):
        configured("broken.json", "{not json")
    with pytest.raises(ConfigError, match="unknown key 'colour'"):
        configured("unknown.json", '{"colour": 1}')
    with pytest.raises(ConfigError, match="malformed checklist"):
        configured("malformed.json", '{"tiers": {"high": 3}}')


def test_gaps_list_missing_clauses_for_the_tier_and_never_require_remote_disabling(app, session, world):
    gaps = {g.deployment.ref: g for g in assessment.gap_analysis(session, app.config["ENDWATCH"])}
    assert "DEP-RU" not in gaps  # the full contract covers a medium tier
    assert [c.value for c in gaps["DEP-GB"].missing] == ["right_to_terminate", "grievance_notice"]
    assessment.set_red_flag(session, world.ministry, "abuse_record", "NGO report", "t@x", rules(app))
    assessment.set_red_flag(session, world.ministry, "reexport_risk", "Audit", "t@x", rules(app))
    gaps = {g.deployment.ref: g for g in assessment.gap_analysis(session, app.config["ENDWATCH"])}
    assert "DEP-RU" not in gaps
    assert all("remote_disable" not in g.as_dict()["missing"] for g in gaps.values())


def test_remote_disabling_is_opt_in_and_off_by_default(session, world):
    contract = session.scalars(select(Contract).where(Contract.ref == "C-FULL")).one()
    assert contract.remote_disable is False
    assert "dropped from the final guidance" in checklist.REMOTE_DISABLE_NOTE


def test_gaps_command_prints_json_and_csv(cli, world):
    as_json = json.loads(cli("safeguards", "gaps", "--format", "json").output)
    assert as_json == [
        {
            "deployment": "DEP-GB",
            "customer": "Kestrel Analytics",
            "country": "GB",
            "product": "Sentinel DPI",
            "tier": "low",
            "contract": "C-THIN",
            "missing": ["right_to_terminate", "grievance_notice"],
        }
    ]
    as_csv = cli("safeguards", "gaps", "--format", "csv").output.splitlines()
    assert as_csv == [
        "deployment,customer,country,product,tier,contract,missing",
        "DEP-GB,Kestrel Analytics,GB,Sentinel DPI,low,C-THIN,right_to_terminate;grievance_notice",
    ]
    assert cli("safeguards", "gaps", "--format", "xml").exit_code == 2


def test_reviews_fall_due_by_tier_and_before_licence_renewal(app, session, world):
    config = app.config["ENDWATCH"]
    today = date.today()
    review = assessment.record_review(
        session, world.kestrel, reviewer="t@x", outcome="continue", notes="", config=config, reviewed_on=today
    )
    assert review.tier == "low"
    # Low tier: every 24 months, but the licence ends in a year: review 90 days before renewal.
    assert review.next_due == world.gb.licence_end - timedelta(days=90)
    world.gb.licence_end = today + timedelta(days=3 * 365)
    session.flush()
    assert assessment.next_review(world.kestrel, review, rules(app))[0] == assessment.add_months(today, 24)
    with pytest.raises(ContractsError):
        assessment.record_review(
            session, world.kestrel, reviewer="t", outcome="shrug", notes="", config=config
        )


def test_customers_never_reviewed_are_due_now(app, session, world):
    due = assessment.due_reviews(session, app.config["ENDWATCH"], date.today())
    assert {d.customer.name for d in due} == {"Министерство внутренних дел", "Kestrel Analytics"}
    assert all(d.reason == "no review on record" for d in due)


def test_reminder_job_announces_each_due_review_once(app, session, world):
    config = app.config["ENDWATCH"]
    assert jobs.send_review_reminders(session, config) == 2
    assert jobs.send_review_reminders(session, config) == 0
    assert len(session.scalars(select(ReviewReminder)).all()) == 2
    assessment.record_review(
        session, world.kestrel, reviewer="t", outcome="continue", notes="", config=config
    )
    assert jobs.send_review_reminders(session, config, today=world.gb.licence_end - timedelta(days=95)) == 1


def test_reminder_job_is_registered_and_runs_in_its_own_unit_of_work(app, world, session):
    from endwatch.scheduler import all_jobs, run_in_app

    assert "contracts.jobs:send_review_reminders" in {spec.func for spec in all_jobs(app)}
    session.commit()
    assert run_in_app(app, "contracts.jobs:send_review_reminders") == 2
