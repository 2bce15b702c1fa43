"""Names reduced for screening: transliterated, legal forms set aside, tokens weighted, blocking keys.

Built on `rigour` (OpenSanctions' name library): ICU transliteration to Latin, name normalisation and its
table of company types and legal forms in many languages and scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import icu
from rigour.names import (
    NameTypeTag,
    analyze_names,
    extract_org_types,
    normalize_name,
    remove_person_prefixes,
    replace_org_types_compare,
)
from rigour.text import ascii_text

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
# Words that say what kind of body something is rather than which one: they count, but little.
GENERIC_WORDS = frozenset(
    """
    group groups holding holdings company companies corporation corp international intl global worldwide
    technology technologies tech technical systems system solutions solution services service trading trade
    industries industry industrial enterprise enterprises digital network networks security securities
    consulting consultancy consultants development developments investment investments partners partner
    management electronics electronic engineering communications communication telecom telecommunications
    software information science scientific research institute center centre national state federal
    republic ministry department agency office bureau directorate general central authority administration
    service police army military defense defence forces force interior affairs public government municipal
    city regional province provincial joint stock private public limited liability and of the for
    bank financial finance capital import export imports exports products product manufacturing factory
    plant works import energy resources logistics media marketing academy association foundation union
    new first united america american china chinese russia russian iran iranian korea korean asia europe
    european middle east west east north south africa
    beijing shanghai shenzhen hangzhou zhejiang guangzhou guangdong jiangsu wuhan tianjin chengdu xiamen
    moscow tehran dubai hong kong singapore concern kontsern koncern headquarters movement front
    commercial mortgage federation foreign external
    """.split()
) | frozenset(
    # Country names and demonyms name where a body is, not which one it is.
    """
    afghanistan albania algeria argentina armenia australia austria azerbaijan bahrain bangladesh belarus
    belgium bolivia brazil bulgaria cambodia canada chile colombia croatia cuba cyprus czech denmark egypt
    emirates ethiopia finland france french georgia german germany greece greek hungary india indian
    indonesia iraq ireland israel israeli italy italian japan japanese jordan kazakhstan kenya kuwait
    kyrgyzstan laos latvia lebanon libya lithuania malaysia mexico moldova mongolia morocco myanmar myanma
    nepal netherlands nicaragua nigeria norway oman pakistan palestine peru philippines poland portugal qatar
    romania rwanda saudi serbia slovakia spain sudan sweden switzerland syria syrian taiwan tajikistan
    tanzania thailand tunisia turkey turkmenistan uganda ukraine uzbekistan venezuela vietnam yemen zimbabwe
    british emirati turkish egyptian saudi arab arabic islamic
    lebanese libyan belarusian kazakh uzbek cambodian vietnamese pakistani afghan iraqi sudanese yemeni cuban
    venezuelan nicaraguan burmese malaysian singaporean indonesian thai filipino qatari kuwaiti omani
    bahraini jordanian palestinian algerian moroccan tunisian nigerian ethiopian somali kenyan congolese
    ukrainian georgian armenian azerbaijani moldovan serbian bulgarian romanian hungarian polish slovak
    croatian bosnian albanian macedonian montenegrin mexican colombian brazilian argentine chilean peruvian
    canadian australian swiss austrian dutch belgian spanish portuguese swedish norwegian danish finnish
    cypriot maltese
    """.split()
)
# Places: two names each with a place the other lacks name two bodies ("Shanghai ... Institute", "Beijing
# ... Institute"), as two kinds of body do.
PLACE_WORDS = frozenset(
    """
    beijing shanghai shenzhen hangzhou zhejiang guangzhou guangdong jiangsu wuhan tianjin chengdu xiamen
    qingdao dalian harbin heilongjiang shandong jilin liaoning hebei henan hubei hunan anhui fujian jiangxi
    sichuan yunnan guizhou shaanxi shanxi gansu xinjiang ningbo nanjing suzhou dongguan foshan zhuhai
    chongqing kunming changsha zhengzhou jinan shenyang changchun taiyuan hefei fuzhou nanchang xian lanzhou
    moscow petersburg novosibirsk yekaterinburg vladivostok khabarovsk tehran isfahan mashhad tabriz shiraz
    qom karaj ahvaz dubai sharjah abu dhabi ajman doha riyadh jeddah
    beirut damascus aleppo baghdad basra istanbul ankara izmir minsk kiev kyiv kharkiv almaty astana
    tashkent bishkek pyongyang seoul taipei kaohsiung singapore kuala lumpur bangkok hanoi saigon mumbai
    delhi karachi lahore london paris berlin hamburg frankfurt munich milan rome madrid vienna zurich geneva
    """.split()
)
# Words that say what kind of body it is: two names that differ in them name two different bodies.
KIND_WORDS = frozenset(
    """
    bank university academy institute school college hospital air shipping police army navy ministry court
    party foundation association church museum corporation company steel foods motors motorcycles logistics
    broadcasting insurance capital consulting trading group
    """.split()
)
# Abbreviations and spellings written out the same way on both sides.
SYNONYMS = {
    "hq": "headquarters",
    "intl": "international",
    "corp": "corporation",
    "co": "company",
    "tech": "technology",
    "technologies": "technology",
    "univ": "university",
    "dept": "department",
    "mfg": "manufacturing",
    "natl": "national",
    "assn": "association",
    "airlines": "air",
    "airline": "air",
    "airways": "air",
    "svcs": "services",
    "sys": "systems",
    "inst": "institute",
    "labs": "lab",
    "laboratory": "lab",
    "laboratories": "lab",
    "holdings": "holding",
    "industries": "industry",
    "jituan": "group",
    "grup": "group",
    "mohammed": "muhammad",
    "mohammad": "muhammad",
    "mohamed": "muhammad",
    "centre": "center",
    "organisation": "organization",
    "defence": "defense",
    "kontsern": "concern",
    "koncern": "concern",
}
STOP_WORDS = frozenset(
    {
        "of",
        "the",
        "and",
        "for",
        "de",
        "del",
        "la",
        "le",
        "du",
        "des",
        "al",
        "el",
        "und",
        "et",
        "y",
        "i",
        "e",
        "a",
        "an",
        "da",
        "di",
        "do",
        "dos",
        "das",
        "van",
        "von",
        "der",
        "va",  # Persian "and"
        "wa",
        "ve",  # Turkish "and"
    }
)
GENERIC_WEIGHT = 0.15
SHORT_WEIGHT = 0.6


@dataclass(frozen=True)
class NameForm:
    """One name as the matcher sees it."""

    original: str
    tokens: tuple[str, ...]  # core tokens: Latin, lower case, legal forms and stop words removed
    legal_forms: tuple[str, ...]  # generic legal forms found (llc, jsc...), for the reasons
    # Per token, what rigour's symbol tables say it means in any language ("торговый", "trade": TRADE;
    # "大学", "university": UNIVERSITY; "Vladimir", "Uladzimir": one Wikidata name), empty when unknown.
    symbols: tuple[frozenset[str], ...] = ()

    @property
    def core(self) -> str:
        return " ".join(self.tokens)

    def symbols_of(self, index: int) -> frozenset[str]:
        return self.symbols[index] if index < len(self.symbols) else frozenset()


HONORIFIC = "@"  # marks the words of a dedication ("named after Academician E.I. Zababakhin")
# Words that open a dedication in Russian and Belarusian names of bodies ("имени", "им.").
DEDICATIONS = (("named", "after"), ("imeni",), ("im",), ("imja",))
_DEDICATION_STARTS = frozenset(opener[0] for opener in DEDICATIONS)


def token_weight(token: str) -> float:
    if token.startswith(HONORIFIC):
        return GENERIC_WEIGHT
    if token in GENERIC_WORDS or token in FOREIGN_COMMON or token in PLACE_WORDS:
        return GENERIC_WEIGHT
    if len(token) <= 2:
        return SHORT_WEIGHT
    return 1.0


@lru_cache(maxsize=65536)
def latin(text: str) -> str:
    """Lower-case Latin letters, digits and single spaces (any script, any punctuation)."""
    # ICU writes the Arabic letter ain (ع) as "?", which would cut a word in two ("sn?ty" for صنعتی); the
    # Russian х as "h", where the lists (BGN/PCGN, passports) write "kh" ("Tekhnraiz", "Alfastrakhovanie").
    if text.isascii():
        return normalize_name(text) or ""
    return normalize_name(_AIN.sub("", ascii_text(text.translate(_KHA)))) or ""


_THAI = re.compile("[\u0e00-\u0e7f]")
_THAI_WORD = re.compile("[\u0e00-\u0e7f]+")
# ICU's Thai-Latin is ISO 11940: a letter for each Thai letter, marks on vowels, a mark after silent letters.
# The lists write Thai names in the Royal Thai General System: its vowels, and a final consonant as it sounds.
_ISO_SILENT = re.compile("[a-z][\u0300-\u0311\u0313-\u036f]*\u0312")
_ISO_VOWELS = str.maketrans({"ị": "ai", "ı": "ai", "ả": "am", "æ": "ae", "ʹ": ""})
_ISO_UE = re.compile("ụ\u0304?")
_THAI_CARRIER = re.compile("^x|x(?=[aeiou])")  # อ before a vowel carries it and is not heard
_THAI_W_VOWEL = re.compile("(?<=[^aeiouw])w(?=[^aeiouy])")  # ว between consonants is the vowel "ua"
_THAI_FINAL = re.compile("(?<=[aeiou])(ch|c|s|d|th|t|j|b|ph|f|kh|g|r|l)[^aeiou]*$|(?<=ai)y$")
_THAI_FINAL_SOUNDS = {"b": "p", "ph": "p", "f": "p", "kh": "k", "g": "k", "r": "n", "l": "n", "y": ""}


def thai_latin(word: str) -> str:
    """A Thai word in Latin letters close to the Royal Thai General System ("สุวิทย์" suwit, "พวงเพชร"
    phuangphet), from ICU's letter-for-letter transliteration."""
    iso = _THAI_TRANSLITERATOR().transliterate(word).replace(" ", "")
    iso = _ISO_UE.sub("ue", _ISO_SILENT.sub("", iso).translate(_ISO_VOWELS))
    sound = _THAI_W_VOWEL.sub("ua", _THAI_CARRIER.sub("", ascii_text(iso).lower()))
    sound = sound.replace("x", "o").replace("c", "ch").replace("chh", "ch")
    return _THAI_FINAL.sub(lambda final: _THAI_FINAL_SOUNDS.get(final.group(1) or "y", "t"), sound)


