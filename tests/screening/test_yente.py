"""With ENDWATCH_YENTE_URL the same queries go to a yente server; here one on loopback speaks its API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from contracts.models import Customer, CustomerKind
from screening import services
from screening.errors import ScreeningError
from screening.models import HitStatus, ListFormat, ScreeningHit, ScreeningList

INTELLEXA = {
    "id": "NK-intellexa",
    "caption": "Intellexa S.A.",
    "schema": "Company",
    "properties": {"name": ["Intellexa S.A."], "country": ["gr"]},
    "datasets": ["us_ofac_sdn"],
    "referents": [],
    "target": True,
    "score": 0.93,
    "match": True,
    "features": {"name_literal_match": 1.0, "country_mismatch": 0.0},
}


class Yente:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        yente = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                yente.requests.append({"path": self.path, "body": body})
                responses = {}
                for key, query in body["queries"].items():
                    names = " ".join(query["properties"]["name"]).lower()
                    results = [INTELLEXA] if "intellexa" in names else []
                    responses[key] = {
                        "status": 200,
                        "results": results,
                        "total": {"value": len(results)},
                        "query": query,
                    }
                payload = json.dumps({"responses": responses, "matcher": {}, "limit": 5}).encode()
                self.send_response(yente.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def yente_server() -> Iterator[Yente]:
    server = Yente()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def customers(session: Session) -> list[Customer]:
    rows = [
        Customer(name="Intellexa SA", aliases=["Intellexa"], country="GR", kind=CustomerKind.PRIVATE),
        Customer(name="Kestrel Signal Analytics", aliases=[], country="GB", kind=CustomerKind.PRIVATE),
    ]
    session.add_all(rows)
    session.flush()
    return rows


def test_yente_answers_become_hits_with_its_score_and_features(
    session: Session, yente_server: Yente, customers: list[Customer]
) -> None:
    report = services.run_yente(session, yente_server.url, "default")
    assert (report.customers, report.new_hits) == (2, 1)
    request = yente_server.requests[0]
    assert request["path"].startswith("/match/default?threshold=0.7")
    query = request["body"]["queries"][f"c{customers[0].id}"]
    assert query == {
        "schema": "LegalEntity",
        "properties": {"name": ["Intellexa SA", "Intellexa"], "country": ["gr"]},
    }
    hit = session.scalars(select(ScreeningHit)).one()
    lst = session.get(ScreeningList, hit.list_id)
    assert lst is not None and lst.format == ListFormat.YENTE and lst.name == "yente: default"
    assert (hit.customer_id, hit.entity_id, hit.entity_name, hit.score) == (
        customers[0].id,
        "NK-intellexa",
        "Intellexa S.A.",
        0.93,
    )
    assert "features: name_literal_match 1.00, country_mismatch 0.00" in hit.reasons


def test_a_decision_on_a_yente_hit_is_kept_until_the_listing_changes(
    session: Session, yente_server: Yente, customers: list[Customer]
) -> None:
    services.run_yente(session, yente_server.url, "default")
    hit = session.scalars(select(ScreeningHit)).one()
    hit.status, hit.decided_fingerprint = HitStatus.DISMISSED, hit.fingerprint
    session.flush()
    assert services.run_yente(session, yente_server.url, "default").reopened == 0
    INTELLEXA["properties"] = {"name": ["Intellexa S.A.", "Intellexa Alliance"], "country": ["gr"]}
    try:
        assert services.run_yente(session, yente_server.url, "default").reopened == 1
    finally:
        INTELLEXA["properties"] = {"name": ["Intellexa S.A."], "country": ["gr"]}


def test_a_failing_yente_server_is_reported(
    session: Session, yente_server: Yente, customers: list[Customer]
) -> None:
    yente_server.status = 500
    with pytest.raises(ScreeningError, match="answered HTTP 500"):
        services.run_yente(session, yente_server.url, "default")
