"""Exports read back the way their users read them: the CSV module, a JSON parser, DuckDB, and the
``warwire query`` / ``warwire export`` commands."""
from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest
from click.testing import CliRunner

from warwire import export as ex
from warwire.cli import main
from warwire.cli_store import export as export_cmd
from warwire.cli_store import query as query_cmd
from warwire.store import Filters, Store
from warwire.store.query import ActorRef


def _acled(path, countries, filters=None) -> list[dict]:
    out = io.StringIO()
    with Store.open(path, read_only=True) as store:
        n = ex.write_acled_csv(store, filters, out, countries)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == n
    return rows


def test_acled_csv_has_acleds_columns_and_only_events_acled_would_code(filled, countries):
    out = io.StringIO()
    with Store.open(filled, read_only=True) as store:
        ex.write_acled_csv(store, None, out, countries)
    reader = csv.DictReader(io.StringIO(out.getvalue()))
    assert tuple(reader.fieldnames) == ex.ACLED_COLUMNS
    # x3 is a threat (no ACLED type), x4 a statement about many attacks: left out
    assert [r["tags"].split(";")[0] for r in reader] == ["warwire_event=x1#E1", "warwire_event=x2#E1",
                                                          "warwire_event=x5#E1", "warwire_event=x6#E1"]


def test_acled_csv_values(filled, countries):
    rows = {r["tags"].split(";")[0].split("=")[1]: r for r in _acled(filled, countries)}
    battle = rows["x1#E1"]
    assert {k: battle[k] for k in ("event_date", "year", "time_precision", "disorder_type", "event_type",
                                   "sub_event_type", "actor1", "inter1", "actor2", "inter2", "interaction",
                                   "civilian_targeting", "iso", "region", "country", "admin1", "location",
                                   "latitude", "longitude", "geo_precision", "source", "fatalities")} == {
        "event_date": "2024-01-07", "year": "2024", "time_precision": "1", "disorder_type": "Political violence",
        "event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Red Hand Brigade", "inter1": "3",
        "actor2": "Police Forces of Iraq (2022-)", "inter2": "1", "interaction": "13", "civilian_targeting": "",
        "iso": "368", "region": "Middle East", "country": "Iraq", "admin1": "Baghdad", "location": "Varnok",
        "latitude": "33.31", "longitude": "44.36", "geo_precision": "1", "source": "news.example", "fatalities": "3"}
    assert battle["event_id_cnty"].startswith("IRQ") and battle["timestamp"].isdigit()
    assert battle["notes"] == "The Red Hand Brigade attacked a police post in Varnok on Sunday, killing 3 officers."
    strike = rows["x2#E1"]
    assert (strike["actor2"], strike["inter2"], strike["interaction"]) == ("Civilians (Iraq)", "7", "37")
    assert strike["civilian_targeting"] == "Civilian targeting" and strike["source"] == "daily.example"
    riot = rows["x6#E1"]
    assert (riot["inter1"], riot["interaction"], riot["disorder_type"]) == ("5", "15", "Political violence; "
                                                                                      "Demonstrations")
    assert (riot["time_precision"], riot["geo_precision"], riot["admin2"]) == ("2", "2", "Sarvan")
    assert (riot["fatalities"], riot["iso"], riot["country"]) == ("0", "760", "Syria")
    assert "modality=claimed" in riot["tags"]
    assert (rows["x5#E1"]["latitude"], rows["x5#E1"]["longitude"]) == ("", "")


def test_acled_csv_follows_the_filters(filled, countries):
    assert [r["location"] for r in _acled(filled, countries, Filters(countries=("SYR",)))] == ["Sarvan"]
    assert _acled(filled, countries, Filters(modalities=("threatened",))) == []   # still no ACLED type


@pytest.mark.parametrize("kind, acled_name, code", [
    ("state", None, 1), ("military", None, 1), ("police", None, 1), ("government", None, 1), ("rebel", None, 2),
    ("militia", None, 3), ("terrorist", None, 3), ("party", None, 3), ("protesters", "Rioters (Iraq)", 5),
    ("protesters", "Protesters (Iraq)", 6), ("civilians", None, 7), ("organization", None, 8),
    ("alliance", None, 8), ("unknown", None, 8)])
def test_inter_codes(kind, acled_name, code):
    assert ex.inter_code(ActorRef("A1", "x", None, None, kind, None, acled_name)) == code


@pytest.mark.parametrize("inter1, inter2, code", [(1, 3, 13), (3, 1, 13), (7, None, 70), (None, 6, 60),
                                                  (None, None, None), (2, 2, 22)])
def test_interaction_codes(inter1, inter2, code):
    assert ex.interaction(inter1, inter2) == code


def test_country_table_from_the_bundled_knowledge_base():
    table = ex.country_table()
    assert table["IRQ"] == ex.Country("IRQ", "Iraq", "Middle East", 368)


def test_geojson_is_a_feature_collection_of_points_in_lon_lat_order(filled):
    out = io.StringIO()
    with Store.open(filled, read_only=True) as store:
        n = ex.write_geojson(store, None, out)
    doc = json.loads(out.getvalue())
    assert doc["type"] == "FeatureCollection" and "crs" not in doc and n == len(doc["features"]) == 5
    by_article = {f["properties"]["article"]: f for f in doc["features"]}
    assert "x5" not in by_article                                         # no coordinates, no feature
    varnok = by_article["x1"]
    assert varnok["type"] == "Feature" and varnok["geometry"] == {"type": "Point", "coordinates": [44.36, 33.31]}
    for f in doc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert {"event_id", "type", "modality", "date_start", "sources", "targets", "evidence"} <= set(f["properties"])
    assert by_article["x2"]["properties"]["acled_sub_event_type"] == "Air/drone strike"