@lru_cache(maxsize=1)
def _THAI_TRANSLITERATOR() -> icu.Transliterator:  # noqa: N802 - one shared ICU transliterator
    return icu.Transliterator.createInstance("Thai-Latin")


_KHA = str.maketrans({"х": "kh", "Х": "Kh"})
_EZAFE = re.compile(r"(?<=[a-z])-y?e\b")  # Persian "of" joined to a word in Latin ("Setad-e Kol-e Niruha-ye")
# Letters only Persian writes (پ چ ژ گ ک ی); in a Persian name ض, ظ and ذ sound z, as the lists write them
# ("رضا" Reza, "ذوالفقار" Zolfaghar), where ICU reads them as Arabic (d, z, dh).
_PERSIAN_LETTERS = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc]")
_PERSIAN_Z = str.maketrans({"\u0636": "\u0632", "\u0638": "\u0632", "\u0630": "\u0632"})


_AIN = re.compile(r"(?<=[A-Za-z])\?(?=[A-Za-z])|\?$")
# Persian plural and adjective endings written after a zero-width non-joiner ("پایانه‌های": terminals).
_PERSIAN_SUFFIX = re.compile("\u200c(?:هایی|های|ها|ای|ی)(?=\\s|$)")
# Arabic words carry the article and a preposition or conjunction as prefixes ("للاستثمار": for the
# investment, "والاستثمار": and the investment); they are cut off before a word is read in Latin.
_ARABIC_CLITIC = re.compile("^(?:وال|بال|فال|كال|لل|ال)(?=[\u0621-\u064a\u067e-\u06cc]{3})")


