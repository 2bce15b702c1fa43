"""Legal forms rigour's table lacks, as words and as phrases; set aside like its own."""

from __future__ import annotations

# Legal forms rigour's table does not hold (or holds only in other spellings); dropped like its own.
EXTRA_LEGAL_FORMS = frozenset(
    {
        "ad",
        "ead",
        "eood",
        "ood",
        "dooel",
        "doo",
        "zrt",
        "kft",
        "nyrt",
        "bt",
        "fze",
        "fzco",
        "fzc",
        "fzllc",
        "fz",
        "pjsc",
        "ojsc",
        "cjsc",
        "zao",
        "oao",
        "pao",
        "tov",
        "too",
        "pte",
        "pvt",
        "pty",
        "sdn",
        "bhd",
        "tbk",
        "llc",
        "ltd",
        "inc",
        "corp",
        "plc",
        "gmbh",
        "ag",
        "sarl",
        "srl",
        "spa",
        "sas",
        "bv",
        "nv",
        "jsc",
        "lp",
        "llp",
        "limited",
        "incorporated",
        "co",
        # Russian and Belarusian unitary enterprises and their abbreviations (RUE, FSUE, ...), Latin and
        # transliterated Cyrillic (РУП, ФГУП, ГУП, МУП are read as rup, fgup, gup, mup).
        "rue",
        "rup",
        "fsue",
        "fgup",
        "sue",
        "gup",
        "mup",
        "oo",
        # Ukrainian (ПрАТ, ТДВ, ПП), Bulgarian (ЕТ, ООД), Serbian (д.о.о., а.д.) abbreviations.
        "prat",
        "tdv",
        "pat",
        "vat",
        "zat",
        "et",
        "dd",
        # Chinese (有限公司 and the like, read in pinyin), Persian and Arabic (شرکت, شركة, سهامی خاص, ذ.م.م).
        "youxiangongsi",
        "youxianzerengongsi",
        "gufenyouxiangongsi",
        "gongsi",
        "shrkt",
        "sherkat",
        "shirkat",
        "sharikat",
        "sharika",
        "dhmm",
        "shmm",
        "shmkh",
        "shml",  # ش.م.ل. (S.A.L.)
        "brisat",  # Thai บริษัท (company) and จำกัด (limited), as read from the script and as lists write them
        "borisat",
        "chamkat",
        "shamy",  # سهامی (joint-stock), as in شرکت سهامی
        "sahami",
        "almhdwdt",
        # Russian autonomous non-profit organisations (АНО), Turkish joint-stock companies (A.Ş., anonim
        # şirketi), Italian voluntary bodies (ODV), the Dubai Multi Commodities Centre's free-zone firms.
        "ano",
        "anonim",
        "odv",
        "dmcc",
        "sal",  # société anonyme libanaise (S.A.L.)
        "jscl",
        "pjs",  # public joint-stock (P.J.S.), as Iranian companies are listed
        "odo",  # Belarusian additional liability company (ОДО)
        "tnhh",  # Vietnamese limited liability (trách nhiệm hữu hạn)
        # Spanish: sociedad limitada (S.L.), sociedad anónima cerrada (S.A.C.); rigour holds only some words.
        "sociedad",
        "sl",
        "cerrada",
    }
)
# Legal forms of several words that rigour's table does not hold, in Latin or transliterated spelling.
EXTRA_LEGAL_PHRASES = tuple(
    tuple(phrase.split())
    for phrase in (
        "republican unitary enterprise",
        # Vietnamese: công ty (company), TNHH (limited liability), cổ phần (joint-stock).
        "cong ty tnhh",
        "cong ty co phan",
        "cong ty",
        # Belarusian additional liability companies (ОДО, ТДО).
        "additional liability company",
        "obshchestvo s dopolnitelnoy otvetstvennostyu",
        "respublikanskoe unitarnoe predpriyatie",
        "municipal unitary enterprise",
        "state unitary enterprise",
        "federal state unitary enterprise",
        "unitary enterprise",
        "sahami khas",
        "sahami am",
        "sahami aam",
        "shamy khas",
        "shamy am",
        "ba msywlyt mhdwd",
        "ba masuliyat mahdud",
        "dhat mswwlyt mhdwdt",
        "sh m m",
        "dh m m",
        "you xian gong si",
        "aktsionersko drushtvo",
        "drushtvo s ogranichena otgovornost",
        "druzhestvo s ogranichena otgovornost",
        "autonomous non profit organization",
        "autonomous non profit organisation",
        "avtonomnaya nekommercheskaya organizatsiya",
        "anonim sirketi",
        "anonim serketi",
        "sp z o o",  # Polish sp. z o.o. written without its dots
        # What the Russian form ГНПП (set aside as a legal form) stands for.
        "state research and production enterprise",
        "state research production enterprise",
    )
)
