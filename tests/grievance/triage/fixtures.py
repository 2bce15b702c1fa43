"""Fixtures for the triage tests: staff with known private keys, cases made through the intake, customers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from endwatch import accounts, crypto, keyring
from endwatch.models import User
from grievance import intake
from grievance.attachments import CleanFile
from grievance.models import Case
from tests.conftest import PASSWORD, Member

CANARY = "CANARY-7f3a9c-ZEBRA-ORCHID"


def private_key_of(user: User) -> bytes:
    account_key = crypto.unwrap_with_passphrase(user.key_wrap, PASSWORD)
    return accounts.open_vault(user, account_key).private_key


@dataclass
class Staff:
    member: Member
    key: bytes

    @property
    def user(self) -> User:
        return self.member.user


@pytest.fixture
def recovery(session: Session) -> bytes:
    """The organisation recovery key (private half), created as `endwatch init` does."""
    encoded = keyring.ensure_recovery_key(session)
    assert encoded is not None
    session.flush()
    return crypto.decode_key(encoded)


@pytest.fixture
def staff(make_member):  # type: ignore[no-untyped-def]
    def make(role: str = "triager") -> Staff:
        member = make_member(role)
        return Staff(member, private_key_of(member.user))

    return make


@pytest.fixture
def new_case(app: Any, session: Session, recovery: bytes):  # type: ignore[no-untyped-def]
    """Create a case through the intake, sealed to every reader existing at that moment."""
    config = app.config["ENDWATCH"]

    def make(text: str = f"what happened {CANARY}", *, files: bool = False, **fields: Any) -> Case:
        submission = intake.Submission(
            what=text, who=f"who {CANARY}", contact=f"contact {CANARY}", categories=["privacy"], **fields
        )
        clean = [CleanFile("notes.txt", "text/plain", f"file {CANARY}".encode(), True)] if files else []
        case, _receipt = intake.create_case(session, config, submission, clean)
        session.flush()
        return case

    return make


@pytest.fixture
def customer(session: Session):  # type: ignore[no-untyped-def]
    """Make a customer of the contracts part, to link cases to."""
    from contracts.models import Customer, CustomerKind

    counter = iter(range(1, 10_000))

    def make(name: str = "") -> Customer:
        row = Customer(name=name or f"Ministry {next(counter)}", country="XA", kind=CustomerKind.GOVERNMENT)
        session.add(row)
        session.flush()
        return row

    return make


__all__ = ["customer", "new_case", "recovery", "staff"]
