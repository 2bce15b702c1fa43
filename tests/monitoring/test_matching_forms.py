"""How names are written in real reports, against the real-world watchlist (tests/monitoring/realworld)."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.models import CustomerKind
from monitoring.evaluation import load_watchlist
from monitoring.matching import Matcher
from monitoring.parameters import parameters
from monitoring.scoring import score_alert
from monitoring.text import html_to_text

WATCHLIST = load_watchlist(Path(__file__).parent / "realworld")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.build(WATCHLIST)


def _names(matcher: Matcher, text: str) -> dict[int, str]:
    return {m.customer_id: m.matched for m in matcher.scan(text)}


def test_customer_kind_is_an_enum():
    assert all(isinstance(w.kind, CustomerKind) for w in WATCHLIST)


@pytest.mark.parametrize(
    ("text", "customer"),
    [
        ("Uganda's Police Force arrested the opposition leader in Kampala.", 3001),
        ("Bahrain's National Security Agency detained activists.", 3002),  # recorded "(Bahrain)"
        ("Kenya's Directorate of Criminal Investigations summoned two bloggers.", 3003),
        ("Nicaragua's National Police raided the newspaper.", 3004),  # recorded as "Nicaraguan ..."
        ("The Nicaraguan National Police raided the newspaper.", 3004),
        ("Ugandan police used the cameras to monitor rallies.", 3001),  # the country's police
        ("اعتقل جهاز الامن الوطني ناشطين في المنامة", 3002),  # hamza dropped from الأمن
        ("وقال بيان لجهاز الأمن الوطني في البحرين", 3002),  # attached particle
        ("Η τουρκική ΜΙΤ απήγαγε δύο πολίτες.", 3019),  # Greek capitals for MIT
        ("華為技術人員幫助政府監控政治對手", 3055),  # Traditional for 华为
        ("Zakup dla Centralnego Biura Antykorupcyjnego sfinansowano z funduszu.", 3026),  # Polish genitive
        ("Співробітники Служби безпеки України затримали редактора.", 3043),  # Ukrainian genitive
        ("ঢাকায় র‍্যাবের হাতে দুটি মৃত্যু, বাংলাদেশের মানবাধিকার সংগঠন জানায়", 3022),  # Bengali ending
        ("باعت شركة إنتيليكسا برنامج التجسس لأجهزة الأمن", 3048),  # Intellexa written by ear in Arabic
        ("ركبت السلطات كاميرات هيكفيجن في المعسكرات", 3054),  # Hikvision by ear: v as ف, "sion" as جن
        ("قالت منظمة العفو إن شركة دارك ماتر اخترقت حسابات ناشطين", 3061),  # DarkMatter in two words
        ("NSO集团否认其软件被用于监控记者", 3047),  # a Latin acronym run into Chinese characters
        ("记者发现警方使用Cellebrite软件破解了活动人士的手机", 3053),  # a Latin name run into them
    ],
)
def test_name_is_found_however_the_report_writes_it(matcher, text, customer):
    assert customer in _names(matcher, text)


def test_name_split_by_markup_is_found(matcher):
    assert 3053 in _names(matcher, html_to_text("<p>Phones were unlocked with <b>Celle</b>brite tools.</p>"))


@pytest.mark.parametrize(
    ("text", "customer"),
    [
        ("La Fiscalía General de la República (FGR) de El Salvador abrió un proceso.", 3006),
        ("Pourquoi moi ? Les victimes racontent.", 3007),
        ("MUP RH je demantirao glasine; Ministarstvo unutarnjih poslova Hrvatske naglašava...", 3008),
        ("The Croatian MUP said migrants were turned back at the border.", 3008),
        ("The Financial Stability Board (FSB) published its report on banks.", 3013),
        ("A CIA e o KGB soviético disputavam agentes em Berlim.", 3015),
        ("大华银行（UOB）第二季净利上扬5.5%", 3062),
        ("江苏大华会计师事务所发布年度审计报告", 3062),  # an accounting firm
        ("قالت الحكومة إن المعارضة رفضت الاتفاق مع الشركات", 3048),  # ordinary Arabic words
    ],
)
def test_another_body_with_the_same_name_or_acronym_is_not_the_customer(matcher, text, customer):
    assert customer not in _names(matcher, text)


def test_acronym_spelled_out_as_the_customer_is_found(matcher):
    text = "Le ministère de l'Intérieur marocain (MOI) a surveillé des journalistes à Rabat."
    model = parameters().mention
    acronym = [f for c, f in matcher.candidates(text) if c == 3007 and "shape:acronym" in f]
    assert [f.get("spelled:same") for f in acronym] == [1.0]
    assert model.probability(acronym[0]) >= model.threshold  # found as MOI, whatever the name scores


def test_an_alert_says_in_words_how_the_name_was_matched_and_why_it_is_loud(matcher):
    text = "Bahrain's National Security Agency detained and tortured activists, Amnesty International said."
    (mention,) = [m for m in matcher.scan(text) if m.customer_id == 3002]
    alert = score_alert(mention, text, 0.9)
    assert alert.level == "critical"
    assert any("without its country" in r and "Bahrain named next to it" in r for r in alert.reasons)
    assert any('torture, disappearance or killing ("tortured")' in r for r in alert.reasons)
    low = score_alert(mention, text, 0.3)
    assert low.level == "info" and any("low credibility" in r for r in low.reasons)