_AND = "و"  # "and" in Arabic and Persian, written as a word of its own ("صنایع و معادن")


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th|y|yi|iy|ii|oy|oi|ya|ye|yy)$")
_SYMBOL_KINDS = frozenset({"SYMBOL", "DOMAIN", "ORGCLS", "NAME", "NUM", "NICK"})


_HAN_PLACE_SUFFIXES = frozenset("市省县区")  # city, province, county, district after a place's name


def segment_han(text: str) -> str:
    """Chinese written with spaces between words, so that each reads as one pinyin word ("haerbin")."""

    def cut(match: re.Match[str]) -> str:
        words: list[str] = []
        alone = ""
        breaker = icu.BreakIterator.createWordInstance(icu.Locale("zh"))
        run = match.group(0)
        breaker.setText(run)
        start = breaker.first()
        for end in breaker:
            word = run[start:end]
            start = end
            if len(word) == 1:
                if words and not alone and word in _HAN_PLACE_SUFFIXES:
                    continue  # "深圳市": Shenzhen city, written "Shenzhen"
                alone += word
                continue
            if alone:
                words.append(alone)
                alone = ""
            words.append(word)
        if alone:
            words.append(alone)
        return " " + " ".join(words) + " "

    return _HAN.sub(cut, text)


_HANGUL = re.compile("[\uac00-\ud7a3]")
_KOREAN_INITIALS = {"g": "k", "d": "t", "b": "p", "l": "r"}
_KOREAN_FINALS = {"g": "k", "d": "t", "b": "p"}


def _korean_syllable(syllable: str) -> str:
    """A Hangul syllable read as the lists romanise Korean names (McCune-Reischauer without its marks:
    김석철 is "Kim Sok Chol", where ICU reads "gim seog cheol")."""
    sound = latin(syllable).replace(" ", "")
    if not sound:
        return sound
    sound = _KOREAN_INITIALS.get(sound[0], sound[0]) + sound[1:]
    sound = sound.replace("eo", "o").replace("eu", "u")
    if len(sound) > 1 and sound[-1] in _KOREAN_FINALS and not sound.endswith("ng"):
        sound = sound[:-1] + _KOREAN_FINALS[sound[-1]]
    return sound


_KOREAN_VOICED = {"k": "g", "t": "d", "p": "b"}


def _korean_word(syllables: str) -> str:
    """Hangul syllables read as one romanised word, with McCune-Reischauer's voicing of k, t and p after a
    vowel or a nasal inside a word (단군 "Tangun", 광선 "Kwangson")."""
    word = ""
    for char in syllables:
        sound = _korean_syllable(char)
        if word and sound and sound[0] in _KOREAN_VOICED and word[-1] in "aeiouymnlr":
            sound = _KOREAN_VOICED[sound[0]] + sound[1:]
        word += sound
    return word


def _korean_words(word: str) -> list[str]:
    """A Korean body's name, written without spaces, cut into the words of org_words.tsv ("조선광선은행":
    joson, kwangson, unhaeng) and the runs of other syllables between them, each read as one word. A word of
    one syllable (성, ministry) is cut off only at the end of the name, after a known word."""
    out: list[str] = []
    run = ""
    start = 0
    while start < len(word):
        known = next((w for w in KOREAN_WORDS if word.startswith(w, start)), None)
        if known is not None and len(known) == 1 and (run or start == 0 or start + 1 < len(word)):
            known = None  # one syllable is a word only at the end, after a known word (로동성: rodong, song)
        if known is None:
            run += word[start] if _HANGUL.match(word[start]) else ""
            start += 1
            continue
        if run:
            out.append(_korean_word(run))
            run = ""
        out.append(_korean_word(known))
        start += len(known)
    if run:
        out.append(_korean_word(run))
    return [w for w in out if w]


_KOREAN_ROMANISATIONS = (("eo", "o"), ("eu", "u"), ("ae", "e"), ("oo", "u"), ("sh", "s"), ("hn", "n"))
_REVISED_INITIALS = {"b": "p", "d": "t", "g": "k", "j": "ch", "l": "r"}
_KOREAN_DROPPED = re.compile(r"^[rl](?=[iy])|(?<=[aeiou])h$")  # South Korean "Im" for "Rim"; "Oh" for "O"


@lru_cache(maxsize=1 << 14)
def korean_syllable_key(token: str) -> str:
    """A syllable of a Korean name with the differences of its romanisations evened out: the Revised
    Romanisation's voiced initials and vowels against McCune-Reischauer's ("Dong", "Tong"; "Bu", "Pu";
    "Hyeok", "Hyok"; "Sohn", "Son"; "Rim", "Im"; "Oh", "O"); empty for a word of more than one syllable."""
    if not token.isalpha() or len(token) > 5:
        return ""
    token = _KOREAN_DROPPED.sub("", token)
    for old, new in _KOREAN_ROMANISATIONS:
        token = token.replace(old, new)
    return _REVISED_INITIALS.get(token[0], token[0]) + token[1:] if token else ""


def _word_latin(word: str, *, person: bool = True) -> list[str]:
    if _HAN.search(word):
        return [latin(word).replace(" ", "")]
    if _HANGUL.search(word):
        if not person and any(len(known) > 1 and known in word for known in KOREAN_WORDS):
            return _korean_words(word)
        # Korean names are written without spaces: each syllable is one word of the romanised name.
        return [s for s in (_korean_syllable(char) for char in word if _HANGUL.match(char)) if s]
    out = []
    for token in latin(word).split():
        ordinal = _ORDINAL.match(token)
        out.append(ordinal.group(1) if ordinal else token)
    return out


# The syllables of Mandarin in pinyin without tones, as ICU's Han-Latin reads the Chinese characters, of two
# letters or more ("a", "e", "o" alone would let English words pass for pinyin).
PINYIN_SYLLABLES = frozenset(
    """
    ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce
    cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui
    chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de den deng di dian diao die ding diu
    dong dou du duan dui dun duo ei en eng er fa fan fang fei fen feng fiao fo fou fu ga gai gan gang
    gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng
    hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan
    jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan
    lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo ma mai
    man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen
    neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nun nuo ou pa pai pan pang pao pei pen
    peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que
    qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen seng sha
    shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song
    sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun
    tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun
    ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha
    zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi
    zong zou zu zuan zui zun zuo
    """.split()
)


