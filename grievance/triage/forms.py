"""Staff triage forms. Choices are SelectChoice objects (WTForms 3.3)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from grievance.models import CaseState
from grievance.triage.services import (
    LIKELIHOOD_SCALE,
    MAX_NOTE,
    MAX_REASON,
    OUTCOME_LABELS,
    SEVERITY_SCALE,
    STATE_LABELS,
)

AGE_CHOICES = (
    ("", "Any age"),
    ("7", "Older than 7 days"),
    ("30", "Older than 30 days"),
    ("90", "Older than 90 days"),
    ("365", "Older than a year"),
)
SAFEGUARD_KINDS = (
    ("deny_updates", "Deny software updates"),
    ("suspend", "Suspend service"),
    ("terminate", "Terminate the contract"),
)


def choices(pairs: object) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in pairs]  # type: ignore[attr-defined]


def scale_choices(scale: dict[int, str]) -> list[SelectChoice]:
    return [SelectChoice("", "Not rated")] + [
        SelectChoice(str(k), f"{k}: {v.split(':')[0]}") for k, v in scale.items()
    ]


class QueueFilterForm(FlaskForm):
    """Queue filters, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    state = SelectField(
        "State",
        choices=[SelectChoice("", "Any state")]
        + choices((s.value, label) for s, label in STATE_LABELS.items()),
        validators=[Optional()],
    )
    severity = SelectField(
        "Severity at least",
        choices=[SelectChoice("", "Any severity")] + choices((k, f"{k} or more") for k in SEVERITY_SCALE),
        validators=[Optional()],
    )
    country = StringField("Country (ISO code)", validators=[Optional(), Length(min=2, max=2)])
    item = SelectField("Product", choices=[], validate_choice=False)
    customer = SelectField("Linked customer", choices=[], validate_choice=False)
    assignee = SelectField(
        "Assignee",
        choices=choices((("", "Anyone"), ("me", "Me"), ("none", "Unassigned"))),
        validate_choice=False,
    )
    overdue = BooleanField("Overdue only")
    age = SelectField("Age", choices=choices(AGE_CHOICES), validators=[Optional()])
    order = SelectField(
        "Order",
        choices=choices((("newest", "Newest first"), ("oldest", "Oldest first"))),
        validators=[Optional()],
    )
    after = HiddenField()


class StateForm(FlaskForm):
    state = SelectField(
        "Move to",
        choices=choices((s.value, label) for s, label in STATE_LABELS.items() if s != CaseState.CONCLUDED),
    )


class ConcludeForm(FlaskForm):
    outcome = SelectField(
        "Outcome",
        choices=[SelectChoice("", "Choose an outcome")]
        + choices((o.value, label) for o, label in OUTCOME_LABELS.items()),
        validate_choice=False,
    )
    reason = TextAreaField(
        "Reason (encrypted; the submitter sees the outcome, not this text)",
        validators=[Length(max=MAX_REASON)],
    )


class RateForm(FlaskForm):
    severity = SelectField("Severity", choices=scale_choices(SEVERITY_SCALE))
    likelihood = SelectField("Likelihood", choices=scale_choices(LIKELIHOOD_SCALE))


class MemberForm(FlaskForm):
    """Assign, grant access to or recuse a member; choices are filled in by the view."""

    member = SelectField("Member", choices=[], validate_choice=False)


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Internal note (encrypted; never shown to the submitter)",
        validators=[DataRequired(), Length(max=MAX_NOTE)],
    )


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Reply to the submitter (encrypted; they read it with their receipt)",
        validators=[Length(max=20_000)],
    )
    attachments = MultipleFileField("Files for the submitter (optional; hidden data is removed first)")
    feedback = BooleanField("This reply tells them what was done or is planned (the Directive's feedback)")


class MergeForm(FlaskForm):
    target = StringField(
        "Duplicate of case (reference, e.g. C-4K2P9Q)", validators=[DataRequired(), Length(max=16)]
    )


class LinkForm(FlaskForm):
    """A record picked from the list (value "kind:id") or typed as people know it; choices from the page."""

    picked = SelectField("Pick a customer, deployment or contract", choices=[], validate_choice=False)
    reference = StringField(
        "Or type a reference: deployment (DEP-EG-002), contract, customer name or alert number (alert 40)",
        validators=[Length(max=300)],
    )


class SafeguardForm(FlaskForm):
    deployment_id = SelectField("Deployment", choices=[], validate_choice=False)
    kind = SelectField("Action", choices=choices(SAFEGUARD_KINDS))
    reason = TextAreaField(
        "Reason (stored in clear with the action: do not copy the report's words)",
        validators=[DataRequired(), Length(max=MAX_REASON)],
    )
