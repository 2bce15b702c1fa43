"""Irreversible staff actions ask first, on a page of their own (no JavaScript).

The action's form posts to its route as usual. Until the post carries `confirmed=yes`, the route answers
with a page that says what will happen, repeats what was typed, and carries every posted field on to the
same route with the confirmation added; "Cancel" goes back without changing anything.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from markupsafe import Markup

CONFIRMED = "confirmed"
SKIPPED = frozenset({"csrf_token", CONFIRMED})


def confirmed() -> bool:
    return request.form.get(CONFIRMED) == "yes"


def confirm_page(
    *,
    title: str,
    consequence: str | Markup,
    button: str,
    back: str,
    shown: dict[str, str] | None = None,
) -> tuple[str, int]:
    """The page asking to confirm this very POST; `shown` lists typed values worth reading again."""
    fields = [
        (name, value) for name, values in request.form.lists() if name not in SKIPPED for value in values
    ]
    page = render_template(
        "staff/confirm.html",
        title=title,
        consequence=consequence,
        button=button,
        back=back,
        action=request.path,
        fields=fields,
        shown={label: value for label, value in (shown or {}).items() if value},
    )
    return page, 200


def ask_first(**kwargs: Any) -> tuple[str, int] | None:
    """None when this POST is confirmed; otherwise the confirmation page to answer with."""
    return None if confirmed() else confirm_page(**kwargs)