@lru_cache(maxsize=1 << 16)
def pinyin(token: str) -> tuple[str, ...] | None:
    """A word cut into pinyin syllables ("hengsheng": heng, sheng), or None when it cannot be cut so (into
    two syllables or more)."""
    syllables = PINYIN_SYLLABLES
    best: list[tuple[str, ...] | None] = [()] + [None] * len(token)
    for end in range(1, len(token) + 1):
        for start in range(max(0, end - 6), end - 1):
            head = best[start]
            if head is not None and token[start:end] in syllables:
                best[end] = (*head, token[start:end])
                break
    found = best[len(token)]
    return found if found is not None and len(found) >= 2 else None


_RUSSIAN_ENDINGS = re.compile(r"(oy|iy|yy|yi|ij|yj|ii)$")
# Latin words that look transliterated from Russian: adjective and noun endings, letters of Cyrillic
# ("zh", "kh", "ts", "shch"), which are the ones worth reading back into Russian.
_RUSSIAN_WORD = re.compile(
    r"(y|iy|oy|yy|yi|ij|aya|oye|oe|ye|ogo|ykh|ikh|ovo|stvo|iye|iya|tr|kt)$|zh|kh|ts|shch"
)


@lru_cache(maxsize=1 << 17)
def _russian_symbols(word: str) -> frozenset[str]:
    """The symbols of a Latin word read back into Russian (ICU's BGN table): a transliterated Russian word
    ("torgovoy": TRADE, "tsentr": CENTER) means what rigour's table says its Cyrillic spelling means."""
    cyrillic = _TO_RUSSIAN().transliterate(_RUSSIAN_ENDINGS.sub("y", word))
    found: set[str] = set()
    for name in analyze_names(NameTypeTag.ORG, [cyrillic], rewrite=False, consolidate=False, phonetics=False):
        for span in name.spans:
            kind = span.symbol.category.value
            if kind in ("SYMBOL", "DOMAIN") and len(span.parts) == 1:
                found.add(("D:" if kind == "DOMAIN" else "") + span.symbol.id)
    return frozenset(found)


@lru_cache(maxsize=1)
def _TO_RUSSIAN() -> icu.Transliterator:  # noqa: N802 - one shared ICU transliterator
    return icu.Transliterator.createInstance("Latin-Russian/BGN")


PLACEHOLDER = "qqq"  # stands for a word that means nothing in rigour's tables, so that taggings are shared
ABJAD = "!abjad"  # marks a word written in a script without short vowels (Arabic, Persian, Hebrew)
_ABJAD = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


@lru_cache(maxsize=1 << 17)
def _tag(text: str) -> tuple[frozenset[str], ...] | None:
    """rigour's symbols of each word of a (normalised) text; None when its words cannot be lined up."""
    words = text.split()
    found: list[set[str]] = [set() for _ in words]
    for name in analyze_names(NameTypeTag.ORG, [text], rewrite=False, consolidate=False, phonetics=False):
        if [part.form for part in name.parts] != words:
            return None
        for span in name.spans:
            kind = span.symbol.category.value
            if kind not in _SYMBOL_KINDS:
                continue
            # A phrase's symbol is marked "+" on each of its words; a field of activity "D:" when the word
            # is written in another script than Latin, "d:" when it is not.
            symbol = span.symbol.id
            if kind == "DOMAIN":
                symbol = ("d:" if all(p.form.isascii() for p in span.parts) else "D:") + symbol
            if len(span.parts) > 1:
                symbol = "+" + symbol
            for part in span.parts:
                found[part.index].add(symbol)
    return tuple(frozenset(f) for f in found)


def _known(word: str) -> bool:
    tags = _tag(word)
    return word in STOP_WORDS or word in GENERIC_WORDS or bool(tags and tags[0])


def _symbols(words: list[str]) -> list[set[str]]:
    """What rigour's taggers say each word means (empty sets when they say nothing or cannot be lined up).

    The name is tagged as a whole (phrases: "research and production enterprise") with each word that means
    nothing alone replaced by a placeholder, so that one tagging serves all names of one shape."""
    found: list[set[str]] = [set() for _ in words]
    shape = [w if _known(w) else PLACEHOLDER for w in words]
    if any(w != PLACEHOLDER for w in shape):
        tags = _tag(" ".join(shape))
        if tags is not None:
            found = [set(t) for t in tags]
    for index, word in enumerate(words):
        if (
            not found[index]
            and len(word) >= 4
            and word.isascii()
            and word.isalpha()
            and _RUSSIAN_WORD.search(word) is not None
        ):
            found[index] |= _russian_symbols(word)
    return found


_PHRASE_STARTS = frozenset(phrase[0] for phrase in EXTRA_LEGAL_PHRASES)


def _drop_phrases(tokens: list[str], symbols: list[set[str]], found: list[str]) -> None:
    if _PHRASE_STARTS.isdisjoint(tokens):
        return
    for phrase in EXTRA_LEGAL_PHRASES:
        size = len(phrase)
        index = 0
        while index + size <= len(tokens):
            if tuple(tokens[index : index + size]) == phrase:
                found.append(" ".join(phrase))
                del tokens[index : index + size]
                del symbols[index : index + size]
            else:
                index += 1


def _mark_dedication(tokens: list[str], symbols: list[set[str]]) -> None:
    """The words after "named after" (имени) honour someone: they are kept, but count little, as a customer
    often leaves them out ("RFNC-VNIITF" for "RFNC-VNIITF named after Academician E.I. Zababakhin")."""
    if _DEDICATION_STARTS.isdisjoint(tokens):
        return
    for start in range(1, len(tokens)):
        for opener in DEDICATIONS:
            end = start + len(opener)
            if tuple(tokens[start:end]) == opener and end < len(tokens):
                tokens[start:] = [HONORIFIC + t for t in tokens[end:]]
                del symbols[start : start + len(opener)]
                return


