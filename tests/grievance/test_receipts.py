"""Digit receipts every language can copy: typed in any digits, with any spacing, refused cheaply when
wrong; the word receipts of older cases keep working."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from endwatch import case_crypto, crypto, keyring
from grievance import intake, receipts
from tests.grievance.conftest import open_followup

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
OLD_WORDS = "karate unsworn blade dimmer pupil ambush sprinkler"


@pytest.fixture
def slow_hashes(monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[str] = []
    real = crypto.slow_digest

    def counted(secret, pepper, params):  # type: ignore[no-untyped-def]
        calls.append(secret)
        return real(secret, pepper, params)

    monkeypatch.setattr(crypto, "slow_digest", counted)
    return calls


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda r: r,
        lambda r: r.replace(" ", ""),
        lambda r: r.replace(" ", "-"),
        lambda r: " " + r.replace(" ", "  ") + "\n",
        lambda r: r.translate(ARABIC_INDIC),
        lambda r: r.translate(PERSIAN).replace(" ", "\u200f-"),
    ],
    ids=["as-shown", "no-spaces", "dashes", "extra-space", "arabic-indic", "persian-rtl-marks"],
)
def test_receipt_opens_the_case_however_it_is_typed(submit_report, client, rewrite):
    receipt = submit_report()
    assert open_followup(client, rewrite(receipt)).status_code == 302


def test_a_wrong_receipt_is_refused_without_the_slow_hash(submit_report, client, slow_hashes):
    receipt = submit_report()
    slow_hashes.clear()
    digits = receipt.replace(" ", "")
    for position in (0, 12, 29):  # one digit mistyped: in the random part or in the check group
        wrong = digits[:position] + str((int(digits[position]) + 1) % 10) + digits[position + 1 :]
        assert open_followup(client, wrong).status_code == 401
    for wrong in ("12345", digits + "0", "", "hello"):
        assert open_followup(client, wrong).status_code in (400, 401)
    assert slow_hashes == []


def test_receipts_that_pass_the_check_but_open_nothing_use_up_the_visitors_budget(
    submit_report, client, app, slow_hashes
):
    real = submit_report()
    slow_hashes.clear()
    config = app.config["ENDWATCH"]
    limit = int(config.followup_limit.split()[0])
    pepper = keyring.read_file_secret(config, "receipt_pepper").encode()
    made = [case_crypto.new_digit_receipt(pepper) for _ in range(limit + 1)]  # only the pepper makes these
    statuses = [open_followup(client, receipt).status_code for receipt in made]
    assert statuses == [401] * limit + [429]
    assert len(slow_hashes) == limit
    other = app.test_client()  # another visitor, from the same address, is not locked out
    assert open_followup(other, real).status_code == 302


def test_an_older_word_receipt_still_opens_its_case(submit_report, client, app, monkeypatch):
    monkeypatch.setattr(intake, "new_receipt", lambda config: OLD_WORDS)
    assert submit_report() == OLD_WORDS
    assert open_followup(client, "Karate  unsworn-blade dimmer pupil ambush sprinkler").status_code != 302
    assert open_followup(client, OLD_WORDS.upper()).status_code == 302


def test_the_receipt_is_typed_in_clear_and_can_be_hidden_without_javascript(client, app):
    page = client.get("/followup").get_data(as_text=True)
    (field,) = re.findall(r'<input[^>]*name="receipt"[^>]*>', page)
    assert 'type="text"' in field
    assert 'type="checkbox" id="hide-receipt"' in page and "<script" not in page
    css = (Path(app.static_folder or "") / "style.css").read_text()
    assert "form:has(.hide-toggle:checked) .receipt-field input" in css


def test_a_new_receipt_has_eighty_bits_and_a_check_nobody_can_forge_without_the_pepper(app):
    config = app.config["ENDWATCH"]
    made = {receipts.new_receipt(config) for _ in range(50)}
    assert len(made) == 50
    pepper = keyring.read_file_secret(config, "receipt_pepper").encode()
    for receipt in made:
        digits = receipt.replace(" ", "")
        assert case_crypto.receipt_may_match(receipt, pepper)
        assert not case_crypto.receipt_may_match(receipt, b"another site's pepper")
        assert digits[25:] == case_crypto.receipt_check(digits[:25], pepper)


@pytest.mark.browser
def test_hiding_the_receipt_works_with_javascript_off(browser, live_server, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/followup")
    field = page.locator("input[name=receipt]")
    field.fill("12345 67890")
    style = "element => getComputedStyle(element).filter"
    assert field.evaluate(style) == "none" and field.input_value() == "12345 67890"
    page.locator("label.check", has_text="Hide").click()
    assert "blur" in field.evaluate(style)
    page.screenshot(path=str(tmp_path / "hidden.png"))
    context.close()
