"""Querying merged events with the single-event filters (real DuckDB file, fictional reports)."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from warwire.errors import StoreError
from warwire.store import Filters, Near


@pytest.fixture
def merged(store, make_attack):
    """Varnok: two reports (3 then 5 killed), the second naming a unit of the Red Hand Brigade; Delmar: one
    report by the Ash Front, far away and later."""
    store.add_result(make_attack("wire-1", url="https://one.example/a"))
    store.add_result(make_attack("wire-2", url="https://two.example/b", killed=5, published=dt.date(2024, 1, 9),
                                 extra=" Officials gave a higher toll later."))
    store.add_result(make_attack("far", group="Ash Front", group_kb="ash_front", town="Delmar", lat=36.9, lon=42.0,
                                 url="https://one.example/c", day=dt.date(2024, 3, 20), killed=1))
    store.remerge()
    return store


def _places(rows) -> list[str]:
    return [r.event.place.name for r in rows]


@pytest.mark.parametrize("filters, places", [
    (Filters(), ["Delmar", "Varnok"]),                                        # newest first
    (Filters(actor="red hand brigade"), ["Varnok"]),
    (Filters(actor="ash_front"), ["Delmar"]),                                 # a KB id
    (Filters(actor_kb_ids=("ash_front",)), ["Delmar"]),
    (Filters(countries=("IRQ",), event_types=("ASSAULT",)), ["Delmar", "Varnok"]),
    (Filters(countries=("SYR",)), []),
    (Filters(near=Near(33.3, 44.4, 20)), ["Varnok"]),
    (Filters(since=dt.date(2024, 3, 1)), ["Delmar"]),
    (Filters(until=dt.date(2024, 1, 31)), ["Varnok"]),
    (Filters(min_fatalities=3), ["Varnok"]),                                  # best estimate 3 (range 3-5)
    (Filters(min_fatalities=4), []),                                          # no merged estimate reaches 4
    (Filters(acled_types=("armed clash",), modalities=("asserted",)), ["Delmar", "Varnok"]),
])
def test_filters_on_merged_events(merged, filters, places):
    assert _places(merged.merged_events(filters)) == places
    assert merged.count_merged(filters) == len(places)


def test_actor_matches_any_report(store, make_attack):
    store.add_result(make_attack("r1", url="https://one.example/a"))
    store.add_result(make_attack("r2", group="gunmen", group_kb="unidentified_armed_group:irq",
                                 url="https://two.example/b"))
    store.remerge()
    (row,) = store.merged_events()
    assert [a.name for a in row.event.sources] == ["Red Hand Brigade"] and row.event.n_sources == 2
    assert store.count_merged(Filters(actor="gunmen")) == 1            # named so by one report only


def test_actor_members(store, make_attack):
    store.add_result(make_attack("r1", url="https://one.example/a", town="Kelbar", lat=34.5, lon=45.5))
    store.add_result(make_attack("r2", member="Falcon Unit", url="https://two.example/b"))
    store.remerge()
    assert store.count_merged(Filters(actor="Red Hand Brigade")) == 2
    assert store.count_merged(Filters(actor="Red Hand Brigade", members=False)) == 1


def test_merged_row_lists_its_reports_and_who_said_what(merged):
    row = merged.merged_events(Filters(near=Near(33.3, 44.4, 20)))[0]
    d = row.to_dict()
    assert (d["fatalities"], d["fatalities_min"], d["fatalities_max"]) == (3, 3, 5)
    assert (d["n_sources"], d["n_reports"], d["n_articles"]) == (2, 2, 2)
    assert d["earliest_published"] == "2024-01-08" and d["earliest_article"] == "wire-1"
    assert d["urls"] == ["https://one.example/a", "https://two.example/b"]
    assert [(c["article"], c["min"]) for c in d["fatality_claims"]] == [("wire-1", 3), ("wire-2", 5)]
    assert any(x["field"] == "fatalities" for x in d["disagreements"])
    assert d["sources"] == ["Red Hand Brigade"] and d["country"] == "IRQ"
    assert [r.article for r in row.reports] == ["wire-1", "wire-2"]          # earliest first
    assert row.event.earliest.report == row.reports[0].label


def test_all_versions_is_refused_for_merged_events(merged):
    with pytest.raises(StoreError, match="--reports --all-versions"):
        merged.merged_events(Filters(include_superseded=True))


def test_unmerged_counts_what_the_next_remerge_merges(merged, make_attack):
    assert merged.unmerged() == 0
    merged.add_result(make_attack("late", town="Kelbar", lat=34.5, lon=45.5, day=dt.date(2024, 5, 1)))
    assert merged.unmerged() == 1
    merged.remerge()
    assert merged.unmerged() == 0 and merged.count_merged() == 3


def test_copy_merged_to_parquet(merged, tmp_path):
    path = tmp_path / "m.parquet"
    assert merged.copy_merged(Filters(), path) == 2
    rows = duckdb.sql(f"SELECT place_name, fatalities, n_sources, len(reports) AS n FROM '{path}' "
                      "ORDER BY place_name").fetchall()
    assert rows == [("Delmar", 1, 1, 1), ("Varnok", 3, 2, 2)]