@lru_cache(maxsize=65536)
def analyse(name: str, *, person: bool = False) -> NameForm | None:
    """Reduce a name to its core tokens; None when nothing is left of it.

    Legal forms are found by rigour's table in the name's own script ("ООО", "д.о.о.", "有限公司") and again
    in Latin, and by the few of EXTRA_LEGAL_FORMS and EXTRA_LEGAL_PHRASES; the words are then read in Latin
    one by one (Chinese cut into words first), each keeping what rigour's symbol tables say it means.
    """
    if "\u200c" in name:
        name = _PERSIAN_SUFFIX.sub("", name)
    spoken = name
    if _THAI.search(name):  # read before its vowel signs are taken for accents and dropped
        spoken = _THAI_WORD.sub(lambda word: thai_latin(word.group()), name)
    if _PERSIAN_LETTERS.search(name):
        spoken = spoken.translate(_PERSIAN_Z)
    text = _EZAFE.sub("", " ".join(segment_han(spoken).casefold().split()))
    if not text:
        return None
    forms: list[str] = []
    if person:
        text = remove_person_prefixes(text)
    else:
        found = extract_org_types(text, generic=True)
        if found:
            targets = {target for _, target in found if target}
            forms += [latin(matched) for matched, _ in found]
            replaced = replace_org_types_compare(text, generic=True)
            text = " ".join(w for w in replaced.split() if w not in targets)
    words = [
        w if w.isascii() else _ARABIC_CLITIC.sub("", w)
        for w in (normalize_name(text) or "").split()
        if w != _AND
    ]
    # Organisations' words are looked up in rigour's symbol tables; people's names are not (its table of
    # given and family names takes long to load; skeleton() evens out their usual spellings instead).
    tagged: list[set[str]] = [set() for _ in words] if person else _symbols(words)
    for index, word in enumerate(words):
        if _ABJAD.search(word):
            tagged[index].add(ABJAD)
    tokens: list[str] = []
    symbols: list[set[str]] = []
    for word, meaning in zip(words, tagged, strict=True):
        for token in _word_latin(word, person=person):
            token = SYNONYMS.get(token, token)
            for part in (token,) if person or len(token) < COMPOUND_LENGTH else split_compound(token):
                tokens.append(part)
                extra = None if person else org_meanings(part)
                symbols.append(meaning | extra if extra else meaning)
    if not person:
        _drop_phrases(tokens, symbols, forms)
        _mark_dedication(tokens, symbols)
    kept = [
        (t, m)
        for t, m in zip(tokens, symbols, strict=True)
        if t not in STOP_WORDS and (person or t not in EXTRA_LEGAL_FORMS)
    ]
    if not person:
        forms += [t for t in tokens if t in EXTRA_LEGAL_FORMS]
    if not kept:
        # A name made only of small words ("The Group") keeps them rather than vanish.
        kept = [(t, m) for t, m in zip(tokens, symbols, strict=True) if t not in STOP_WORDS]
        kept = kept or list(zip(tokens, symbols, strict=True))
    if not kept:
        return None
    legal = tuple(sorted({f for f in forms if f}))
    return NameForm(name, tuple(t for t, _ in kept), legal, tuple(frozenset(m) for _, m in kept))


_BELARUSIAN_IA = re.compile(r"(?<=[a-z])ia(?=[bcdfghjklmnpqrstvwxz])")
_SKELETON = (
    ("x", "ks"),  # "Mirex", "Мирекс"; "Techexpertiza", "Tekhekspertiza"
    ("ou", "u"),
    ("au", "av"),  # Belarusian ў for Russian в ("Auramenka", "Avramenko")
    ("dzh", "j"),
    ("zh", "j"),
    ("kh", "k"),
    ("ch", "k"),
    ("ck", "k"),
    ("ph", "f"),
    ("gi", "ji"),
    ("ge", "je"),
    ("w", "v"),
    ("y", "i"),
    ("z", "s"),
    ("q", "k"),
    ("c", "k"),
)


@lru_cache(maxsize=1 << 18)
def skeleton(token: str, *, endings: bool = True) -> str:
    """A token with the usual differences of romanisation evened out ('pozitiv', 'positive'); with
    `endings`, a plural -s and final vowels are dropped too."""
    if len(token) >= 5 and token.endswith("ou"):
        token = token[:-2] + "ov"  # Belarusian -ou (-оў) for Russian -ov ("Karpiankou", "Karpenkov")
    token = _BELARUSIAN_IA.sub("e", token)  # Belarusian я for Russian е ("Aliaksei", "Aleksei")
    for old, new in _SKELETON:
        token = token.replace(old, new)
    out: list[str] = []
    for char in token:
        if not out or out[-1] != char:
            out.append(char)
    sound = "".join(out)
    if not endings:
        return sound
    if len(sound) >= 5:
        sound = sound.rstrip("s")  # a plural ("CloudMinds", "CloudMind")
    if len(sound) >= 6:
        return sound.rstrip("aeo")  # an ending of another language ("Avramenko", "Auramenka")
    return sound.rstrip("e") or token


@lru_cache(maxsize=1 << 18)
def consonants(token: str) -> str:
    """The consonants of a token's skeleton: Persian and Arabic are written without short vowels
    ("tjart" and "tejarat" read from تجارت)."""
    return "".join(c for c in skeleton(token, endings=False) if c not in "aeiou")


@lru_cache(maxsize=1 << 16)
def abjad_key(token: str) -> str:
    """A word's consonants without doubled letters: what Arabic or Persian script writes of it ("الهه" alhh,
    "Elaheh"; "یزدی" yzdy, "Yazdi")."""
    out: list[str] = []
    # ق and غ, read "q" and "gh", are both written "gh" or "q" in Latin ("تقی" tqy, "Taghi").
    for char in consonants(token.replace("gh", "q")):
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def abjad_loose_key(token: str) -> str:
    """abjad_key without v: the letter و is the vowel u or o as often as the consonant v ("نیرو" nyrw,
    "Niru"; "جمهوری" jmhwry, "Jomhouri")."""
    return abjad_key(token).replace("v", "")


# Letters one sound is written with in the romanisations of Arabic, Persian, Russian and Malay names: French
# "ch" for "sh" ("Hamcho", "Hamsho"), Malay "sy" ("Ba'asyir", "Bashir"), "q" for "gh" ("Naqdi", "Naghdi"),
# Russian "ev" for "eu" ("Evro", "Euro"); doubled vowels are one vowel.
_ROMANISATION_FOLDS = (("sy", "sh"), ("q", "gh"), ("eu", "ev"))
_FRENCH_CH = re.compile("ch(?=[aeiou])")  # before a consonant, ch is Russian ч ("Puchkov", "Pushkov")
_DOUBLED_VOWEL = re.compile(r"([aeiou])\1")


