"""Demo data of this domain for `endwatch init --demo`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from endwatch.config import Config


def load_demo(session: Session, config: Config) -> list[str]:
    """Load sample data; return lines to print."""
    return []
