"""Opening a store: versioned migrations applied once and in order, and errors that say what to do."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import duckdb
import pytest

from warwire.errors import StoreError, StoreLockedError
from warwire.store import Filters, Store
from warwire.store import schema

TABLES = {"schema_version", "runs", "articles", "actors", "places", "mentions", "actor_names", "relations", "events",
          "event_actors", "merged_events", "merged_event_reports", "merged_actors", "feed_entries"}


def _tables(path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()


def test_new_store_has_every_table_at_the_latest_version(tmp_path):
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    assert TABLES <= _tables(path)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT version FROM schema_version").fetchall() == [(m.version,) for m in schema.MIGRATIONS]
    con.close()


def test_migrations_are_idempotent(tmp_path):
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    assert schema.migrate(con) == 0
    assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(schema.MIGRATIONS)
    con.close()
    Store.open(path).close()  # and opening again applies nothing either


def test_migrations_apply_in_order_and_a_failed_one_leaves_the_previous_version(tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    extra = (schema.Migration(schema.LATEST + 1, "add a column", ("ALTER TABLE runs ADD COLUMN host VARCHAR",)),
             schema.Migration(schema.LATEST + 2, "broken", ("CREATE TABLE ok_part (x INTEGER)", "NOT SQL AT ALL")))
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + extra)
    monkeypatch.setattr(schema, "LATEST", schema.LATEST + 2)
    con = duckdb.connect(str(path))
    with pytest.raises(duckdb.Error):
        schema.migrate(con)
    assert schema.current_version(con) == extra[0].version          # the good one stuck ...
    assert "ok_part" not in {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    con.close()                                                       # ... the broken one left nothing


def test_a_store_from_a_newer_warwire_is_refused(tmp_path):
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_version (version, name) VALUES (?, 'future')", [schema.LATEST + 5])
    con.close()
    with pytest.raises(StoreError, match="newer than this warwire knows.*Upgrade warwire"):
        Store.open(path)


def test_read_only_open_of_a_missing_store_says_how_to_make_one(tmp_path):
    with pytest.raises(StoreError, match=r"No store at .*missing.duckdb.*warwire ingest"):
        Store.open(tmp_path / "missing.duckdb", read_only=True)


def test_read_only_open_of_an_unmigrated_file_says_how_to_migrate(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(StoreError, match="schema version 0.*Open it once for writing"):
        Store.open(path, read_only=True)


def test_a_file_that_is_not_duckdb_is_named_as_such(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(StoreError, match="not a DuckDB database file.*--db"):
        Store.open(path)


def test_a_missing_directory_is_named(tmp_path):
    with pytest.raises(StoreError, match="directory .*nowhere does not exist"):
        Store.open(tmp_path / "nowhere" / "s.duckdb")


def test_a_store_locked_by_another_process_says_stop_it_or_pass_db(tmp_path):
    path = tmp_path / "s.duckdb"
    Store.open(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
                               "sys.stdin.readline()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match=r"Cannot open .*s\.duckdb: locked by another process.*"
                                                   r"Stop it or pass --db"):
            Store.open(path, read_only=True)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    Store.open(path, read_only=True).close()  # free again once the holder is gone


def _as_version_2(path) -> None:
    """Take migration 3 off a store as a warwire of schema version 2 left it: no merged keys, no merged_actors."""
    con = duckdb.connect(str(path))
    for stmt in ("DROP TABLE merged_actors", "DROP INDEX merged_reports_event", "DROP INDEX merged_component",
                 "ALTER TABLE merged_event_reports DROP COLUMN merged_key", "ALTER TABLE merged_events DROP COLUMN key",
                 "CREATE INDEX merged_component ON merged_events (component)",
                 "CREATE INDEX merged_reports_event ON merged_event_reports (event_pk)",
                 "DROP SEQUENCE merged_keys", "DELETE FROM schema_version WHERE version = 3"):
        con.execute(stmt)
    con.close()


def test_migration_3_keys_the_stored_merged_events_and_fills_merged_actors(tmp_path, make_attack):
    path = tmp_path / "s.duckdb"
    filters = (Filters(), Filters(actor="Red Hand Brigade"), Filters(actor="Red Hand Brigade", members=False),
               Filters(actor="ash_front"), Filters(actor="Falcon Unit"))
    with Store.open(path) as store:
        store.add_result(make_attack("r1", url="https://one.example/a"))
        store.add_result(make_attack("r2", member="Falcon Unit", url="https://two.example/b"))
        store.add_result(make_attack("r3", group="Ash Front", group_kb="ash_front", town="Delmar", lat=36.9, lon=42.0,
                                     url="https://one.example/c", day=dt.date(2024, 3, 20)))
        store.remerge()
        before = [store.merged_events(f, limit=10) for f in filters]
        actors = store._con.execute("SELECT m.id, x.actor_key FROM merged_actors x JOIN merged_events m "
                                    "ON m.key = x.merged_key ORDER BY 1, 2").fetchall()
    assert [len(rows) for rows in before] == [3, 2, 1, 1, 1] and actors
    _as_version_2(path)
    with pytest.raises(StoreError, match="schema version 2.*Open it once for writing"):
        Store.open(path, read_only=True)
    with Store.open(path) as store:                                   # migrates, no remerge needed
        assert schema.current_version(store._con) == schema.LATEST == 3
        assert [store.merged_events(f, limit=10) for f in filters] == before
        assert store._con.execute("SELECT m.id, x.actor_key FROM merged_actors x JOIN merged_events m "
                                  "ON m.key = x.merged_key ORDER BY 1, 2").fetchall() == actors
        store.add_result(make_attack("r4", town="Kelbar", lat=34.5, lon=45.5, url="https://three.example/d",
                                     day=dt.date(2024, 5, 1)))
        assert not store.remerge().full and store.count_merged(Filters(actor="Red Hand Brigade")) == 3
