"""Public forms: the report, the receipt, follow-up messages. Labels are translated per request."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from babel import Locale
from flask_babel import format_number, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    HiddenField,
    MultipleFileField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Length, ValidationError

from grievance.intake import MAX_TEXT

UNKNOWN = ""

RIGHTS = (
    SelectChoice("privacy", _l("Privacy")),
    SelectChoice("expression", _l("Freedom of expression")),
    SelectChoice("assembly", _l("Freedom of assembly and association")),
    SelectChoice("religion", _l("Freedom of religion or belief")),
    SelectChoice("liberty", _l("Liberty and security, detention")),
    SelectChoice("life", _l("Life and physical integrity")),
    SelectChoice("discrimination", _l("Discrimination")),
    SelectChoice("other", _l("Other")),
)

PERIODS = (
    SelectChoice("unknown", _l("I am not sure")),
    SelectChoice("ongoing", _l("It is still happening")),
    SelectChoice("past_month", _l("In the past month")),
    SelectChoice("past_6_months", _l("In the past six months")),
    SelectChoice("past_year", _l("In the past year")),
    SelectChoice("1_to_3_years", _l("One to three years ago")),
    SelectChoice("over_3_years", _l("More than three years ago")),
)

TOO_LONG = _l("This is too long; please shorten it.")


def _at_most(limit: int) -> Any:
    """Refuse a text over `limit` characters, saying both numbers. (Not wtforms' Length: that renders a
    maxlength attribute, with which browsers silently cut pasted text.)"""

    def check(form: Any, field: Any) -> None:
        length = len(field.data or "")
        if length > limit:
            raise ValidationError(
                str(
                    _l(
                        "This text has %(count)s characters; the limit is %(limit)s. Please shorten it.",
                        count=format_number(length),
                        limit=format_number(limit),
                    )
                )
            )

    return check


def _not_blank(form: Any, field: Any) -> None:
    if not (field.data or "").strip():
        raise ValidationError(str(_l("Please describe what happened.")))


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ReportForm(FlaskForm):
    what = TextAreaField(
        _l("What happened?"),
        description=_l("In your own words. Leave out your own name if you do not want to be identified."),
        validators=[_not_blank, _at_most(MAX_TEXT)],
    )
    product = SelectField(_l("Which of our products was involved?"), choices=[], validate_choice=True)
    country = SelectField(_l("Where did it happen?"), choices=[], validate_choice=True)
    who = TextAreaField(
        _l("Who used it? (optional)"),
        description=_l("For example an agency, a unit, a company or a person, if you know."),
        validators=[_at_most(MAX_TEXT)],
    )
    period = SelectField(_l("When did it happen? (approximately)"), choices=PERIODS, default="unknown")
    rights = CheckboxesField(
        _l("Which rights were harmed? (choose any)"), choices=RIGHTS, validate_choice=True
    )
    attachments = MultipleFileField(_l("Files (optional)"))
    contact = TextAreaField(
        _l("How could we contact you? (optional)"),
        description=_l(
            "Only if you want us to reach you outside this website, for example a Signal number or an "
            "e-mail address you use only for this. It is encrypted like the rest of your report."
        ),
        validators=[_at_most(MAX_TEXT)],
    )
    # One use per rendered form: an old form sent again stores nothing (grievance.handoff).
    form_token = HiddenField(validators=[Length(max=64)])

    def fill_choices(self, products: list[tuple[int, str]]) -> None:
        self.product.choices = [SelectChoice(UNKNOWN, str(_l("I don't know")))] + [
            SelectChoice(str(pid), name) for pid, name in products
        ]
        self.country.choices = [SelectChoice(UNKNOWN, str(_l("I don't know or prefer not to say")))] + [
            SelectChoice(code, name) for code, name in country_choices()
        ]


class ReceiptForm(FlaskForm):
    receipt = StringField(
        _l("Your receipt"),
        validators=[Length(max=400, message=TOO_LONG)],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[_at_most(MAX_TEXT)])
    attachments = MultipleFileField(_l("Files (optional)"))


class EmptyForm(FlaskForm):
    """Only the CSRF token (the follow-up log-out button)."""


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 countries with their names in the reader's language, sorted in it."""
    return _countries(str(get_locale() or "en"))


def country_options(selected: str) -> Markup:
    """The <option> list of the country field, rendered once per language (it is the page's largest part)."""
    return _country_options(str(get_locale() or "en"), selected or "")


@lru_cache(maxsize=64)
def _country_options(language: str, selected: str) -> Markup:
    unknown = str(_l("I don't know or prefer not to say"))
    options = [(UNKNOWN, unknown)] + _countries(language)
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(
            code, Markup(" selected") if code == selected else "", name
        )
        for code, name in options
    )


@cache
def _countries(language: str) -> list[tuple[str, str]]:
    locale = Locale.parse(language)
    names = locale.territories
    english = Locale("en").territories
    codes = [str(code) for code in english if str(code).isalpha() and len(str(code)) == 2]
    codes = [code for code in codes if code not in NOT_COUNTRIES]
    return sorted(
        ((code, names.get(code, english[code])) for code in codes), key=lambda pair: pair[1].casefold()
    )


# Babel's territory list also holds groupings and private-use codes that are not countries.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
