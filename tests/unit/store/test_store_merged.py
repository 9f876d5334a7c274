"""Merged events in the store: built by warwire.resolve.merge from the current events, replaced whole."""
from __future__ import annotations

import datetime as dt

from warwire.store.merged import merged_rows, stored_reports


def _two_reports_and_a_near_miss(store, make_attack):
    store.add_result(make_attack("wire-1", url="https://one.example/a", extra=" Witnesses said it lasted an hour."))
    store.add_result(make_attack("wire-2", url="https://two.example/b", killed=5, published=dt.date(2024, 1, 9),
                                 extra=" Officials gave a higher toll later."))
    store.add_result(make_attack("far", town="Delmar", lat=36.9, lon=42.0, url="https://one.example/c",
                                 day=dt.date(2024, 3, 20)))


def test_reports_of_one_event_merge_and_a_near_miss_stays_apart(store, make_attack):
    _two_reports_and_a_near_miss(store, make_attack)
    assert store.remerge().total == 2
    rows = {r["place_name"]: r for r in merged_rows(store)}
    varnok = rows["Varnok"]
    assert varnok["n_reports"] == 2 and varnok["n_sources"] == 2
    assert (varnok["fatalities"], varnok["fatalities_min"], varnok["fatalities_max"]) == (3, 3, 5)
    assert varnok["earliest_published"] == dt.date(2024, 1, 8)
    assert {c["min"] for c in varnok["fatality_claims"]} == {3, 5}
    assert len(varnok["reports"]) == 2 and rows["Delmar"]["n_reports"] == 1


def test_remerge_is_idempotent_and_follows_new_versions(store, make_attack):
    _two_reports_and_a_near_miss(store, make_attack)
    store.remerge()
    first = merged_rows(store)
    store.remerge()
    assert merged_rows(store) == first
    store.remerge(full=True)
    assert merged_rows(store) == first
    # a new version of the far report moves it to Varnok: it joins the merged event there
    store.add_result(make_attack("far", url="https://one.example/c", extra=" Corrected: the attack was in Varnok."))
    assert store.remerge().total == 1
    assert merged_rows(store)[0]["n_reports"] == 3


def test_reports_are_keyed_by_article_content_not_store_id(store, make_attack):
    store.add_result(make_attack("same-id", killed=1))
    store.add_result(make_attack("same-id", killed=2))      # same input id, different text: two articles
    keys = [r.key for r in stored_reports(store)]
    assert len(set(keys)) == 2 and all(k.endswith("#E1") and len(k) == 19 for k in keys)
    store.remerge()
    assert merged_rows(store)[0]["reports"] == ["1#E1", "2#E1"]        # one event; stored by store ids


def test_merged_events_keep_which_report_said_what(store, make_attack):
    _two_reports_and_a_near_miss(store, make_attack)
    store.remerge()
    varnok = merged_rows(store)[0]
    assert [(c["report"], c["min"]) for c in varnok["fatality_claims"]] == [("1#E1", 3), ("2#E1", 5)]
    fatalities = next(d for d in varnok["disagreements"] if d["field"] == "fatalities")
    assert [c["reports"] for c in fatalities["claims"]] == [["1#E1"], ["2#E1"]]
    assert varnok["earliest_article_id"] == 1 and varnok["component"].startswith("C")
