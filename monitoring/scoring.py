"""How loud an alert is: named features of the mention and its context, weighed by parameters.json.

Features: how the name was matched (the mention's confidence), which kinds of context (surveillance,
targeted people, detention, violence, repression, censorship, business, denial, disproval, ordinary
crime, security cases against suspects, sanctions and appointments, suspects and the accused, equipment
and its security risks; one term list per language in monitoring/lexicon/) are near the mention or
anywhere in the text, harm paired with its kind of target or with suspects, a vendor paired with
equipment, whether the mention's sentence names a person, and the source's credibility. Two fitted
logistic models give the probability that the report
ties the customer to harm or surveillance of people (a warning) and to the critical kind (targeted
people, detention, torture, disappearance, killing); a critical level needs both. Policy from the labelling
guide is applied on top: below `warning_credibility` a source alone raises no warning, and a critical level
needs `critical_credibility`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitoring import lexicon
from monitoring.matching import Mention
from monitoring.parameters import parameters
from monitoring.text import fold_text

__all__ = ["Alerting", "level_features", "risk_terms", "score_alert"]

_LABELS = {
    "surveillance": "surveillance of people (spyware, interception, hacking, tracking, facial recognition)",
    "targets": "journalists, activists, human-rights defenders, protesters, opposition, lawyers, minorities",
    "detention": "arrests or detention",
    "violence": "torture, disappearance or killing",
    "repression": "repression, persecution or violence against people",
    "censorship": "censorship or blocking",
    "business": "business (contracts, tenders, sales)",
    "denial": "a denial",
    "disproval": "a finding that clears the customer",
    "crime": "ordinary crime (drugs, fraud, bribery, gangs, theft)",
    "espionage": "a security case against suspects (espionage, treason, sabotage, terrorism)",
    "policy": "sanctions, appointments, rules or records",
    "suspects": "suspects or the accused",
    "equipment": "equipment or its security risks (cameras, forensic tools, backdoors, blacklists)",
}
_HARM = frozenset(("surveillance", "targets", "detention", "violence", "repression"))
# Kinds of context that, anywhere in a text, say what the story is about when it is not harm to people.
_ABOUT = frozenset(("crime", "espionage", "policy", "suspects", "equipment"))


@dataclass(frozen=True)
class Alerting:
    """How loud an alert should be, and why."""

    score: float
    level: str  # info | warning | critical
    reasons: tuple[str, ...]


def risk_terms(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """(category, start, end) of the context terms in text[start:end], offsets in the original text."""
    folded = fold_text(text)
    low = folded.view_offset(start)
    high = len(folded.view) if end is None else folded.view_offset(end)
    return [
        (category, *folded.span(s, e))
        for category, s, e in lexicon.find_terms(folded.view, low, high)
        if category != lexicon.POLICE
    ]


def level_features(
    mention: Mention, text: str, credibility: float
) -> tuple[dict[str, float], dict[str, str]]:
    """Named features of a mention for the level models, and the first term found near it per kind."""
    folded = fold_text(text)
    low, high = folded.view_offset(mention.start), folded.view_offset(mention.end)
    window = parameters().context_window
    near: dict[str, str] = {}
    terms = lexicon.terms_as_written(text)
    # A term inside the name ("Hacking Team") does not count.
    anywhere = terms.categories_outside(low, high)
    for category, start, end in terms.near(low, high, window):
        if category != lexicon.POLICE and category not in near:
            near[category] = text[slice(*folded.span(start, end))]
    sentence_low, sentence_high = _sentence(text, mention.start, mention.end)
    in_sentence = terms.within(folded.view_offset(sentence_low), folded.view_offset(sentence_high))
    in_sentence.discard(lexicon.POLICE)
    found: dict[str, float] = {"confidence": mention.confidence, "credibility": credibility}
    for category in in_sentence:
        found[f"sentence:{category}"] = 1.0
    for category in near:
        found[f"near:{category}"] = 1.0
    for category in anywhere & (_HARM | _ABOUT):
        found[f"text:{category}"] = 1.0
    # Harm and its kind of target together (the guide's critical kind): near the mention, and in its sentence.
    for scope, kinds in (("near", near.keys()), ("sentence", in_sentence)):
        if "targets" in kinds:
            for category in ("surveillance", "detention", "violence", "repression"):
                if category in kinds:
                    found[f"{scope}:{category}&targets"] = 1.0
        # Held or watched people who are suspects: a case against them, not harm by the customer.
        if "suspects" in kinds:
            for category in ("surveillance", "detention", "violence"):
                if category in kinds:
                    found[f"{scope}:{category}&suspects"] = 1.0
    if _names_person(text, sentence_low, sentence_high, mention.start, mention.end):
        found["sentence:named-person"] = 1.0
    if mention.start < text.find("\n") or "\n" not in text:
        found["in-title"] = 1.0
    if "kind:company" in mention.features:
        found["kind:company"] = 1.0
        # A vendor beside cameras, forensic kit or a security risk: a market story, not one of misuse.
        for scope in ("near", "text"):
            if f"{scope}:equipment" in found:
                found[f"{scope}:equipment&company"] = 1.0
    return found, near


def score_alert(mention: Mention, text: str, credibility: float) -> Alerting:
    """Alert score and level for a mention in `text` from a feed of the given credibility (0..1)."""
    settings = parameters()
    credibility = min(max(credibility, 0.0), 1.0)
    found, near = level_features(mention, text, credibility)
    warning = settings.warning.probability(found)
    critical = settings.critical.probability(found)
    # Critical is a kind of warning: a mention the warning model does not rate as a report of surveillance
    # or harm is not raised by the critical model alone (a spy's arrest has the critical model's words).
    if credibility < settings.warning_credibility or warning < settings.warning.threshold:
        level = "info"
    elif critical >= settings.critical.threshold and credibility >= settings.critical_credibility:
        level = "critical"
    else:
        level = "warning"
    score = round(max(warning, critical if level == "critical" else 0.0), 3)

    reasons = [f'"{mention.matched}" names this customer with confidence {mention.confidence:.2f}.']
    if mention.reasons:
        reasons.append("How the name was matched: " + "; ".join(mention.reasons) + ".")
    for category, term in near.items():
        reasons.append(f'Near the mention the text speaks of {_LABELS[category]} ("{term}").')
    if not near.keys() & set(_HARM):
        reasons.append("Nothing near the mention speaks of surveillance or harm to people.")
    if credibility < settings.warning_credibility:
        reasons.append(
            f"The source has low credibility ({credibility:.2f}): below {settings.warning_credibility}"
            " it raises no warning on its own."
        )
    else:
        reasons.append(f"The source credibility is {credibility:.2f}.")
    reasons.append(
        f"Likelihood of a report of surveillance or harm: {warning:.2f} (warning at"
        f" {settings.warning.threshold}); of the critical kind: {critical:.2f} (critical at"
        f" {settings.critical.threshold} when also a warning, with credibility"
        f" {settings.critical_credibility} or more)."
    )
    reasons.append(f"Level: {level}.")
    return Alerting(score, level, tuple(reasons))


_SENTENCE_ENDS = re.compile(r"[.!?;\n]\s")
# Two or three capitalised words in a row after a lower-case word: a person's name in a cased script
# ("of journalist Khadija Ismayilova", "журналиста Ивана Сафронова"); the guide makes a report critical
# when its victims are named.
_PERSON = re.compile(
    r"(?<=[a-zà-ÿа-яёіїєґα-ωά-ώ,] )(?:[A-ZÀ-ÞА-ЯЁІЇЄҐΑ-ΩΆ-Ώ][a-zà-ÿа-яёіїєґα-ωά-ώ'’-]+ ){1,2}"
    r"[A-ZÀ-ÞА-ЯЁІЇЄҐΑ-ΩΆ-Ώ][a-zà-ÿа-яёіїєґα-ωά-ώ'’-]+"
)


def _names_person(text: str, low: int, high: int, start: int, end: int) -> bool:
    """Whether the sentence text[low:high] names what looks like a person, outside the mention."""
    return any(m.end() <= start or m.start() >= end for m in _PERSON.finditer(text, low, high))


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence holding text[start:end]."""
    before = [m.end() for m in _SENTENCE_ENDS.finditer(text, max(0, start - 400), start)]
    after = _SENTENCE_ENDS.search(text, end, end + 400)
    low = before[-1] if before else max(0, start - 400)
    return low, (after.start() + 1 if after else min(len(text), end + 400))
