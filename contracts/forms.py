"""Staff forms of the contracts domain; every one carries a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length

from contracts.assessment import REVIEW_OUTCOMES
from contracts.models import ActionKind

ACTION_LABELS = {
    ActionKind.DENY_UPDATES: "Deny software updates",
    ActionKind.SUSPEND: "Suspend service",
    ActionKind.TERMINATE: "Terminate",
    ActionKind.REINSTATE: "Reinstate (lift measures in force)",
}


class ImportForm(FlaskForm):
    kind = SelectField(
        "What the file holds",
        choices=[
            SelectChoice(kind, kind.capitalize())
            for kind in ("customers", "products", "contracts", "deployments")
        ],
    )
    file = FileField("CSV file (UTF-8)", validators=[FileRequired()])


class FlagForm(FlaskForm):
    code = SelectField("Red flag", validators=[DataRequired()])
    source_note = TextAreaField("Source (report, date, link)", validators=[DataRequired(), Length(max=4000)])


class ReviewForm(FlaskForm):
    outcome = SelectField("Outcome", choices=[SelectChoice(k, label) for k, label in REVIEW_OUTCOMES.items()])
    notes = TextAreaField("Notes", validators=[Length(max=8000)])


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ProposeForm(FlaskForm):
    kind = SelectField("Action", choices=[SelectChoice(k.value, label) for k, label in ACTION_LABELS.items()])
    reason = TextAreaField("Reason", validators=[DataRequired(), Length(max=8000)])
    picked = CheckboxesField("Evidence on record", choices=[], validate_choice=False)
    evidence = StringField(
        "Other evidence (case references, alert numbers: C-XT5TSF, alert 40)",
        validators=[Length(max=1000)],
    )


class DecisionForm(FlaskForm):
    note = StringField("Note", validators=[Length(max=2000)])
