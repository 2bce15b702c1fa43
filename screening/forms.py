"""Staff forms for screening decisions; every one carries a CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ConfirmForm(FlaskForm):
    note = TextAreaField("Note (optional, kept with the decision)", validators=[Optional(), Length(max=2000)])


class DismissForm(FlaskForm):
    note = TextAreaField(
        "Why it is a false positive (required)",
        validators=[DataRequired(message="Say why the hit is a false positive."), Length(max=2000)],
    )