@lru_cache(maxsize=1 << 16)
def romanisation_fold(token: str) -> str:
    """A word with the letters romanisations write for one sound made one ("hamcho", "hamsho": hamsho)."""
    token = _FRENCH_CH.sub("sh", token)
    for old, new in _ROMANISATION_FOLDS:
        token = token.replace(old, new)
    return _DOUBLED_VOWEL.sub(r"\1", token)


GIVEN_NAMES_FILE = Path(__file__).with_name("given_names.tsv")
_PATRONYMIC = re.compile(r"(?:ievich|yevich|ovych|evych|ovich|evich|avich|ivna|ovna|evna|avna)$")


def _name_stem(word: str) -> str:
    return word.rstrip("aeiouy") or word


def _load_given_names() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for line in GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        forms = line.split()
        for form in forms:
            found.setdefault(form, set()).add(forms[0])
            found.setdefault("~" + _name_stem(form), set()).add(forms[0])
    return {k: frozenset(v) for k, v in found.items()}


_GIVEN_NAMES = _load_given_names()


@lru_cache(maxsize=1 << 16)
def given_name(token: str) -> frozenset[str]:
    """Which given name a word of a person's name is, in any of its Russian, Ukrainian or Belarusian forms,
    or the patronymic made from it ("Siarheevich", "Sergeyevich": sergei); none for other words."""
    found = _GIVEN_NAMES.get(token)
    if found:
        return found
    patronymic = _PATRONYMIC.search(token)
    if patronymic and patronymic.start() >= 3:
        # A patronymic meets only a patronymic ("Siarheevich", not the son's given name "Sergei").
        names = _GIVEN_NAMES.get("~" + _name_stem(token[: patronymic.start()]), frozenset())
        return frozenset("p:" + name for name in names)
    return frozenset()


ORG_WORDS_FILE = Path(__file__).with_name("org_words.tsv")


def _load_korean_words() -> tuple[str, ...]:
    """The Korean words of org_words.tsv, longest first (Korean names of bodies are cut into them)."""
    found = set()
    for line in ORG_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            _, language, words = line.split("\t")
            if language == "ko":
                found.update(words.split())
    return tuple(sorted(found, key=len, reverse=True))


KOREAN_WORDS = _load_korean_words()


_Table = dict[str, frozenset[str]]


def _load_org_words() -> tuple[_Table, _Table, _Table, frozenset[str]]:
    """org_words.tsv read as the analyser reads names: meanings by word and by its skeleton, and the
    words of other languages than English whose English words are common ones."""
    meanings: dict[str, set[str]] = {}
    abjad: dict[str, set[str]] = {}
    english: dict[str, set[str]] = {}
    foreign: dict[str, set[str]] = {}
    for line in ORG_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        meaning, language, words = line.split("\t")
        for word in words.split():
            word = _ARABIC_CLITIC.sub("", _PERSIAN_SUFFIX.sub("", word))
            if language == "fa":
                word = word.translate(_PERSIAN_Z)
            for token in _word_latin(word, person=False):
                token = SYNONYMS.get(token, token)
                meanings.setdefault(token, set()).add("W" + meaning)
                if language in ("ar", "fa") and len(consonants(token)) >= 3:
                    abjad.setdefault(consonants(token), set()).add("W" + meaning)
                    if len(abjad_loose_key(token)) >= 3:
                        abjad.setdefault(abjad_loose_key(token), set()).add("W" + meaning)
                if language == "en":
                    english.setdefault(meaning, set()).add(token)
                elif not (language == "ko" and len(word) == 1):  # "song" (성) is a person's name as often
                    foreign.setdefault(meaning, set()).add(token)
    common_meanings = {m for m, words in english.items() if any(w in GENERIC_WORDS for w in words)}
    common = {t for m in common_meanings for t in foreign.get(m, ())} - set().union(*english.values())
    by_sound: dict[str, set[str]] = {}
    for token, found in meanings.items():
        if len(token) >= 5 and token.isalpha():
            by_sound.setdefault(skeleton(token), set()).update(found)
    return (
        {t: frozenset(m) for t, m in meanings.items()},
        {t: frozenset(m) for t, m in by_sound.items()},
        {t: frozenset(m) for t, m in abjad.items()},
        frozenset(common),
    )


@lru_cache(maxsize=1 << 16)
def org_meanings(token: str) -> frozenset[str]:
    """What org_words.tsv says a word means ("ticaret", "tjart", "trade": WTRADE), by spelling or sound."""
    found = ORG_MEANINGS.get(token)
    if found is None and len(token) >= 5 and token.isalpha():
        found = ORG_SOUNDS.get(skeleton(token))
    if found is None and token.isalpha():
        # A Persian or Arabic word written in Latin with its vowels ("sanat", صنعت; "madan", معدن).
        found = ORG_ABJAD.get(consonants(token)) or ORG_ABJAD.get(abjad_loose_key(token))
    return found or frozenset()


ORG_MEANINGS, ORG_SOUNDS, ORG_ABJAD, FOREIGN_COMMON = _load_org_words()
# Common words that end a compound ("radiozavod": radio plant), by their last five letters.
_COMPOUND_ENDS: dict[str, list[str]] = {}
# Common words that begin one with Russian's linking vowel ("verkhnevolzhsky": upper, of the Volga), by
# their first five letters.
_COMPOUND_STARTS: dict[str, list[str]] = {}
for _word in ORG_MEANINGS:
    if len(_word) >= 5 and _word.isalpha():
        _COMPOUND_ENDS.setdefault(_word[-5:], []).append(_word)
        if _word[-1] in "eo":
            _COMPOUND_STARTS.setdefault(_word[:5], []).append(_word)


