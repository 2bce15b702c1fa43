"""Risk context around a mention and the alert score and level it leads to.

score = (0.5 + 0.5 * confidence) * credibility factor * (0.2 + 0.8 * risk), where
- the credibility factor is 0.25 + 1.5 * credibility, capped at 1 (a source of 0.5 or more counts fully);
  below `LOW_CREDIBILITY` it is the credibility itself, so such a source alone never reaches a warning,
- risk = 1 - product(1 - weight) over the risk categories with a term within `NEAR` characters of the
  mention (the terms of a long article about something else do not count).
Levels: critical at `CRITICAL` or more, warning at `WARNING` or more, info below. With a confident match
in a credible source, harm to people (torture, disappearance, killing) is critical; surveillance or
detention aimed at journalists, activists, protesters... is a warning; surveillance, arrests or a
targeted group alone stay info.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ahocorasick

from monitoring.matching import Mention
from monitoring.text import fold, fold_text

__all__ = ["CRITICAL", "WARNING", "Alerting", "score_alert"]

WARNING = 0.45
CRITICAL = 0.7
NEAR = 400
#: Below this, a source is too weak to raise a warning on its own: its factor is its credibility.
LOW_CREDIBILITY = 0.4

# category: (weight, what a reader is told, terms). A trailing * marks a stem, _ joins the words of one
# term; Arabic terms are all
# stems and also match with the article and attached particles.
_CATEGORIES: dict[str, tuple[float, str, str]] = {
    "surveillance": (
        0.3,
        "surveillance, interception, spyware or hacking",
        "surveil* spyware* spy spying spied malware intercept* wiretap* eavesdrop* hack* phone_tapping"
        " bugged imsi_catcher* stingray* pegasus zero_click monitored monitoring_of tracked tracking_of"
        " metadata location_data geolocat* tailed tailing"
        " vigil* espia* espionaje espio espiar espiad* espiaron espiando perfiles perfilamiento* perfilar*"
        " seguimiento* intervencion_telefonica intervenciones_telefonicas hackeo* rastre* monitore*"
        " geolocaliz* metadatos"
        " surveill* espion* logiciel_espion ecoute* pirat* traque* pistage pistes geolocalis* metadonnees"
        " слежк* слежен* прослуш* перехват* шпион* взлом* хакер* вредонос* наблюден* следил* отслеж*"
        " تجسس مراقب تنصت اختراق قرصن تتبع رصد",
    ),
    "detention": (
        0.3,
        "arrests or detention",
        "detain* detention* arrest* jail* imprison* custody incommunicado raid* searched without_charge"
        " detenid* detencion* detuv* arrestad* encarcel* preso presos presas prision"
        " arrestation* arrete* arreter interpell* detenu* emprisonn* incarcer* garde_a_vue"
        " задерж* арест* обыск* под_страж* тюрьм* тюремн* лишени_свобод* разогна* дубинк*"
        " dispersed crackdown* dispersad* dispers* تفريق قمع"
        " اعتقال اعتقل استدع احتجاز احتجز محتجز سجن معتقل القبض",
    ),
    "abuse": (
        0.8,
        "torture, disappearance or killing",
        "tortur* disappear* kill* murder* assassinat* extrajudicial* kidnap* abduct* ill_treatment mistreat*"
        " shot_dead beaten"
        " tortur* desaparec* desaparicion* asesin* ejecucion* secuestr* golpead* mataron matado mato"
        " disparu* disparition* assassin* tue tues tuee tuees enlev* sequestr* execution* sommaire*"
        " пыток пытки пытками пыткам пытках пытку пытал* избиен* избит* похищ* исчезнов* убит* убийств*"
        " تعذيب اختفاء مختف إخفاء اخفاء اغتيال قتل إعدام خطف",
    ),
    "targets": (
        0.3,
        "journalists, activists, human-rights defenders, protesters, opposition, lawyers or minorities",
        "journalist* reporter* activist* human_rights_defender* rights_defender* dissident* protester*"
        " protestor* demonstrator* protests opposition* opponents lawyer* minorit* civil_society critic*"
        " human_rights blogger* commentator* politician*"
        " periodist* reporter* activist* defensor* derechos_humanos manifestant* protestas opositor*"
        " oposicion politicos abogad* minoria* indigena* sociedad_civil"
        " journaliste* militant* defenseur* droits_humains droits_de_l_homme opposant* avocat* societe_civile"
        " журналист* активист* правозащит* протестующ* протест* митинг* демонстрант* оппозиц* адвокат*"
        " меньшинств* диссидент* пикет* акци* манифестац*"
        " صحفي صحافي ناشط حقوق_الإنسان متظاهر محتج احتجاج معارض محام أقلي مدافع",
    ),
}
_ARABIC_PREFIXES = ("", "ال", "وال", "بال", "و", "ب", "ل", "لل", "ف")


@dataclass(frozen=True)
class Alerting:
    """How loud an alert should be, and why."""

    score: float
    level: str  # info | warning | critical
    reasons: tuple[str, ...]


@cache
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for category, (_, _, terms) in _CATEGORIES.items():
        for term in terms.split(" "):
            stem = term.endswith("*")
            word = term.rstrip("*")
            if "\u0600" <= word[:1] <= "\u06ff":
                bare = word[2:] if word.startswith("ال") else word
                forms = [fold(p + (bare if p == "لل" else word)) for p in _ARABIC_PREFIXES]
                stem = True
            else:
                forms = [fold(word)]
            for form in forms:
                key = f" {form}" if stem else f" {form} "
                automaton.add_word(key, (category, len(key), stem))
    automaton.make_automaton()
    return automaton


def risk_terms(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """(category, start, end) of the risk terms in text[start:end], offsets in the original text."""
    folded = fold_text(text)
    low = folded.view_offset(start)
    high = len(folded.view) if end is None else folded.view_offset(end)
    return [(category, *folded.span(s, e)) for category, s, e in _view_terms(folded.view, low, high)]


def _view_terms(view: str, low: int, high: int) -> list[tuple[str, int, int]]:
    low = max(view.rfind(" ", 0, low + 1), 0)  # widen to whole words, starting on a space
    high = view.find(" ", high) + 1 or len(view)
    found = []
    for end, (category, length, stem) in _automaton().iter(view, low, high):
        stop = view.find(" ", end + 1) if stem else end  # a stem runs to the end of its word
        found.append((category, end - length + 2, stop))
    return found


def score_alert(mention: Mention, text: str, credibility: float) -> Alerting:
    """Alert score and level for a mention in `text` from a feed of the given credibility (0..1)."""
    credibility = min(max(credibility, 0.0), 1.0)
    folded = fold_text(text)
    low, high = folded.view_offset(mention.start), folded.view_offset(mention.end)
    near: dict[str, tuple[int, int]] = {}
    for category, start, end in _view_terms(folded.view, max(0, low - NEAR), high + NEAR):
        if not (start < high and end > low):  # a term inside the name ("Hacking Team") does not count
            near.setdefault(category, (start, end))
    remaining = 1.0
    for category in _CATEGORIES:
        weight = _CATEGORIES[category][0]
        if category in near:
            remaining *= 1 - weight
    risk = 1 - remaining
    if credibility >= LOW_CREDIBILITY:
        credibility_factor = min(1.0, 0.25 + 1.5 * credibility)
    else:
        credibility_factor = credibility
    score = round((0.5 + 0.5 * mention.confidence) * credibility_factor * (0.2 + 0.8 * risk), 3)
    level = "critical" if score >= CRITICAL else "warning" if score >= WARNING else "info"

    reasons = [f'"{mention.matched}" names this customer with confidence {mention.confidence:.2f}.']
    for category, (_, label, _) in _CATEGORIES.items():
        if category in near:
            term = text[slice(*folded.span(*near[category]))]
            reasons.append(f'Near the mention the text speaks of {label} ("{term}").')
    if not near:
        reasons.append(
            "Nothing near the mention speaks of surveillance, detention, abuse or targeted groups."
        )
    if credibility < 0.5:
        reasons.append(f"The source has low credibility ({credibility:.2f}), which lowers the score.")
    else:
        reasons.append(f"The source credibility is {credibility:.2f}.")
    threshold = {"critical": CRITICAL, "warning": WARNING}.get(level)
    if threshold is None:
        reasons.append(f"Score {score:.2f} is below the warning level ({WARNING}).")
    else:
        reasons.append(f"Score {score:.2f} reaches the {level} level ({threshold}).")
    return Alerting(score, level, tuple(reasons))
