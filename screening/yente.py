"""Send the same screening queries to a yente server (OpenSanctions' matching API) instead.

POST {ENDWATCH_YENTE_URL}/match/{dataset} with {"queries": {key: {"schema", "properties"}}}; the answer
holds, per key, scored results {id, caption, schema, properties, datasets, score, match, features}.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from screening.errors import ScreeningError

BATCH = 20
TIMEOUT = 60.0
PERSON_SCHEMATA = frozenset({"Person"})


@dataclass(frozen=True)
class YenteResult:
    customer_id: int
    entity_id: str
    entity_name: str
    score: float
    fingerprint: str
    matched_name: str
    reasons: tuple[str, ...]


def _query(names: list[str], country: str | None) -> dict[str, Any]:
    properties: dict[str, list[str]] = {"name": names}
    if country:
        properties["country"] = [country.lower()]
    return {"schema": "LegalEntity", "properties": properties}


def _fingerprint(result: dict[str, Any]) -> str:
    properties = result.get("properties") or {}
    data = {
        "caption": result.get("caption"),
        "schema": result.get("schema"),
        "names": sorted(str(n) for key in ("name", "alias") for n in properties.get(key, [])),
        "countries": sorted(str(c) for c in properties.get("country", [])),
        "datasets": sorted(str(d) for d in result.get("datasets", [])),
    }
    return hashlib.sha1(json.dumps(data, sort_keys=True).encode(), usedforsecurity=False).hexdigest()


def _reasons(result: dict[str, Any], dataset: str, country: str | None) -> tuple[str, ...]:
    reasons = [f"yente ({dataset}) scored the match {float(result.get('score', 0)):.2f}"]
    features = result.get("features") or {}
    if isinstance(features, dict) and features:
        shown = sorted(features.items(), key=lambda item: -abs(float(item[1])))[:5]
        reasons.append("features: " + ", ".join(f"{name} {float(value):.2f}" for name, value in shown))
    listed = sorted({str(c).upper() for c in (result.get("properties") or {}).get("country", [])})
    if listed:
        reasons.append("listing countries: " + ", ".join(listed))
    if country and listed and country.upper() not in listed:
        reasons.append(f"country differs: customer {country.upper()}, listing {', '.join(listed)}")
    if result.get("schema") in PERSON_SCHEMATA:
        reasons.append("listed as a person")
    datasets = result.get("datasets") or []
    if datasets:
        reasons.append("datasets: " + ", ".join(str(d) for d in datasets[:8]))
    return tuple(reasons)


def match(
    url: str,
    dataset: str,
    customers: Mapping[int, tuple[list[str], str | None]],
    threshold: float,
    client: httpx.Client | None = None,
) -> Iterator[YenteResult]:
    """Query yente for every customer (names, country) and yield the results it calls matches."""
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT, trust_env=False, follow_redirects=False)
    endpoint = f"{url.rstrip('/')}/match/{dataset}"
    items = list(customers.items())
    try:
        for start in range(0, len(items), BATCH):
            batch = dict(items[start : start + BATCH])
            body = {"queries": {f"c{cid}": _query(names, country) for cid, (names, country) in batch.items()}}
            try:
                response = client.post(endpoint, json=body, params={"threshold": threshold})
            except httpx.HTTPError as exc:
                raise ScreeningError(f"yente at {url} did not answer: {type(exc).__name__}") from None
            if response.status_code != 200:
                raise ScreeningError(f"yente at {url} answered HTTP {response.status_code}")
            try:
                responses = response.json()["responses"]
            except (ValueError, KeyError, TypeError):
                raise ScreeningError(
                    f"yente at {url} answered something that is not a match response"
                ) from None
            for key, answer in responses.items():
                cid = int(str(key)[1:]) if str(key)[1:].isdigit() else None
                if cid not in batch:
                    continue
                names, country = batch[cid]
                for result in answer.get("results", []):
                    if not result.get("match") and float(result.get("score", 0)) < threshold:
                        continue
                    yield YenteResult(
                        customer_id=cid,
                        entity_id=str(result.get("id", ""))[:200],
                        entity_name=str(result.get("caption", ""))[:500],
                        score=round(float(result.get("score", 0)), 3),
                        fingerprint=_fingerprint(result),
                        matched_name=names[0],
                        reasons=_reasons(result, dataset, country),
                    )
    finally:
        if own:
            client.close()