def _load_initials() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """The first letters of a meaning's words in English and Russian (read in Latin), so that an acronym of
    Russian words meets a listing in English ("VOMZ": Vologodsky Optiko Mekhanichesky Zavod, "... FACTORY");
    and those of its Russian words alone (blocking keys)."""
    found: dict[str, set[str]] = {}
    russian: dict[str, set[str]] = {}
    for line in ORG_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        meaning, language, words = line.split("\t")
        if language in ("en", "ru"):
            for word in words.split():
                for token in _word_latin(word):
                    found.setdefault("W" + meaning, set()).add(token[0])
                    if language == "ru":
                        russian.setdefault("W" + meaning, set()).add(token[0])
    return (
        {m: frozenset(letters) for m, letters in found.items()},
        {m: frozenset(letters) for m, letters in russian.items()},
    )


_INITIALS, _RUSSIAN_INITIALS = _load_initials()


@lru_cache(maxsize=1 << 16)
def initial_letters(token: str) -> frozenset[str]:
    """The letters a word may stand for in an acronym: its own first letter, and those of its meaning's
    words in English and Russian ("factory": f, p, w, m, z, k)."""
    letters = {token[0]}
    for meaning in org_meanings(token):
        letters |= _INITIALS.get(meaning, frozenset())
    return frozenset(letters)


@lru_cache(maxsize=1 << 16)
def _russian_initials(token: str) -> tuple[str, ...]:
    letters = {token[0]}
    for meaning in org_meanings(token):
        letters |= _RUSSIAN_INITIALS.get(meaning, frozenset())
    return tuple(sorted(letters))


ACRONYM_RUN = 7  # the longest acronym looked up as the initials of a run of words
LISTED_ACRONYM = 5  # a listed word this short may be an acronym a customer writes out ("OKB MEI")
ACRONYM_VARIANTS = 32  # at most this many readings of one run (each word by its own or its Russian initial)
_ACRONYM_FOLDS = (
    ("shch", "s"),
    ("sch", "s"),
    ("ch", "c"),
    ("sh", "s"),
    ("zh", "z"),
    ("kh", "k"),
    ("ts", "t"),
)


def run_initials(tokens: tuple[str, ...], longest: int = ACRONYM_RUN, *, plain: bool = True) -> set[str]:
    """Blocking keys for acronyms of a name's runs of three words or more, each word read by its own first
    letter or by that of its meaning's Russian words ("FACTORY": f or z, "VOMZ"); without `plain`, runs of
    four words or more only by the readings with a Russian letter (fewer keys; the name's own initials
    are a key of their own, "^1:")."""
    words = [t for t in tokens if not t.startswith(HONORIFIC) and t[0].isalpha()]
    keys: set[str] = set()
    for start in range(len(words)):
        for size in range(3, min(longest, len(words) - start) + 1):
            run = words[start : start + size]
            readings = [""]
            for word in run:
                letters = _russian_initials(word)
                readings = [r + letter for r in readings for letter in letters][:ACRONYM_VARIANTS]
            keys.update(readings)
            if not plain and size > 3:
                keys.discard("".join(word[0] for word in run))
    return keys


def acronym_slots(tokens: tuple[str, ...], longest: int = ACRONYM_RUN) -> set[str]:
    """A name's words that may be acronyms, as written and with Russian digraphs made one letter."""
    out: set[str] = set()
    for token in tokens:
        if 3 <= len(token) <= longest and token.isalpha() and token not in GENERIC_WORDS:
            out.add(token)
            folded = token
            for old, new in _ACRONYM_FOLDS:
                folded = folded.replace(old, new)
            out.add(folded)
    return out


COMPOUND_LENGTH = 9


def split_compound(token: str) -> tuple[str, ...]:
    """A word made of another and a common word of organisations, cut in two ("radiozavod": radio,
    zavod; "verkhnevolzhsky": verkhne, volzhsky); other words as they are."""
    if len(token) < COMPOUND_LENGTH or token in ORG_MEANINGS or token in GENERIC_WORDS:
        return (token,)
    for end in _COMPOUND_ENDS.get(token[-5:], ()):
        head = token[: -len(end)]
        if token.endswith(end) and len(head) >= 4:
            return head, end
    for start in _COMPOUND_STARTS.get(token[:5], ()):
        tail = token[len(start) :]
        if token.startswith(start) and len(tail) >= 4:
            return start, tail
    return (token,)


def meaning_keys(form: NameForm, index: int) -> list[str]:
    """Keys for what a word means by rigour's symbol tables, so that a translation finds its original."""
    return [
        "#" + symbol.split(":", 1)[-1]
        for symbol in form.symbols_of(index)
        if not symbol.startswith(("+", "d:", "!")) and not symbol.isdigit()
    ]


def initials(tokens: tuple[str, ...]) -> str:
    return "".join(t[0] for t in tokens if not t.startswith(HONORIFIC))


def abbreviations(tokens: tuple[str, ...]) -> set[str]:
    """What a name of several words may be shortened to: its initials, with or without common words."""
    options = {initials(tokens), initials(tuple(t for t in tokens if t not in GENERIC_WORDS))}
    if tokens and tokens[-1] in GENERIC_WORDS:
        options.add(initials(tokens[:-1]))
    return {o for o in options if len(o) >= 3}


def short_form(tokens: tuple[str, ...]) -> str | None:
    """The one short distinctive word of a name that may be an abbreviation ("ZTE Corp": "zte")."""
    distinctive = [t for t in tokens if t not in GENERIC_WORDS]
    if len(distinctive) == 1 and 3 <= len(distinctive[0]) <= 6:
        return distinctive[0]
    return None


_VOWEL_RUN = re.compile(r"[aeiou]{2,}")
# Russian adjectives of place ("Kamsky" of the Kama, "Ryazansky" of Ryazan).
PLACE_ADJECTIVE = re.compile(r"sk(?:y|iy|ii|ij|aya|aja|oye|oe|oi|oy|ogo|ovo)$")


CONSONANT_KEY_LENGTH = 6  # words this long, of two consonants fewer, are also looked up by their consonants