def test_parquet_reads_back_in_duckdb(filled, tmp_path):
    out = tmp_path / "events.parquet"
    with Store.open(filled, read_only=True) as store:
        assert ex.write_parquet(store, None, out) == 6
        assert ex.write_parquet(store, Filters(countries=("SYR",)), tmp_path / "syr.parquet") == 2
    con = duckdb.connect()
    rows = con.execute(f"SELECT article_source_id, type, fatalities_min, source_actors[1].name AS actor "
                       f"FROM read_parquet('{out}') ORDER BY pk").fetchall()
    assert rows[0] == ("x1", "ASSAULT", 3, "Red Hand Brigade") and len(rows) == 6
    assert con.execute(f"SELECT count(*) FROM read_parquet('{tmp_path / 'syr.parquet'}')").fetchone()[0] == 2


def test_jsonl_is_the_output_contract_one_article_per_line(filled):
    out = io.StringIO()
    with Store.open(filled, read_only=True) as store:
        assert ex.write_jsonl(store, None, out) == 7
        first = store.result(store.article_ids(source_id="x1")[0])
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == first.to_dict()
    assert set(lines[0]) == {"article", "actors", "places", "relations", "events"}
    assert lines[-1] == {"article": {"id": "bad", "title": None, "url": None, "published": None, "language": "en"},
                         "error": {"code": "empty", "message": "Input text is empty."}}


def test_jsonl_with_filters_holds_the_matching_events_only(filled):
    out = io.StringIO()
    with Store.open(filled, read_only=True) as store:
        assert ex.write_jsonl(store, Filters(event_types=("THREATEN",)), out) == 1
    [line] = [json.loads(x) for x in out.getvalue().splitlines()]
    assert line["article"]["id"] == "x3" and [e["type"] for e in line["events"]] == ["THREATEN"]


# ------------------------------------------------------------------ the commands


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_query_json_csv_and_plain_table(filled):
    as_json = run("query", "--reports", "--db", str(filled), "--format", "json")
    assert as_json.exit_code == 0 and len(json.loads(as_json.stdout)) == 6
    as_csv = run("query", "--reports", "--db", str(filled), "--format", "csv", "--country", "syr", "--type", "threaten")
    [row] = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert row["article"] == "x3" and row["modality"] == "threatened"
    table = run("query", "--reports", "--db", str(filled), "--actor", "Ash Battalion", "--since", "2024-02-01")
    lines = table.stdout.splitlines()
    assert lines[0].split("\t")[:2] == ["date_start", "type"] and len(lines) == 2 and "Delmar" in lines[1]


def test_query_filters_from_the_command_line(filled):
    near = run("query", "--reports", "--db", str(filled), "--format", "json", "--near", "33.3,44.4,20", "--min-fatalities", "1")
    assert [r["article"] for r in json.loads(near.stdout)] == ["x1"]
    acled = run("query", "--reports", "--db", str(filled), "--format", "json", "--acled-type", "Mob violence",
                "--modality", "claimed", "--limit", "5")
    assert [r["article"] for r in json.loads(acled.stdout)] == ["x6"]


@pytest.mark.parametrize("args, message", [
    (["--near", "33,44"], "is not LAT,LON,KM"),
    (["--near", "95,44,10"], "latitude must be in"),
    (["--country", "Iraq"], "ISO 3166-1 alpha-3"),
    (["--since", "7 January"], "7 January"),
    (["--type", "ATTACK"], "ATTACK"),
])
def test_bad_filters_are_refused_with_a_reason(filled, args, message):
    result = CliRunner().invoke(main, ["query", "--db", str(filled), *args])
    assert result.exit_code == 2 and message in result.output


def test_query_without_a_store_says_how_to_make_one(tmp_path):
    result = CliRunner().invoke(main, ["query", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "No store at" in result.stderr and "warwire ingest" in result.stderr


@pytest.mark.parametrize("fmt, suffix", [("acled-csv", "csv"), ("geojson", "geojson"), ("parquet", "parquet"),
                                         ("jsonl", "jsonl")])
def test_export_command_writes_each_format(filled, tmp_path, fmt, suffix):
    out = tmp_path / f"out.{suffix}"
    result = run("export", "--reports", "--db", str(filled), "--format", fmt, "-o", str(out), "--country", "IRQ")
    assert result.exit_code == 0 and out.exists() and "exported" in result.stderr
    if fmt == "acled-csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert {r["country"] for r in rows} == {"Iraq"} and {r["region"] for r in rows} == {"Middle East"}
    elif fmt == "geojson":
        assert len(json.loads(out.read_text())["features"]) == 3           # x1, x2, x4 (x5 has no point)
    elif fmt == "parquet":
        assert duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0] == 4
    else:
        assert len(out.read_text().splitlines()) == 4


def test_parquet_needs_a_file(filled):
    result = CliRunner().invoke(main, ["export", "--db", str(filled), "--format", "parquet", "-o", "-"])
    assert result.exit_code == 2 and "parquet needs a file" in result.stderr


@pytest.mark.parametrize("command", [query_cmd, export_cmd], ids=["query", "export"])
def test_every_option_has_help(command):
    assert (command.help or "").strip()
    for param in command.params:
        if param.name != "help":
            assert (getattr(param, "help", None) or "").strip(), f"--{param.name} has no help text"
