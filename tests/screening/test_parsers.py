"""Each published format is read from a small file in its real shape; a malformed file names its line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from screening.parsers import ListFormatError, csl, ftm, sdn

FIXTURES = Path(__file__).parent / "fixtures"


def test_ftm_reads_persons_and_organisations_and_skips_sanctions_addresses_and_vessels() -> None:
    with open(FIXTURES / "entities.ftm.json", "rb") as handle:
        parties = {p.entity_id: p for p in ftm.parse(handle)}
    assert set(parties) == {"NK-intellexa-sa", "NK-cytrox-ad", "NK-tal-dilian", "NK-nso-group", "NK-positive"}
    dilian = parties["NK-tal-dilian"]
    assert dilian.person and dilian.countries == ("IL", "MT") and "Tal Dilian" in dilian.aliases
    nso = parties["NK-nso-group"]
    assert nso.countries == ("IL",) and "NSO" not in nso.names  # a weak alias is not a name to match on
    assert parties["NK-intellexa-sa"].listed_on == "2024-03-05"
    assert "us_ofac_sdn" in parties["NK-intellexa-sa"].source


def test_csl_json_and_csv_give_the_same_parties() -> None:
    with open(FIXTURES / "consolidated.json", "rb") as handle:
        from_json = list(csl.parse_json(handle))
    with open(FIXTURES / "consolidated.csv", "rb") as handle:
        from_csv = list(csl.parse_csv(handle))
    assert [p.name for p in from_json] == [
        "NSO Group",
        "Candiru",
        "Sandvine Incorporated",
        "PRIGOZHIN, Yevgeniy Viktorovich",
    ]
    assert [(p.entity_id, p.name, p.aliases, p.countries, p.person) for p in from_json] == [
        (p.entity_id, p.name, p.aliases, p.countries, p.person) for p in from_csv
    ]
    candiru = from_json[1]
    assert "Saito Tech Ltd." in candiru.aliases and candiru.countries == ("IL",)
    assert candiru.listed_on == "2021-11-04" and candiru.source.startswith("Entity List")


def test_sdn_trio_joins_aliases_and_address_countries_and_skips_vessels() -> None:
    folder = FIXTURES / "sdn"
    with (
        open(folder / "sdn.csv", "rb") as s,
        open(folder / "alt.csv", "rb") as a,
        open(folder / "add.csv", "rb") as d,
    ):
        parties = {p.entity_id: p for p in sdn.parse(s, a, d)}
    assert set(parties) == {"32479", "50001", "50003"}
    positive = parties["32479"]
    assert positive.programs == ("CYBER2", "RUSSIA-EO14024") and positive.countries == ("RU",)
    assert "AKTSIONERNOE OBSHCHESTVO POZITIV TEKNOLODZHIZ" in positive.aliases
    assert parties["50003"].person and parties["50001"].countries == ("GR",)


def test_a_broken_ftm_line_is_named() -> None:
    lines = (FIXTURES / "entities.ftm.json").read_bytes().splitlines()
    lines.insert(3, b'{"id": "x", "schema": "Company", "properties": {"name": ["A"]')
    with pytest.raises(ListFormatError, match=r"line 4: not a JSON entity"):
        list(ftm.parse(io.BytesIO(b"\n".join(lines))))


def test_an_ftm_entity_without_an_id_or_with_bad_properties_is_refused() -> None:
    with pytest.raises(ListFormatError, match="line 1: the entity has no 'id'"):
        list(ftm.parse(io.BytesIO(b'{"schema": "Company", "properties": {}}\n')))
    bad = json.dumps({"id": "a", "schema": "Person", "properties": {"name": "x", "country": [1]}})
    with pytest.raises(ListFormatError, match="line 1: 'country' must be a list of strings"):
        list(ftm.parse(io.BytesIO(bad.encode())))


def test_a_csl_json_result_error_names_its_line() -> None:
    text = (FIXTURES / "consolidated.json").read_text(encoding="utf-8")
    broken = text.replace('"name": "Candiru"', '"name": ""')
    line = broken[: broken.index('"b2c3d4e5')].count("\n") + 1
    with pytest.raises(ListFormatError, match=rf"line {line - 1}: result b2c3d4e5\S* has no name"):
        list(csl.parse_json(io.BytesIO(broken.encode())))
    truncated = text[: text.index('"Sandvine')]
    with pytest.raises(ListFormatError, match="not valid JSON"):
        list(csl.parse_json(io.BytesIO(truncated.encode())))
    with pytest.raises(ListFormatError, match="no 'results' array"):
        list(csl.parse_json(io.BytesIO(b'{"total": 0}')))


def test_a_csl_csv_without_its_columns_or_with_a_ragged_row_is_refused() -> None:
    with pytest.raises(ListFormatError, match="line 1: missing column"):
        list(csl.parse_csv(io.BytesIO(b"name,country\nA,B\n")))
    text = (FIXTURES / "consolidated.csv").read_bytes() + b"x,y,z," + b"a," * 40 + b"\r\n"
    with pytest.raises(ListFormatError, match="line 7: more cells than columns"):
        list(csl.parse_csv(io.BytesIO(text)))


def test_an_sdn_row_with_the_wrong_number_of_fields_names_file_and_line() -> None:
    folder = FIXTURES / "sdn"
    sdn_bytes = (folder / "sdn.csv").read_bytes().replace(b'"CYBER2","-0- ","-0- "', b'"CYBER2"', 1)
    with pytest.raises(ListFormatError, match=r"sdn.csv line 2: 10 fields where 12 are expected"):
        alt, add = (
            io.BytesIO((folder / "alt.csv").read_bytes()),
            io.BytesIO((folder / "add.csv").read_bytes()),
        )
        list(sdn.parse(io.BytesIO(sdn_bytes), alt, add))
    with pytest.raises(ListFormatError, match=r"alt.csv line 1: ent_num 'abc' is not a number"):
        list(sdn.parse(io.BytesIO(b""), io.BytesIO(b'abc,1,"aka","X","-0-"\r\n'), io.BytesIO(b"")))
