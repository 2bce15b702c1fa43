"""Staff account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from endwatch.accounts import MIN_PASSWORD_LENGTH
from endwatch.models import Role


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    code = StringField("Authenticator code", validators=[Length(max=12)])


class PasswordForm(FlaskForm):
    current = PasswordField("Current (one-time) password", validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(
        f"New password (at least {MIN_PASSWORD_LENGTH} characters)",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
    )
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("new", "The passwords differ")]
    )


class TotpForm(FlaskForm):
    code = StringField("Code shown by your authenticator app", validators=[DataRequired(), Length(max=12)])


class UserForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice(r.value, r.value) for r in Role])


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""
