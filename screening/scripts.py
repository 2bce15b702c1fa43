"""Names in other scripts read in Latin: ICU transliteration with the lists' own spellings of Russian,
Persian, Arabic, Chinese (pinyin), Korean (McCune-Reischauer) and Thai (Royal Thai General System)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import icu
from rigour.names import (
    normalize_name,
)
from rigour.text import ascii_text


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
PERSIAN_Z = str.maketrans({"\u0636": "\u0632", "\u0638": "\u0632", "\u0630": "\u0632"})


# Letters only Urdu writes, as the Arabic or Persian letters of their sound, which ICU reads (it drops ہ, the
# "heh goal" of ابراہیم Ibrahim): heh goal and do-chashmi heh, yeh barree, noon ghunna, the retroflex t, d, r.
URDU_LETTERS = str.maketrans(
    {
        "\u06c1": "\u0647",
        "\u06c2": "\u0647",
        "\u06c3": "\u0629",
        "\u06be": "\u0647",
        "\u06d2": "\u06cc",
        "\u06d3": "\u06cc",
        "\u06ba": "\u0646",
        "\u0679": "\u062a",
        "\u0688": "\u062f",
        "\u0691": "\u0631",
    }
)
_URDU = re.compile("[\u06c1-\u06c3\u06be\u06d2\u06d3\u06ba\u0679\u0688\u0691]")


_AIN = re.compile(r"(?<=[A-Za-z])\?(?=[A-Za-z])|\?$")
# Persian plural and adjective endings written after a zero-width non-joiner ("پایانه‌های": terminals).
PERSIAN_SUFFIX = re.compile("\u200c(?:هایی|های|ها|ای|ی)(?=\\s|$)")
# Arabic words carry the article and a preposition or conjunction as prefixes ("للاستثمار": for the
# investment, "والاستثمار": and the investment); they are cut off before a word is read in Latin.
ARABIC_CLITIC = re.compile("^(?:وال|بال|فال|كال|لل|ال)(?=[\u0621-\u064a\u067e-\u06cc]{3})")


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th|y|yi|iy|ii|oy|oi|ya|ye|yy)$")


_HAN_PLACE_SUFFIXES = frozenset("市省县区")  # city, province, county, district after a place's name


def spoken(name: str) -> str:
    """A name made ready to be read in Latin: Thai read already (its vowel signs would be taken for accents
    and dropped), Urdu's own letters written as Arabic ones, ض, ظ and ذ of a Persian name read z, Chinese
    cut into words, lower case, and Persian's ezafe dropped from words written in Latin."""
    if _THAI.search(name):
        name = _THAI_WORD.sub(lambda word: thai_latin(word.group()), name)
    if _URDU.search(name):
        name = name.translate(URDU_LETTERS)
    if _PERSIAN_LETTERS.search(name):
        name = name.translate(PERSIAN_Z)
    return _EZAFE.sub("", " ".join(segment_han(name).casefold().split()))


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


# A romanised Korean syllable: an initial consonant, a vowel, and a final consonant when no vowel follows.
_KOREAN_SYLLABLE = re.compile(
    r"(?:kk|tt|pp|ss|jj|ch|[gkndrlmbpsjht])?(?:wae|wa|we|wi|wo|yae|yeo|ya|ye|yo|yu|ui|ae|eo|oe|eu|[aeiou])"
    r"(?:ng|[kntlmp](?![aeiouwy]))?"
)


@lru_cache(maxsize=1 << 14)
def korean_syllable_keys(token: str) -> tuple[str, ...]:
    """The syllables of a romanised Korean word of two syllables or more, each as korean_syllable_key writes
    it ("Hyoksin": hyok, sin); empty when the word does not read as Korean syllables."""
    syllables = _KOREAN_SYLLABLE.findall(token)
    if len(syllables) < 2 or "".join(syllables) != token:
        return ()
    return tuple(korean_syllable_key(syllable) for syllable in syllables)


def word_latin(word: str, *, person: bool = True) -> list[str]:
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


ORG_WORDS_FILE = Path(__file__).with_name("org_words.tsv")


def org_word_rows() -> Iterator[tuple[str, str, list[str]]]:
    """The rows of org_words.tsv as (meaning, language, words), blank lines and comments left out."""
    for line in ORG_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            meaning, language, words = line.split("\t")
            yield meaning, language, words.split()


def _load_korean_words() -> tuple[str, ...]:
    """The Korean words of org_words.tsv, longest first (Korean names of bodies are cut into them)."""
    found = set()
    for _, language, words in org_word_rows():
        if language == "ko":
            found.update(words)
    return tuple(sorted(found, key=len, reverse=True))


KOREAN_WORDS = _load_korean_words()
