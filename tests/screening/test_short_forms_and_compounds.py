"""Short forms of long listed names and acronyms of a listed acronym and its other words (names invented for
the tests); Russian syllable compounds and romanised Persian words are in test_scripts_and_translations."""

from __future__ import annotations

import pytest

from screening.matching import THRESHOLD
from tests.screening.support import scored as reasons


def test_a_long_listed_name_written_by_its_own_word_alone() -> None:
    similarity, why = reasons("KORVANEX", "IR", "NORTHERN MARINE DISTRIBUTION COMPANY KORVANEX")
    assert similarity >= THRESHOLD
    assert "words on one side only: northern, marine, distribution" in why


def test_a_short_form_leaving_out_a_distinctive_listed_word_is_not_one() -> None:
    similarity, _ = reasons("KORVANEX", "IR", "KORVANEX BALDERIM SHIPPING COMPANY")
    assert similarity < THRESHOLD


@pytest.mark.parametrize(
    ("customer", "listed", "acronym"),
    [
        ("NKTMCO", "NORTH KAVIR TRACTOR MANUFACTURING COMPANY", "nktmco"),
        ("ZRGCN", "ZRGC NAVY", "zrgcn"),
    ],
)
def test_acronyms_with_co_for_company_or_a_listed_acronym_kept_whole(
    customer: str, listed: str, acronym: str
) -> None:
    similarity, why = reasons(customer, "IR", listed)
    assert similarity >= THRESHOLD
    assert "are the initials of" in why
    assert reasons("BANKS", "IR", "BANK SEPAH")[0] < THRESHOLD  # a common first word is not an acronym
