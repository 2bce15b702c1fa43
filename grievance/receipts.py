"""Receipts: 30 digits in six groups of five (25 random, 5 check), shown once and never stored.

Digits can be read, copied and typed in every language; Arabic-Indic and Persian digits, spaces and
dashes are accepted. Word receipts (seven diceware words) made before keep working.
What the server keeps of a receipt, and what it unlocks, is the encryption protocol's business
(endwatch.case_crypto); this module makes receipts and feeds it the pepper and cost.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from endwatch import case_crypto, crypto, keyring
from endwatch.config import Config

GROUP = 5


@cache
def wordlist() -> tuple[str, ...]:
    """The diceware list of the older word receipts (kept for tests and their documentation)."""
    text = resources.files("grievance").joinpath("eff_large_wordlist.txt").read_text(encoding="utf-8")
    words = tuple(line.strip() for line in text.splitlines() if line.strip())
    assert len(words) == 7776 and len(set(words)) == 7776
    return words


def _pepper(config: Config) -> bytes:
    return keyring.read_file_secret(config, "receipt_pepper").encode()


def new_receipt(config: Config) -> str:
    """25 random digits (83 bits) and 5 check digits, in groups of five."""
    digits = case_crypto.new_digit_receipt(_pepper(config))
    return " ".join(digits[i : i + GROUP] for i in range(0, len(digits), GROUP))


def may_match(config: Config, receipt: str) -> bool:
    """False for a receipt that cannot belong to any case (found with one HMAC, no slow hash)."""
    return case_crypto.receipt_may_match(receipt, _pepper(config))


def receipt_params(config: Config) -> crypto.KdfParams:
    return crypto.KdfParams(time_cost=config.receipt_time_cost, memory_kib=config.receipt_memory_kib)


def receipt_keys(config: Config, receipt: str) -> case_crypto.ReceiptSecrets:
    """The lookup digest and the key wrapping the case key, from the receipt and the site's pepper."""
    return case_crypto.receipt_secrets(receipt, _pepper(config), receipt_params(config))
