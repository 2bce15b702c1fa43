from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from endwatch import db, migrate
from endwatch.migrate import include_object, target_metadata


def test_migrated_schema_matches_the_models(fresh_database_url):
    engine = db.make_engine(fresh_database_url)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        differences = compare_metadata(context, target_metadata())
    engine.dispose()
    assert differences == []


def test_upgrade_is_idempotent(fresh_database_url):
    engine = db.make_engine(fresh_database_url)
    migrate.upgrade(engine)
    first = migrate.current_revision(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == first == migrate.head_revision()
    engine.dispose()


def test_upgrading_a_database_made_by_the_first_revision_keeps_its_data(fresh_database_url):
    engine = db.make_engine(fresh_database_url)
    migrate.upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, role, password_hash, must_change_password, public_key, vault,"
                " key_wrap, totp_enrolled, last_totp_step, active, created_at)"
                " VALUES (1, 'old@staff.example', 'admin', 'h', false, :key, :key, :key, true, 0, true,"
                " '2025-01-01 00:00:00')"
            ),
            {"key": b"k" * 32},
        )
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as connection:
        emails = connection.execute(text("SELECT email FROM users")).scalars().all()
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert emails == ["old@staff.example"]
    assert set(target_metadata().tables) <= tables
