"""The case encryption protocol, as named operations on endwatch.crypto's primitives.

Every case has a random data key. It encrypts the report (what, who, contact), the messages, the
internal notes, the outcome reason, file names and files, each bound by its associated data to the
case reference and to what the blob is, so that no blob opens if moved to another case or field.

The data key is never stored in clear. It is
- sealed (X25519) to each holder: every active member whose role reads cases, and the organisation
  recovery key (whose private half is kept offline);
- wrapped by a key derived from the submitter's receipt: one peppered Argon2id of the receipt gives both
  the lookup digest stored on the case and the wrapping key, which is stored nowhere. A receipt is 25
  random digits and 5 check digits keyed by the pepper, so a wrong receipt is refused before the
  Argon2id (flood control needs no lock-out); the check adds no secret and takes nothing from the 83 bits;
- during a follow-up visit, encrypted under a key held only in the submitter's cookie.

(SecureDrop's encryption.py and source_user.py play the same part there.)
"""

from __future__ import annotations

import hmac
import json
import secrets
import struct
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from endwatch import crypto, keyring
from endwatch.models import Role, User

RECOVERY_HOLDER = "recovery"
READER_ROLES = (Role.ADMIN, Role.TRIAGER)
CONTENT, KEY, SUBMITTER_KEY = "content", "key", "submitter-key"
MESSAGE, OUTCOME_REASON = "message", "outcome-reason"


@dataclass(frozen=True)
class Holder:
    """Someone a case key is sealed to: 'user:<id>' or 'recovery'."""

    name: str
    public_key: bytes
    user: User | None = None


@dataclass(frozen=True)
class ReceiptSecrets:
    lookup: str  # stored on the case, to find it by receipt in one indexed query
    wrap_key: bytes  # wraps the case's data key for the submitter; never stored


# -- who a case key is sealed to ---------------------------------------------------------------------


def user_holder(user_id: int) -> str:
    return f"user:{user_id}"


def may_hold_case_keys(user: User) -> bool:
    return user.active and user.role in READER_ROLES


def recovery_holder(session: Session) -> Holder | None:
    public = keyring.recovery_public_key(session)
    return Holder(RECOVERY_HOLDER, public) if public is not None else None


def reader_holders(session: Session) -> list[Holder]:
    """Every active member whose role reads cases: each new case key is sealed to all of them."""
    readers = session.scalars(select(User).where(User.active.is_(True), User.role.in_(READER_ROLES)))
    return [Holder(user_holder(user.id), user.public_key, user) for user in readers]


def holder_of(session: Session, private_key: bytes) -> Holder | None:
    """Which holder a private key belongs to (a member or the recovery key), or None."""
    public = crypto.public_from_private(private_key)
    user = session.scalars(select(User).where(User.public_key == public)).first()
    if user is not None:
        return Holder(user_holder(user.id), public, user)
    if keyring.recovery_public_key(session) == public:
        return Holder(RECOVERY_HOLDER, public)
    return None


# -- the data key --------------------------------------------------------------------------------------


def new_data_key() -> bytes:
    return crypto.new_key()


def seal_data_key(data_key: bytes, reference: str, public_key: bytes) -> bytes:
    return crypto.seal(public_key, data_key, _aad(reference, KEY))


def unseal_data_key(sealed: bytes, reference: str, private_key: bytes) -> bytes:
    """Raises crypto.DecryptionError when `private_key` is not the one the copy was sealed to."""
    return crypto.unseal(private_key, sealed, _aad(reference, KEY))


def wrap_for_submitter(data_key: bytes, reference: str, wrap_key: bytes) -> bytes:
    return crypto.encrypt(wrap_key, data_key, _aad(reference, SUBMITTER_KEY))


def unwrap_for_submitter(wrapped: bytes, reference: str, wrap_key: bytes) -> bytes:
    return crypto.decrypt(wrap_key, wrapped, _aad(reference, SUBMITTER_KEY))


# -- receipts ------------------------------------------------------------------------------------------


RECEIPT_RANDOM_DIGITS, RECEIPT_CHECK_DIGITS = 25, 5  # 25 x log2(10) = 83 bits, plus a keyed check
SEPARATORS = frozenset(" \t\r\n-_.\u00a0\u2010\u2011\u2012\u2013\u2014\u2212\u200e\u200f\u061c")


def receipt_digits(text: str) -> str | None:
    """The ASCII digits of a digit receipt written in any script (Arabic-Indic and Persian digits too),
    with any spaces or dashes; None when the text holds anything else (a word receipt)."""
    digits = []
    for ch in text:
        if ch in SEPARATORS or ch.isspace():
            continue
        value = unicodedata.decimal(ch, None)
        if value is None:
            return None
        digits.append(str(value))
    return "".join(digits) or None


def normalise_receipt(text: str) -> str:
    """Digit receipts: their ASCII digits. Word receipts (seven diceware words, made before digit
    receipts): forgive case, extra spaces, line breaks and punctuation between words."""
    digits = receipt_digits(text)
    if digits is not None:
        return digits
    cleaned = "".join(ch if ch.isalnum() or ch == "-" else " " for ch in text.lower())
    return " ".join(cleaned.split())


