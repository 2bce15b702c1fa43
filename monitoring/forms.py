"""Staff forms for feeds and alert decisions; every one carries a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FloatField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

SUPPRESS_CHOICES = [
    SelectChoice("none", "No rule: only this alert"),
    SelectChoice("phrase", "No more alerts for this customer with this matched text"),
    SelectChoice("feed", "No more alerts for this customer from this feed"),
]


class FeedForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    url = StringField("Feed URL (http or https)", validators=[DataRequired(), Length(max=2000)])
    credibility = FloatField(
        "Credibility, from 0 (rumour) to 1 (established investigative source)",
        default=0.5,
        validators=[InputRequired(message="Give a number from 0 to 1."), NumberRange(0, 1)],
    )


class DecisionForm(FlaskForm):
    """Acknowledge or escalate: an optional note for colleagues."""

    note = TextAreaField("Note (optional, kept with the alert)", validators=[Optional(), Length(max=1000)])


class DismissForm(FlaskForm):
    note = TextAreaField("Why it is a false positive (optional)", validators=[Optional(), Length(max=1000)])
    suppress = SelectField("Suppression rule", choices=SUPPRESS_CHOICES, default="none")
