"""Common words of names: generic, of place, of kind, stop words, written-out abbreviations."""

from __future__ import annotations

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
# Words a firm adds to its name to say what it does ("MAK Technologies", "Jamal Network Solutions"): added to
# a short listed name that gives no country, they name another firm of that short name.
TRADE_DESCRIPTORS = frozenset(
    """
    solutions solution technology technologies international global systems software services network
    networks digital consulting holding holdings
    """.split()
)
# Words that say what kind of body it is: two names that differ in them name two different bodies.
KIND_WORDS = frozenset(
    """
    bank university academy institute school college hospital air shipping police army navy ministry court
    party foundation association church museum corporation company steel foods motors motorcycles logistics
    broadcasting insurance capital consulting trading group
    agency lab center holding office council commission authority fund service energy
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
    # "Servant of" before one of God's names, written with the article ("Abdul Malik", عبد الملك).
    "abdul": "abd",
    "abdel": "abd",
    "abdol": "abd",
    "abdoul": "abd",
    "abdal": "abd",
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
        "lil",  # Arabic "for the" ("lil-Naql")
        "ve",  # Turkish "and"
    }
)
GENERIC_WEIGHT = 0.15
SHORT_WEIGHT = 0.6
HONORIFIC = "@"  # marks the words of a dedication ("named after Academician E.I. Zababakhin")
# Words that open a dedication in Russian and Belarusian names of bodies ("имени", "им.").
DEDICATIONS = (("named", "after"), ("imeni",), ("im",), ("imja",))