def receipt_check(random_part: str, pepper: bytes) -> str:
    """The receipt's last group: check digits keyed by the site's pepper. Nobody without the pepper can
    make a receipt that passes, so a wrong receipt is refused after one HMAC, without the slow hash."""
    mac = crypto.hmac_sha256(pepper, b"endwatch-receipt-check:" + random_part.encode())
    return f"{int(mac, 16) % 10**RECEIPT_CHECK_DIGITS:0{RECEIPT_CHECK_DIGITS}d}"


def new_digit_receipt(pepper: bytes) -> str:
    random_part = "".join(str(secrets.randbelow(10)) for _ in range(RECEIPT_RANDOM_DIGITS))
    return random_part + receipt_check(random_part, pepper)


def receipt_may_match(receipt: str, pepper: bytes) -> bool:
    """Whether the slow hash is worth computing: a digit receipt of the right length whose check holds,
    or a word receipt of an older case (those carry no check)."""
    digits = receipt_digits(receipt)
    if digits is None:
        return len(normalise_receipt(receipt).split()) == 7
    if len(digits) != RECEIPT_RANDOM_DIGITS + RECEIPT_CHECK_DIGITS:
        return False
    return hmac.compare_digest(
        digits[RECEIPT_RANDOM_DIGITS:], receipt_check(digits[:RECEIPT_RANDOM_DIGITS], pepper)
    )


def receipt_secrets(receipt: str, pepper: bytes, params: crypto.KdfParams) -> ReceiptSecrets:
    """One slow, peppered hash of the receipt, split into the lookup digest and the wrapping key."""
    slow = crypto.slow_digest(normalise_receipt(receipt), pepper, params)
    lookup = crypto.hmac_sha256(slow, b"endwatch-receipt-lookup")
    wrap_key = bytes.fromhex(crypto.hmac_sha256(slow, b"endwatch-receipt-case-key"))
    return ReceiptSecrets(lookup, wrap_key)


# -- what the data key encrypts ------------------------------------------------------------------------


def encrypt_content(data_key: bytes, reference: str, content: dict[str, Any]) -> bytes:
    """The report itself: a JSON document {"what", "who", "contact"}."""
    document = json.dumps(content, ensure_ascii=False).encode()
    return crypto.encrypt(data_key, document, _aad(reference, CONTENT))


def decrypt_content(data_key: bytes, reference: str, blob: bytes) -> dict[str, Any]:
    return json.loads(crypto.decrypt(data_key, blob, _aad(reference, CONTENT)))


def note_part(note_id: int) -> str:
    """Internal notes are bound to their row id, so that one cannot be swapped for another."""
    return f"note:{note_id}"


def encrypt_text(data_key: bytes, reference: str, part: str, text: str) -> bytes:
    """A piece of case text: MESSAGE, OUTCOME_REASON or note_part(id)."""
    return crypto.encrypt(data_key, text.encode(), _aad(reference, part))


def decrypt_text(data_key: bytes, reference: str, part: str, blob: bytes) -> str:
    return crypto.decrypt(data_key, blob, _aad(reference, part)).decode()


def encrypt_filename(data_key: bytes, reference: str, stored_name: str, filename: str) -> bytes:
    return crypto.encrypt(data_key, filename.encode(), _aad(reference, "filename:" + stored_name))


def decrypt_filename(data_key: bytes, reference: str, stored_name: str, blob: bytes) -> str:
    return crypto.decrypt(data_key, blob, _aad(reference, "filename:" + stored_name)).decode()


def encrypt_file(data_key: bytes, reference: str, stored_name: str, data: bytes) -> bytes:
    return crypto.encrypt(data_key, data, _aad(reference, "file:" + stored_name))


def decrypt_file(data_key: bytes, reference: str, stored_name: str, blob: bytes) -> bytes:
    return crypto.decrypt(data_key, blob, _aad(reference, "file:" + stored_name))


# -- a follow-up visit -----------------------------------------------------------------------------------


def lock_visit(cookie_key: bytes, visit_id: str, data_key: bytes, seen: float) -> bytes:
    """The data key for the length of a visit, under a key that only the submitter's cookie holds, with
    the exact time of the visit's last request (kept here, not in clear, for idle expiry)."""
    return crypto.encrypt(cookie_key, data_key + struct.pack(">d", seen), visit_id.encode())


def open_visit(cookie_key: bytes, visit_id: str, locked: bytes) -> tuple[bytes, float]:
    """The data key and the time of the last request; raises ValueError for a vault of another format."""
    plain = crypto.decrypt(cookie_key, locked, visit_id.encode())
    if len(plain) != 40:
        raise ValueError("a visit locked without its time")
    return plain[:32], struct.unpack(">d", plain[32:])[0]


def _aad(reference: str, part: str) -> bytes:
    return f"endwatch-case:{reference}:{part}".encode()
