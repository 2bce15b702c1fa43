"""Receipts: seven diceware words, shown once to the submitter and never stored.

What the server keeps of a receipt, and what it unlocks, is the encryption protocol's business
(endwatch.case_crypto.receipt_secrets); this module makes receipts and feeds it the pepper and cost.
"""

from __future__ import annotations

import secrets
from functools import cache
from importlib import resources

from endwatch import case_crypto, crypto, keyring
from endwatch.config import Config

RECEIPT_WORDS = 7


@cache
def wordlist() -> tuple[str, ...]:
    text = resources.files("grievance").joinpath("eff_large_wordlist.txt").read_text(encoding="utf-8")
    words = tuple(line.strip() for line in text.splitlines() if line.strip())
    assert len(words) == 7776 and len(set(words)) == 7776
    return words


def new_receipt() -> str:
    """Seven words from the 7,776-word list: 7 x log2(7776) = 90.5 bits."""
    words = wordlist()
    return " ".join(secrets.choice(words) for _ in range(RECEIPT_WORDS))


def receipt_params(config: Config) -> crypto.KdfParams:
    return crypto.KdfParams(time_cost=config.receipt_time_cost, memory_kib=config.receipt_memory_kib)


def receipt_keys(config: Config, receipt: str) -> case_crypto.ReceiptSecrets:
    """The lookup digest and the key wrapping the case key, from the receipt and the site's pepper."""
    pepper = keyring.read_file_secret(config, "receipt_pepper").encode()
    return case_crypto.receipt_secrets(receipt, pepper, receipt_params(config))
