"""Staff routes for screening hits and the lists: thin wrappers over the screening services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from endwatch import db
from endwatch.auth import actor, config, read_access, write_access
from endwatch.handlers import back_on_refusal
from screening import review
from screening.errors import NotFound
from screening.forms import ConfirmForm, DismissForm
from screening.models import ChangeKind, HitStatus, ListChange, ListVersion, ScreeningHit, ScreeningList

bp = Blueprint("screening", __name__, url_prefix="/staff/screening")
PAGE_SIZE = 100
CHANGES_SHOWN = 200


def _all_lists() -> Sequence[ScreeningList]:
    # Imported here: screening.runs loads the name analyser's tables (a fifth of a second), which the
    # commands that build the app without screening anything (`feeds ingest`) need not pay for.
    from screening import runs

    return runs.all_lists(db.session())


@bp.route("/")
@read_access
def hits() -> Any:
    filters = review.HitFilter(
        status=_status(request.args.get("status")),
        list_id=request.args.get("list", type=int),
        include_inactive=request.args.get("all") == "1",
    )
    page = max(request.args.get("page", 1, type=int), 1)
    found = review.list_hits(db.session(), filters, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "screening/hits.html",
        hits=found[:PAGE_SIZE],
        more=len(found) > PAGE_SIZE,
        page=page,
        filters=filters,
        statuses=list(HitStatus),
        lists=_all_lists(),
    )


@bp.route("/hits/<int:hit_id>")
@read_access
def hit(hit_id: int) -> Any:
    found = _hit_or_404(hit_id)
    return render_template(
        "screening/hit.html",
        hit=found,
        entity=found.entity,
        safe_link=_safe_link(found.entity.data.get("url") if found.entity else None),
        confirm_form=ConfirmForm(),
        dismiss_form=DismissForm(),
    )


@bp.route("/hits/<int:hit_id>/confirm", methods=["POST"])
@write_access
@back_on_refusal("screening.hit", "hit_id")
def confirm(hit_id: int) -> Any:
    form = ConfirmForm()
    form.validate_on_submit() or abort(400)
    _hit_or_404(hit_id)
    review.confirm(db.session(), hit_id, actor=actor(), config=config(), note=form.note.data or "")
    flash(
        "Confirmed: the customer is flagged as a restricted party and a safeguard review is due now.", "info"
    )
    return redirect(url_for("screening.hit", hit_id=hit_id))


@bp.route("/hits/<int:hit_id>/dismiss", methods=["POST"])
@write_access
@back_on_refusal("screening.hit", "hit_id")
def dismiss(hit_id: int) -> Any:
    form = DismissForm()
    _hit_or_404(hit_id)
    if not form.validate_on_submit():
        flash("Say why the hit is a false positive.", "error")
        return redirect(url_for("screening.hit", hit_id=hit_id))
    review.dismiss(db.session(), hit_id, actor=actor(), note=form.note.data or "")
    flash("Dismissed: it will not come back unless the listing changes.", "info")
    return redirect(url_for("screening.hit", hit_id=hit_id))


@bp.route("/lists")
@read_access
def lists() -> Any:
    return render_template("screening/lists.html", lists=_all_lists())


@bp.route("/lists/<int:list_id>")
@read_access
def list_detail(list_id: int) -> Any:
    session = db.session()
    lst = session.get(ScreeningList, list_id) or abort(404)
    version_number = request.args.get("version", type=int) or lst.version
    version = session.scalars(
        select(ListVersion).where(ListVersion.list_id == lst.id, ListVersion.number == version_number)
    ).first()
    changes: Sequence[ListChange] = []
    if version is not None:
        changes = session.scalars(
            select(ListChange)
            .where(ListChange.version_id == version.id)
            .order_by(ListChange.kind, ListChange.id)
            .limit(CHANGES_SHOWN)
        ).all()
    return render_template(
        "screening/list.html",
        lst=lst,
        version=version,
        changes=changes,
        kinds=ChangeKind,
        shown=CHANGES_SHOWN,
    )


def _hit_or_404(hit_id: int) -> ScreeningHit:
    try:
        return review.get_hit(db.session(), hit_id)
    except NotFound:
        abort(404)


def _status(raw: str | None) -> HitStatus | None:
    try:
        return HitStatus(raw) if raw else None
    except ValueError:
        return None


def _safe_link(link: object) -> str | None:
    return link if isinstance(link, str) and link.startswith(("http://", "https://")) else None
