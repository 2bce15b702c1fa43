"""Every public string exists, translated and not fuzzy, in every language; .mo files match their .po."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from endwatch.extensions import LANGUAGES
from tests.grievance.conftest import receipt_in

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "endwatch" / "translations"
TRANSLATED = [code for code in LANGUAGES if code != "en"]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def public_msgids() -> set[str]:
    with open(ROOT / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(code: str):
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_public_string_is_translated_and_not_fuzzy(code):
    po = catalog(code)
    missing = sorted(m for m in public_msgids() if not (po.get(m) and po.get(m).string))
    assert missing == [], f"{code}: {len(missing)} untranslated, first: {missing[:3]}"
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert fuzzy == [], f"{code}: fuzzy entries {fuzzy[:3]}"
    problems = [(m.id, errors) for m, errors in po.check()]
    assert problems == [], problems[:3]


@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalogs_match_their_sources(code):
    po = catalog(code)
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        mo = read_mo(handle)
    expected = {m.id: m.string for m in po if m.id}
    compiled = {m.id: m.string for m in mo if m.id}
    assert compiled == expected, f"{code}: run `pybabel compile -d endwatch/translations`"


def test_template_file_lists_every_public_string():
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        pot = {m.id for m in read_po(handle) if m.id}
    assert public_msgids() <= pot, "run the `pybabel extract` line in babel.cfg"


def _visible_text(page: str) -> str:
    body = page.split("<body", 1)[1]
    body = re.sub(r"<[^>]+>", "\n", body)
    return body


ENGLISH_MARKERS = sorted((m for m in public_msgids() if len(m) > 14 and "%(" not in m), key=len)


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("url", ["/", "/report", "/followup", "/no-such-page"])
def test_public_pages_show_no_english_when_another_language_is_chosen(client, code, url):
    page = client.get(url, headers={"Accept-Language": code}).get_data(as_text=True)
    assert f'lang="{code}"' in page
    text = _visible_text(page)
    leftovers = [marker for marker in ENGLISH_MARKERS if marker in text]
    assert leftovers == []
    if code == "ar":
        assert 'dir="rtl"' in page
    else:
        assert 'dir="ltr"' in page


def test_receipt_page_and_followup_are_translated(submit_report, client, reader):
    client.get("/?lang=ru")
    from tests.grievance.conftest import submit

    response = submit(client)
    assert "Ваше сообщение получено" in response.get_data(as_text=True)
    assert receipt_in(response)


def test_language_switch_needs_no_javascript_and_is_remembered(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/?lang=ar"' in page and "<script" not in page
    response = client.get("/?lang=ar")
    assert 'dir="rtl"' in response.get_data(as_text=True)
    assert "lang=ar" in response.headers["Set-Cookie"]
    assert 'lang="ar"' in client.get("/report").get_data(as_text=True)


def test_accept_language_chooses_the_language(client):
    page = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert (
        "Signalez l'utilisation abusive de nos technologies" in page or "Signalez l&#39;utilisation" in page
    )


def test_countries_are_named_in_the_reader_language(client):
    page = client.get("/report?lang=es").get_data(as_text=True)
    assert '<option value="DE">Alemania</option>' in page
    page = client.get("/report?lang=ar").get_data(as_text=True)
    assert "ألمانيا" in page
