"""The case encryption protocol: every blob is bound to its case and its place."""

from __future__ import annotations

import pytest

from endwatch import case_crypto, crypto

PARAMS = crypto.KdfParams(time_cost=1, memory_kib=256)


def test_a_blob_opens_only_in_its_own_case_and_field():
    key = case_crypto.new_data_key()
    blob = case_crypto.encrypt_text(key, "C-AAAAAA", case_crypto.MESSAGE, "hello")
    assert case_crypto.decrypt_text(key, "C-AAAAAA", case_crypto.MESSAGE, blob) == "hello"
    for reference, part in (("C-BBBBBB", case_crypto.MESSAGE), ("C-AAAAAA", case_crypto.OUTCOME_REASON)):
        with pytest.raises(crypto.DecryptionError):
            case_crypto.decrypt_text(key, reference, part, blob)
    file_blob = case_crypto.encrypt_file(key, "C-AAAAAA", "stored1", b"bytes")
    with pytest.raises(crypto.DecryptionError):
        case_crypto.decrypt_file(key, "C-AAAAAA", "stored2", file_blob)


def test_a_sealed_data_key_opens_with_the_holders_private_key_only():
    private, public = crypto.new_keypair()
    other, _ = crypto.new_keypair()
    key = case_crypto.new_data_key()
    sealed = case_crypto.seal_data_key(key, "C-AAAAAA", public)
    assert case_crypto.unseal_data_key(sealed, "C-AAAAAA", private) == key
    with pytest.raises(crypto.DecryptionError):
        case_crypto.unseal_data_key(sealed, "C-AAAAAA", other)
    with pytest.raises(crypto.DecryptionError):
        case_crypto.unseal_data_key(sealed, "C-BBBBBB", private)


def test_receipt_secrets_forgive_spacing_and_case_not_other_words():
    pepper = b"p" * 32
    first = case_crypto.receipt_secrets("Apple  banana\nCHERRY-pie.", pepper, PARAMS)
    assert first == case_crypto.receipt_secrets("apple banana cherry-pie", pepper, PARAMS)
    assert first.lookup != case_crypto.receipt_secrets("apple banana cherry", pepper, PARAMS).lookup
    assert first != case_crypto.receipt_secrets("apple banana cherry-pie", b"q" * 32, PARAMS)
    assert bytes.fromhex(first.lookup) != first.wrap_key
    key = case_crypto.new_data_key()
    wrapped = case_crypto.wrap_for_submitter(key, "C-AAAAAA", first.wrap_key)
    assert case_crypto.unwrap_for_submitter(wrapped, "C-AAAAAA", first.wrap_key) == key
