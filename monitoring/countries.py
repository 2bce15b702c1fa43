"""Country context for matching: which countries a folded text names (names, demonyms, main cities)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import ahocorasick

from monitoring import lexicon
from monitoring.text import UNSPACED, Folded, fold, script_of
from monitoring.variants import arabic_clitics

# Country context. Names come from the CLDR data shipped with Babel (English, Spanish, French, Portuguese,
# German, Russian, Arabic); demonyms and main cities (_ joins words) are listed here for the countries
# often in the news about surveillance exports. A trailing * marks a stem (Russian and other inflections).
_COUNTRY_TERMS = {
    "MX": "mexican mexicans mexicain* mexican* mexicano* мексиканск* مكسيكي* mexico_city guadalajara"
    " monterrey"
    " veracruz tijuana chihuahua sinaloa guerrero oaxaca chiapas puebla cdmx",
    "CO": "colombian* colombien* колумбийск* كولومبي* bogota medellin cali barranquilla",
    "PE": "peruvian* peruvien* peruan* перуанск* lima cusco arequipa",
    "AR": "argentin* аргентинск* buenos_aires",
    "BR": "brazilian* bresilien* brasilen* brasileir* бразильск* brasilia sao_paulo rio_de_janeiro",
    "VE": "venezuelan* venezolan* venezuelien* caracas",
    "KE": "kenyan* kenian* kenyane* кенийск* كيني* nairobi mombasa kisumu",
    "RW": "rwandan* rwandais* ruandes* руандийск* kigali",
    "UG": "ugandan* ougandais* ugandes* угандийск* kampala",
    "NG": "nigerian* nigerien* nigerian* нигерийск* abuja lagos kano",
    "CI": "ivorian* ivoirien* marfilen* abidjan yamoussoukro ivory_coast",
    "SN": "senegalese senegalais* senegales* dakar",
    "ET": "ethiopian* ethiopien* etiope* addis_ababa",
    "FR": "french francais* frances francesa* francese* французск* فرنسي* paris lyon marseille elysee",
    "GB": "british britain uk britannique* britanic* британск* بريطاني* london londres лондон* whitehall"
    " england scotland",
    "US": "us usa american americain* estadounidense* norteamerican* американск* сша أمريكي* washington"
    " new_york texas california florida pentagon white_house chicago los_angeles miami houston denver memphis"
    " louisiana luisiana louisiane tennessee arizona",
    "ES": "spanish espagnol* espanol* испанск* madrid barcelona",
    "DE": "german germans allemand* aleman alemana* deutsch* немецк* berlin munich",
    "IT": "italian* italien* italiano* итальянск* rome roma milan milano",
    "IL": "israeli* israelien* israeli* израильск* إسرائيلي* tel_aviv jerusalem",
    "RU": "russian* russe russes ruso rusa rusos rusas российск* русск* روسي* moscow moscou moscu москв*"
    " кремл* kremlin موسكو st_petersburg saint_petersburg петербург*",
    "BY": "belarusian* bielorusse* bielorrus* белорусск* minsk минск*",
    "KZ": "kazakh* казахстанск* astana almaty астан* алмат*",
    "UA": "ukrainian* ukrainien* ucranian* украинск* kyiv kiev киев* київ",
    "EG": "egyptian* egyptien* egipci* египетск* مصري* cairo le_caire el_cairo القاهرة alexandria",
    "SA": "saudi* saoudien* saudita* саудовск* سعودي* riyadh riyad الرياض jeddah",
    "AE": "emirati* emirien* emirati* эмиратск* إماراتي* abu_dhabi dubai أبوظبي دبي uae",
    "MA": "moroccan* marocain* marroqui* марокканск* مغربي* rabat casablanca الرباط",
    "DZ": "algerian* algerien* argelin* алжирск* جزائري* algiers alger argel الجزائر_العاصمة oran",
    "TN": "tunisian* tunisien* tunecin* тунисск* تونسي* tunis tunez",
    "LY": "libyan* libyen* libi* ливийск* ليبي* tripoli benghazi طرابلس بنغازي",
    "SY": "syrian* syrien* sirio* siria* сирийск* سوري* damascus damas дамаск* دمشق aleppo alep",
    "YE": "yemeni* yemenite* yemeni* йеменск* يمني* sanaa aden صنعاء عدن",
    "QA": "qatari* qatarien* catari* катарск* قطري* doha الدوحة",
    "KW": "kuwaiti* koweitien* kuwaiti* кувейтск* كويتي*",
    "OM": "omani* omanais* omani* оманск* عماني* muscat mascate مسقط",
    "SD": "sudanese soudanais* sudanes* суданск* سوداني* khartoum jartum الخرطوم",
    "CM": "cameroonian* camerounais* camerunes* камерунск* yaounde douala",
    "CD": "congolese congolais* congoles* конголезск* kinshasa goma",
    "ZM": "zambian* zambien* zambian* замбийск* lusaka",
    "ZW": "zimbabwean* zimbabween* zimbabuense* зимбабвийск* harare",
    "TZ": "tanzanian* tanzanien* tanzan* танзанийск* dodoma dar_es_salaam",
    "PH": "filipino* philippin* filipin* филиппинск* manila manille",
    "PK": "pakistani* pakistanais* paquistani* пакистанск* باكستاني* islamabad karachi lahore",
    "BD": "bangladeshi* bangladais* bangladesi* бангладешск* dhaka dacca",
    "VN": "vietnamese vietnamien* vietnamita* вьетнамск* hanoi ho_chi_minh",
    "TH": "thai tailandes* thailandais* таиландск* тайск* bangkok",
    "MM": "myanmar burmese birman* birmano* мьянманск* бирманск* yangon naypyidaw",
    "ID": "indonesian* indonesien* indonesi* индонезийск* jakarta yakarta",
    "MY": "malaysian* malaisien* malasi* малайзийск* kuala_lumpur",
    "AZ": "azerbaijani* azerbaidjanais* azerbaiyan* азербайджанск* baku bakou баку",
    "AM": "armenian* armenien* armeni* армянск* yerevan erevan ереван*",
    "GE": "georgian* georgien* georgian* грузинск* tbilisi тбилиси",
    "UZ": "uzbek* ouzbek* uzbeko* узбекск* tashkent tachkent ташкент*",
    "TM": "turkmen* turkmene* туркменск* ashgabat ашхабад*",
    "RS": "serbian* serbe serbes serbi* сербск* belgrade belgrado белград*",
    "RO": "romanian* roumain* rumano* rumana* румынск* bucharest bucarest бухарест*",
    "HU": "hungarian* hongrois* hungar* венгерск* budapest",
    "PL": "polish polonais* polaco* polaca* польск* warsaw varsovie varsovia варшав*",
    "CL": "chilean* chilien* chilen* чилийск* santiago_de_chile",
    "BO": "bolivian* bolivien* bolivian* боливийск* la_paz",
    "EC": "ecuadorian* equatorien* ecuatorian* эквадорск* quito guayaquil",
    "NI": "nicaraguan* nicaraguayen* nicaraguense* никарагуанск* managua",
    "HN": "honduran* hondurien* hondurena* hondureno* гондурасск* tegucigalpa",
    "GT": "guatemalan* guatemalteque* guatemaltec* гватемальск*",
    "CU": "cuban* cubain* cubano* cubana* кубинск* havana la_havane la_habana",
    "AF": "afghan* afgano* afgana* афганск* أفغاني* kabul kaboul кабул*",
    "IR": "iranian* iranien* irani* иранск* إيراني* tehran teheran тегеран* طهران",
    "BH": "bahraini* bahreini* бахрейнск* بحريني* manama المنامة",
    "TR": "turkish turque* turco turca turcos турецк* ankara istanbul",
    "CN": "chinese chinois* chino china* китайск* beijing pekin shanghai",
    "IN": "indian indien* индийск* new_delhi mumbai",
    "KR": "south_korean* sud_coreen* surcoreano* южнокорейск* seoul seul",
    "IQ": "iraqi* irakien* iraqui* иракск* baghdad bagdad بغداد",
    "KG": "kyrgyz* kirghiz* киргизск* кыргызск* bishkek бишкек*",
    "TJ": "tajik* tadjik* таджикск* dushanbe душанбе",
    "JO": "jordanian* jordanien* jordano* иорданск* أردني* amman عمان",
    "LB": "lebanese libanais* libanes* ливанск* لبناني* beirut beyrouth بيروت",
    "SV": "salvadoran* salvadorien* salvadoren*",
}
# Country names that are also ordinary words or people's names.
_AMBIGUOUS_NAMES = frozenset(
    "chad jersey turkey guinea jordan georgia chile maurice reunion granada niger man".split()
)
_SKIPPED_TERRITORIES = frozenset("EU EZ UN QO XA XB ZZ".split())
_HISTORICAL = {"SU": "the Soviet Union"}
# Languages whose country names take case endings ("Serbii", "Szerbiában", "পাকিস্তানের"): a word that
# begins like the name counts where monitoring.inflection says it is a form of it in that language.
_INFLECTING = frozenset("pl hu hr sr uk ru kk el tr bn".split())


@dataclass(frozen=True, slots=True)
class CountryMention:
    country: str
    view_start: int
    view_end: int


#: A country key's own check of the word it begins: (language, folded name) pairs, one of which the word
#: must inflect (monitoring.inflection); empty for a plain word or a stem from the lexicon files.
Forms = tuple[tuple[str, str], ...]


def _country_keys() -> Iterable[tuple[str, str, bool, bool, Forms]]:
    """(ISO code, folded key, is a stem, must be in capitals, forms to check) for every country term."""
    from babel import Locale

    for language in sorted({"en", "es", "fr", "pt", "de", "ru", "ar", *lexicon.languages()}):
        for code, name in Locale.parse(language).territories.items():
            if len(code) != 2 or not code.isalpha() or code in _SKIPPED_TERRITORIES:
                continue
            folded = fold(name)
            if folded in _AMBIGUOUS_NAMES or len(folded) < 3:
                continue
            yield code, folded, False, name.isupper(), ()
            script = script_of(name)
            if (language in _INFLECTING or script == "cyrillic") and len(folded) >= 5 and " " not in folded:
                root = folded.rstrip("aeiouyαεηιουω")
                inflected = language if language in _INFLECTING else "ru"
                yield code, root if len(root) >= 4 else folded, True, False, ((inflected, folded),)
            elif script == "arabic":
                # Arabic demonyms extend the name (العراق, العراقي), so a long name is also a stem.
                for form in (name, *arabic_clitics(name)):
                    yield code, fold(form), len(folded) >= 5, False, ()
    for code, terms in _COUNTRY_TERMS.items():
        for term in terms.split(" "):
            stem = term.endswith("*")
            word = term.rstrip("*").replace("_", " ")
            if script_of(word) == "arabic":
                for form in (word, *arabic_clitics(word), "ال" + word):
                    yield code, fold(form), stem, False, ()
            else:
                yield code, fold(word), stem, len(word) <= 3 and word.isascii(), ()
    for code, term, stem in lexicon.country_terms():
        yield code, term, stem, False, ()
    for code, term in (("US", "U.S."), ("GB", "U.K."), ("AE", "U.A.E.")):
        yield code, fold(term), False, True, ()


@cache
def country_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word, value in _automaton_keys().items():
        automaton.add_word(word, value)
    automaton.make_automaton()
    return automaton


#: What a country key leads to: ISO code, length, must be in capitals, is a stem, and the names whose
#: inflected forms it begins, each to check (language, name, code).
_Country = tuple[str, int, bool, bool, tuple[tuple[str, str, str], ...]]


@cache
def _automaton_keys() -> dict[str, _Country]:
    """Automaton key -> what it leads to."""
    merged: dict[str, _Country] = {}
    for code, key, stem, capitals, forms in _country_keys():
        if UNSPACED.search(key):
            merged[key] = (code, len(key) + 1, capitals, False, ())  # no spaces around it
            continue
        word = f" {key}" if stem else f" {key} "
        checked = tuple((language, name, code) for language, name in forms)
        known = merged.get(word)
        if checked and known is not None:
            if not known[4]:
                continue  # a stem of the lexicon files already takes every word it begins
            checked = known[4] + checked  # one stem may begin several names, each with its check
        merged[word] = (code, len(word), capitals, stem, checked)
    return merged


@cache
def country_automata() -> tuple[ahocorasick.Automaton, ahocorasick.Automaton | None]:
    """country_automaton's keys in two, those in Chinese or Japanese characters apart: looked for only
    in texts holding such characters, the same matches in the same order (see `_iter`) several times
    faster (lexicon.split_automata)."""
    return lexicon.split_automata(_automaton_keys())


def _iter(view: str) -> list[tuple[int, _Country]]:
    """What `country_automaton().iter(view)` yields: by end, and at one end the longest key first."""
    spaced, unspaced = country_automata()
    found: list[tuple[int, _Country]] = list(spaced.iter(view))
    if unspaced is not None and UNSPACED.search(view):
        # A spaced key is `length` characters long, one without spaces `length - 1`.
        both = [(end, -value[1], value) for end, value in found]
        both += [(end, 1 - value[1], value) for end, value in unspaced.iter(view)]
        both.sort(key=lambda item: item[:2])
        found = [(end, value) for end, _, value in both]
    return found


def _inflected_country(
    folded: Folded, start: int, end: int, checks: tuple[tuple[str, str, str], ...]
) -> str | None:
    """The country whose name the word at view[start:] is a form of, in the language of that name
    (and of the text, when the text's language is known): "Szerbiában" is Serbia, "szám" not Samoa."""
    from monitoring.inflection import inflects, kin

    stop = folded.view.find(" ", end + 1)
    word = folded.view[start : stop if stop != -1 else len(folded.view)]
    language = None
    for name_language, name, code in checks:
        if word == name:
            return code
        if language is None:
            language = lexicon.text_language(folded.original) or ""
        if kin(language, name_language) and inflects(name_language, word, name):
            return code
    return None


def country_mentions(folded: Folded) -> list[CountryMention]:
    """Countries named in a folded text: names, demonyms and main cities in several languages."""
    found = []
    view = folded.view
    for end, (code, length, capitals, stem, checks) in _iter(view):
        start = end - length + 2
        stop = end + 1 if length > 1 and view[end] != " " and not stem else end
        if capitals:
            begin, finish = folded.span(start, stop)
            if not folded.original[begin:finish].isupper():
                continue
        if checks:
            inflected = _inflected_country(folded, start, end, checks)
            if inflected is None:
                continue
            code = inflected
        found.append(CountryMention(code, start, stop if not stem else end + 1))
    # A country word inside a longer country name is that name's ("Srpske" in "Republike Srpske").
    return [
        m
        for m in found
        if not any(
            o.view_start <= m.view_start
            and m.view_end <= o.view_end
            and o.view_end - o.view_start > m.view_end - m.view_start
            for o in found
        )
    ]


@cache
def country_name(code: str) -> str:
    """English name of a country code, for reasons."""
    from babel import Locale

    return str(Locale.parse("en").territories.get(code, _HISTORICAL.get(code, code)))
