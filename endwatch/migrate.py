"""Schema creation and upgrades through Alembic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData

from contracts import models as contracts_models
from endwatch import models as shell_models
from endwatch.db import Base
from grievance import models as grievance_models
from grievance.triage import models as triage_models
from monitoring import models as monitoring_models
from reporting import models as reporting_models
from screening import models as screening_models

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
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url)
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
