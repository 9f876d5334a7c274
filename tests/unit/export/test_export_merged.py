"""Merged events through the exports and the CLI: one row per real-world event, read back from the files
(csv module, json, DuckDB for Parquet). Fictional reports from tests/unit/store/conftest.py's ``attack``."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import duckdb
import pytest
from click.testing import CliRunner

from warwire import export as ex
from warwire.cli import main
from warwire.store import Store


@pytest.fixture
def merged_store(tmp_path, make_attack):
    """Two real events, merged: Varnok told by three reports from two outlets (3, 5 and 4 killed), an air
    strike in Delmar told by one."""
    path, attack = tmp_path / "events.duckdb", make_attack
    with Store.open(path) as store:
        store.add_results([
            attack("v1", url="https://one.example/a"),
            attack("v2", url="https://two.example/b", killed=5, published=dt.date(2024, 1, 9), extra=" Later."),
            attack("v3", url="https://one.example/c", killed=4, published=dt.date(2024, 1, 10), extra=" Update."),
            attack("d1", town="Delmar", lat=36.2, lon=43.1, day=dt.date(2024, 2, 10), killed=12,
                   acled=("Explosions/Remote violence", "Air/drone strike"), url="https://three.example/d"),
        ])
        store.remerge()
    return path


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_query_lists_merged_events_by_default(merged_store):
    out = run("query", "--db", str(merged_store), "--format", "json")
    rows = json.loads(out.stdout)
    assert [r["place"] for r in rows] == ["Delmar", "Varnok"] and "not merged yet" not in out.stderr
    varnok = rows[1]
    assert (varnok["fatalities"], varnok["fatalities_min"], varnok["fatalities_max"]) == (3, 3, 5)
    assert (varnok["n_sources"], varnok["n_reports"]) == (2, 3) and varnok["earliest_article"] == "v1"
    assert [c["article"] for c in varnok["fatality_claims"]] == ["v1", "v2", "v3"]
    reports = run("query", "--db", str(merged_store), "--format", "json", "--reports")
    assert len(json.loads(reports.stdout)) == 4


@pytest.mark.parametrize("args, places", [
    (["--actor", "Red Hand Brigade"], ["Delmar", "Varnok"]),
    (["--min-fatalities", "4"], ["Delmar"]),                 # Varnok's best estimate is 3, though 5 was reported
    (["--near", "33.3,44.4,20"], ["Varnok"]),
    (["--acled-type", "Air/drone strike"], ["Delmar"]),
    (["--since", "2024-02-01", "--country", "IRQ", "--type", "ASSAULT"], ["Delmar"]),
])
def test_query_filters_apply_to_merged_events(merged_store, args, places):
    out = run("query", "--db", str(merged_store), "--format", "csv", *args)
    assert [r["place"] for r in csv.DictReader(io.StringIO(out.stdout))] == places


def test_query_table_and_csv_of_merged_events(merged_store):
    table = run("query", "--db", str(merged_store)).stdout.splitlines()
    assert table[0].split("\t")[-3:] == ["fatalities_max", "n_sources", "merged_id"] and len(table) == 3
    row = next(csv.DictReader(io.StringIO(run("query", "--db", str(merged_store), "--format", "csv",
                                              "--near", "33.3,44.4,20").stdout)))
    assert json.loads(row["fatality_claims"])[1]["min"] == 5 and row["articles"] == "v1; v2; v3"


def test_unmerged_events_are_pointed_out(merged_store, make_attack):
    with Store.open(merged_store) as store:
        store.add_result(make_attack("late", town="Kelbar", lat=34.5, lon=45.5, day=dt.date(2024, 5, 1)))
    out = run("query", "--db", str(merged_store), "--format", "json")
    assert "1 stored events are not merged yet" in out.stderr and "warwire remerge" in out.stderr
    assert "not merged" not in run("query", "--db", str(merged_store), "--reports").stderr
    remerged = run("remerge", "--db", str(merged_store))
    assert remerged.exit_code == 0 and "merged events updated: 3 in the store (1 reports merged" in remerged.stdout
    full = run("remerge", "--db", str(merged_store), "--full")
    assert "merged events rebuilt: 3 in the store (5 reports merged, 3 replaced by 3)" in full.stdout


def test_all_versions_needs_reports(merged_store):
    result = CliRunner().invoke(main, ["query", "--db", str(merged_store), "--all-versions"])
    assert result.exit_code == 2 and "--reports --all-versions" in result.stderr


def test_export_acled_csv_one_row_per_real_event(merged_store, tmp_path):
    out = tmp_path / "m.csv"
    result = run("export", "--db", str(merged_store), "--format", "acled-csv", "-o", str(out))
    assert result.exit_code == 0 and "exported 2 merged events" in result.stderr
    rows = {r["location"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    varnok = rows["Varnok"]
    assert list(varnok)[:len(ex.ACLED_COLUMNS)] == list(ex.ACLED_COLUMNS)
    assert (varnok["fatalities"], varnok["fatalities_min"], varnok["fatalities_max"]) == ("3", "3", "5")
    assert (varnok["n_sources"], varnok["n_reports"], varnok["earliest_report_date"]) == ("2", "3", "2024-01-08")
    assert varnok["source"] == "one.example; two.example" and varnok["event_date"] == "2024-01-07"
    assert "https://two.example/b" in varnok["notes"] and "5 (https://two.example/b, 2024-01-09)" in varnok["notes"]
    assert varnok["tags"].count("warwire_event=") == 3 and varnok["actor1"] == "Red Hand Brigade"
    assert varnok["event_id_cnty"] == "IRQ" + varnok["warwire_merged_id"] and varnok["country"] == "Iraq"


def test_export_geojson_and_parquet_of_merged_events(merged_store, tmp_path):
    geo = tmp_path / "m.geojson"
    run("export", "--db", str(merged_store), "--format", "geojson", "-o", str(geo))
    features = json.loads(geo.read_text())["features"]
    assert sorted(f["properties"]["place"] for f in features) == ["Delmar", "Varnok"]
    varnok = next(f for f in features if f["properties"]["place"] == "Varnok")
    assert varnok["geometry"]["coordinates"] == [44.36, 33.31] and varnok["id"].startswith("M")
    assert varnok["properties"]["n_sources"] == 2
    pq = tmp_path / "m.parquet"
    run("export", "--db", str(merged_store), "--format", "parquet", "-o", str(pq))
    rows = duckdb.sql(f"SELECT place_name, fatalities, fatalities_max, n_sources, [r.article FOR r IN reports] "
                      f"FROM '{pq}' ORDER BY place_name").fetchall()
    assert rows == [("Delmar", 12, 12, 1, ["d1"]), ("Varnok", 3, 5, 2, ["v1", "v2", "v3"])]


def test_export_jsonl_stays_per_article_unless_merged(merged_store, tmp_path):
    per_article, merged = tmp_path / "a.jsonl", tmp_path / "m.jsonl"
    run("export", "--db", str(merged_store), "--format", "jsonl", "-o", str(per_article))
    run("export", "--db", str(merged_store), "--format", "jsonl", "--merged", "-o", str(merged))
    assert [json.loads(x)["article"]["id"] for x in per_article.read_text().splitlines()] == ["v1", "v2", "v3", "d1"]
    assert [json.loads(x)["n_reports"] for x in merged.read_text().splitlines()] == [3, 1]
