"""Sample feeds shipped with the package, for `endwatch init --demo` and tests: ingested without network.

Every organisation, agency and country in them is fictional.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files


@dataclass(frozen=True)
class SampleFeed:
    filename: str
    name: str
    url: str
    credibility: float
    language: str
    content_type: str


SAMPLE_FEEDS = (
    SampleFeed(
        "en-lantern-rights-lab.rss",
        "Lantern Rights Lab",
        "https://lanternrights.example.org/exports/feed.rss",
        0.9,
        "en",
        "application/rss+xml; charset=utf-8",
    ),
    SampleFeed(
        "en-surveillance-monitor.atom",
        "Surveillance Trade Monitor",
        "https://trademonitor.example.net/feed.atom",
        0.8,
        "en",
        "application/atom+xml",
    ),
    SampleFeed(
        "es-observatorio-vigilancia.atom",
        "Observatorio de Vigilancia y Derechos",
        "https://observatorio.example.org/feed.atom",
        0.75,
        "es",
        "application/atom+xml",
    ),
    SampleFeed(
        "fr-veille-libertes.rss",
        "Veille Libertés Numériques",
        "https://veille-libertes.example.fr/rss.xml",
        0.6,
        "fr",
        "application/rss+xml; charset=iso-8859-1",
    ),
    SampleFeed(
        "ar-marsad-huquq.rss",
        "مرصد الحقوق الرقمية",
        "https://marsad.example.org/ar/feed.rss",
        0.7,
        "ar",
        "application/rss+xml; charset=utf-8",
    ),
    SampleFeed(
        "ru-pravozashchitny-monitor.rss",
        "Правозащитный монитор",
        "https://monitor-prava.example.org/rss",
        0.65,
        "ru",
        "application/rss+xml; charset=windows-1251",
    ),
)


def read_sample(filename: str) -> bytes:
    """The raw bytes of one shipped sample feed, in its own encoding."""
    return files(__name__).joinpath(filename).read_bytes()
