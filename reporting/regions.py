"""ISO 3166-1 alpha-2 countries grouped into the five UN M49 regions (unstats.un.org/unsd/methodology/m49).

Regions, not countries, are published: a country of incident can single out a person where few reports
come from it. Antarctica has no M49 region and, like an unknown country, counts as "not stated".
"""

from __future__ import annotations

REGIONS = ("africa", "americas", "asia", "europe", "oceania")
NOT_STATED = "not_stated"

_MEMBERS = {
    # 002: Northern Africa; Eastern, Middle, Southern and Western Africa
    "africa": "DZ EG LY MA SD TN EH "
    "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW "
    "AO CM CF TD CG CD GQ GA ST "
    "BW SZ LS NA ZA "
    "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    # 019: Caribbean, Central America, South America, Northern America
    "americas": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI "
    "BZ CR SV GT HN MX NI PA "
    "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE "
    "BM CA GL PM US",
    # 142: Central, Eastern, South-eastern, Southern and Western Asia
    "asia": "KZ KG TJ TM UZ "
    "CN HK MO KP JP MN KR TW "
    "BN KH ID LA MY MM PH SG TH TL VN "
    "AF BD BT IN IR MV NP PK LK "
    "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    # 150: Eastern, Northern, Southern and Western Europe
    "europe": "BY BG CZ HU PL MD RO RU SK UA "
    "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB "
    "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES "
    "AT BE FR DE LI LU MC NL CH",
    # 009: Australia and New Zealand, Melanesia, Micronesia, Polynesia
    "oceania": "AU NZ CX CC HM NF FJ NC PG SB VU GU KI MH FM NR MP PW UM AS CK PF NU PN WS TK TO TV WF",
}

REGION_OF: dict[str, str] = {code: region for region, codes in _MEMBERS.items() for code in codes.split()}


def region_of(country: str | None) -> str:
    """The M49 region of an ISO alpha-2 code, or NOT_STATED for an empty, unknown or unplaced code."""
    return REGION_OF.get((country or "").strip().upper(), NOT_STATED)
