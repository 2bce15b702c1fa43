"""Log records written while a public request is handled carry the hour only."""

from __future__ import annotations

import logging

import pytest


class Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize(
    ("path", "rounded"), [("/report", True), ("/followup/case", True), ("/staff/", False)]
)
def test_records_of_public_requests_carry_only_the_hour(app, path, rounded):
    keep = Keep()
    logger = logging.getLogger("endwatch.test")
    logger.addHandler(keep)
    try:
        with app.test_request_context(path):
            logger.warning("something went wrong")
    finally:
        logger.removeHandler(keep)
    (record,) = keep.records
    formatted = logging.Formatter("%(asctime)s %(message)s").format(record)
    assert (record.created % 3600 == 0) is rounded
    if rounded:
        assert formatted.split()[1].endswith(":00:00,000"), formatted