@lru_cache(maxsize=1 << 16)
def _sound_keys(token: str) -> tuple[str, ...]:
    """A word's sound: its skeleton with each run of two vowels or more made one mark and final vowels
    dropped ("Babaei", "Babaie"; "Andreyev", "Andreeva"; "Sunny", "Sunne"). Words of one skeleton have one
    sound, so this key finds what a key of the skeleton would."""
    if len(token) < 4 or token.isdigit() or token.startswith(HONORIFIC):
        return ()
    key = "%" + _vowels_blurred(skeleton(token))
    keys: tuple[str, ...] = (key,)
    adjective = PLACE_ADJECTIVE.search(token)
    if adjective and adjective.start() >= 3:
        keys += ("%" + _vowels_blurred(skeleton(token[: adjective.start()])),)
    if len(token) >= CONSONANT_KEY_LENGTH and token.isalpha():
        # Its consonants alone: the matcher lets names differing in their vowels meet ("Fortop", "Fortap";
        # "Kharaneka", "Khoroneko").
        bare = abjad_key(token)
        if len(bare) >= CONSONANT_KEY_LENGTH - 2:
            keys += ("$" + token[0] + bare,)
    if len(token) >= 7 and token.startswith("al"):
        keys += ("%" + _vowels_blurred(skeleton(token[2:])),)  # an Arabic article joined ("Alcardinal")
    keys += tuple("!g" + name for name in given_name(token))  # "Aleh", "Oleg"
    return keys


_GLIDE = re.compile(r"(?<=[aeiou])i(?=[aeiou])")  # the y of "Andreyev" between two vowels


def _vowels_blurred(sound: str) -> str:
    out: list[str] = []
    for char in _GLIDE.sub("", sound):
        if not out or out[-1] != char:
            out.append(char)
    return _VOWEL_RUN.sub("*", "".join(out)).rstrip("aeiou*")


def _consonant_key(form: NameForm, index: int, *, listed: bool) -> list[str]:
    """A word's consonants, to meet a word read from a script without short vowels ("tejarat", تجارت).

    A listed word is looked up under "=a" (if it is written in such a script) or "=l" (if not); a
    customer's word is indexed under the other letter, so that only words of one kind meet words of the
    other, not every Latin word every Latin word of the same consonants."""
    token = form.tokens[index]
    bare = abjad_key(token)
    if len(bare) < 2 or token.startswith(HONORIFIC) or any(c.isdigit() for c in token):
        return []
    abjad = ABJAD in form.symbols_of(index)
    side = "=" + ("a" if abjad == listed else "l")
    loose = abjad_loose_key(token)
    if abjad and loose != bare and len(loose) >= 2:
        return [side + bare, side + loose]  # و read as a vowel ("جمول" jmwl, "Jammoul")
    return [side + bare]


def _base_keys(form: NameForm) -> set[str]:
    tokens = form.tokens
    keys: set[str] = set()
    for index, token in enumerate(tokens):
        keys.add(token)
        # The words of a dedication are looked up by their sound too: a customer writes them without
        # "named after" ("N.N. Andreyev Acoustics Institute").
        keys.update(_sound_keys(token.lstrip(HONORIFIC)))
        keys.update(meaning_keys(form, index))
        keys.update(_consonant_key(form, index, listed=True))
    for left, right in zip(tokens, tokens[1:], strict=False):
        keys.add(left + right)  # (the sound of two joined words is a customer's key only: see index_slots)
        keys.add(_pair_key(left, right))
    return keys


COMPOUND = 10  # two words this long together may be written as one, spelled another way ("Promkomplekt")


def _pair_key(left: str, right: str) -> str:
    """Two neighbouring words in either order ("Carrie Lam", "LAM, Carrie")."""
    return "&" + "+".join(sorted((left, right)))


def probe_keys(form: NameForm) -> set[str]:
    """The keys a listed name is looked up under: its words, their sound, joined neighbours, initials.

    Abbreviations meet across sides only: the initials of a long name look for a one-word name, and a
    one-word name looks for long names with those initials ("ZTE", "Zhongxing Telecommunication Equipment").
    """
    tokens = form.tokens
    keys = _base_keys(form)
    if len(tokens) >= 2:
        keys |= {"^1:" + a for a in abbreviations(tokens)}
    if len(tokens) >= 3:
        keys |= {"^r:" + a for a in run_initials(tokens, plain=False)}
    keys |= {"^s:" + a for a in acronym_slots(tokens, LISTED_ACRONYM)}
    short = short_form(tokens)
    if short:
        keys.add("^n:" + short)
    return keys


STRONG = -1  # a key that alone makes a candidate (a join of two words, initials)


def index_slots(form: NameForm) -> list[tuple[str, int]]:
    """The keys a customer's name is indexed under, each with the word it stands for (or STRONG).

    Common words are left out unless the name has nothing else; a candidate must then share words
    carrying enough of the name's weight (see CustomerIndex), not one common-ish word of three.
    """
    tokens = form.tokens
    everything_generic = all(t in GENERIC_WORDS for t in tokens)
    slots: list[tuple[str, int]] = []
    for index, token in enumerate(tokens):
        if token in GENERIC_WORDS and not everything_generic:
            continue
        slots.append((token, index))
        slots += [(key, index) for key in _sound_keys(token)]
    for index in range(len(tokens)):
        # Common words get no key of their own, nor of their meaning (a word without a key does not count
        # towards what a candidate must share).
        if tokens[index] not in GENERIC_WORDS or everything_generic:
            slots += [(key, index) for key in meaning_keys(form, index)]
            slots += [(key, index) for key in _consonant_key(form, index, listed=False)]
    for left, right in zip(tokens, tokens[1:], strict=False):
        if everything_generic or left not in GENERIC_WORDS or right not in GENERIC_WORDS:
            slots.append((left + right, STRONG))
            if len(left) + len(right) >= COMPOUND:
                slots.append(("%" + _vowels_blurred(skeleton(left + right)), STRONG))
            slots.append((_pair_key(left, right), STRONG))
    if len(tokens) >= 2:
        slots += [("^n:" + a, STRONG) for a in abbreviations(tokens)]
    short = short_form(tokens)
    if short:
        slots.append(("^1:" + short, STRONG))
    slots += [("^r:" + a, STRONG) for a in acronym_slots(tokens)]
    if len(tokens) >= 3:
        slots += [("^s:" + a, STRONG) for a in run_initials(tokens, LISTED_ACRONYM)]
    return slots
