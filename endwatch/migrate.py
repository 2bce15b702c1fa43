"""Schema creation and upgrades through Alembic."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, MetaData

from contracts import models as contracts_models
from endwatch import models as shell_models
from endwatch.db import Base
from grievance import models as grievance_models
from grievance.triage import models as triage_models
from monitoring import models as monitoring_models
from reporting import models as reporting_models
from screening import models as screening_models

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

# Alembic is imported by the functions that use it: every other command (`feeds ingest` and the rest)
# starts a fifth of a second sooner without it.

# Every module that declares tables: importing them puts their tables in Base.metadata.
MODEL_MODULES = (
    shell_models,
    contracts_models,
    monitoring_models,
    grievance_models,
    triage_models,
    screening_models,
    reporting_models,
)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
IGNORED_TABLES = frozenset({"apscheduler_jobs"})


def target_metadata() -> MetaData:
    return Base.metadata


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and name in IGNORED_TABLES)


def alembic_config(connection: Connection | None = None, url: str = "") -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
