"""Writing articles: each one whole in one transaction, exactly once, versions per URL, rejections kept
with their reason, and every record read back as it went in."""
from __future__ import annotations

import datetime as dt
import json
import string

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warwire.config import Settings
from warwire.errors import EmptyInputError, StoreError
from warwire.store import AddStatus, Filters, Store, write
from warwire.types import (AcledCode, Actor, ActorKind, Aggregate, Article, ErrorInfo, Event, EventType, Modality,
                           Place, Precision, Quantity, Relation, Result, Span, TieType, TimeSpan)

TABLES = ("articles", "actors", "actor_names", "places", "mentions", "relations", "events", "event_actors")


def rows(store: Store) -> dict[str, int]:
    return {t: store._con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_add_then_read_back_the_same_result(store, make_attack):
    result = make_attack("a1", member="Ash Battalion", url="https://news.example/a1")
    assert store.add_result(result) == AddStatus.ADDED == "added"
    [article_id] = store.article_ids(source_id="a1")
    assert store.result(article_id) == result
    assert store.result(article_id).to_dict() == result.to_dict()


def test_re_adding_the_same_article_changes_nothing(store, make_attack):
    result = make_attack("a1", url="https://news.example/a1")
    store.add_result(result)
    before = rows(store)
    assert store.add_result(result) == AddStatus.DUPLICATE == "duplicate"
    assert store.add_result(make_attack("another-id", url="https://news.example/a1")) == "duplicate"  # same text
    assert rows(store) == before


def test_the_url_argument_files_the_article_under_that_url(store, make_attack):
    assert store.add_result(make_attack("a1"), url="file:///news/a1.txt") == "added"
    assert store.has_article(make_attack("a1").article, url="file:///news/a1.txt")
    assert not store.has_article(make_attack("a1").article, url="file:///news/other.txt")
    assert store.result(store.article_ids(url="file:///news/a1.txt")[0]).article.url == "file:///news/a1.txt"


def test_changed_text_at_the_same_url_is_a_new_version_and_replaces_the_old_events(store, make_attack):
    url = "https://news.example/varnok"
    assert store.add_result(make_attack("a1", url=url, killed=3)) == "added"
    assert store.add_result(make_attack("a1", url=url, killed=5)) == AddStatus.VERSION == "version"
    versions = store._con.execute("SELECT version, current FROM articles ORDER BY id").fetchall()
    assert versions == [(1, False), (2, True)]
    assert [r.event.fatalities.min for r in store.events()] == [5]
    assert sorted(r.event.fatalities.min for r in store.events(Filters(include_superseded=True))) == [3, 5]
    assert store.add_result(make_attack("a1", url=url, killed=3)) == "duplicate"  # an old text stays old


def test_inputs_without_url_are_different_articles_when_their_texts_differ(store, make_attack):
    assert store.add_result(make_attack("same-id", killed=3)) == "added"
    assert store.add_result(make_attack("same-id", killed=4)) == "added"
    assert len(store.article_ids(source_id="same-id")) == 2
    assert len(store.events()) == 2


def test_a_rejection_is_stored_with_its_reason_once(store):
    article = Article("bad.txt", "", dt.date(2024, 1, 8), url="file:///news/bad.txt")
    assert store.add_rejection(article, EmptyInputError("Input text is empty.")) == AddStatus.REJECTED
    assert store.add_rejection(article, ErrorInfo("empty", "Input text is empty.")) == "duplicate"
    status, code, reason = store._con.execute("SELECT status, reason_code, reason FROM articles").fetchone()
    assert (status, code, reason) == ("rejected", "empty", "Input text is empty.")
    back = store.result(store.article_ids(source_id="bad.txt")[0])
    assert back.error == ErrorInfo("empty", "Input text is empty.") and back.article.id == "bad.txt"


def test_two_different_rejections_without_url_are_two_rows(store):
    store.add_result(Result(Article("one", ""), error=ErrorInfo("empty", "Input text is empty.")))
    store.add_result(Result(Article("two", ""), error=ErrorInfo("binary", "Input contains NUL bytes.")))
    assert store.counts()["rejected"] == 2


def test_a_failed_fetch_does_not_hide_the_version_that_worked(store, make_attack):
    url = "https://news.example/varnok"
    store.add_result(make_attack("a1", url=url))
    failed = Result(Article("a1", "", url=url), error=ErrorInfo("http_status", "The server answered 503."))
    assert store.add_result(failed) == "rejected"
    assert len(store.events()) == 1


def test_a_failure_mid_write_leaves_nothing_half_written(store, make_attack, monkeypatch):
    insert = write.insert

    def fail_at_events(con, table, columns, values):
        if table == "events":
            raise duckdb.IOException("simulated: disk full while writing events")
        insert(con, table, columns, values)

    monkeypatch.setattr(write, "insert", fail_at_events)
    with pytest.raises(StoreError, match="Nothing of them was written"):
        store.add_result(make_attack("a1", member="Ash Battalion", url="https://news.example/a1"))
    assert set(rows(store).values()) == {0}                 # articles, actors, mentions... all rolled back
    monkeypatch.setattr(write, "insert", insert)
    assert store.add_result(make_attack("a1", member="Ash Battalion", url="https://news.example/a1")) == "added"
    assert rows(store)["articles"] == 1 and rows(store)["events"] == 1


def test_a_batch_is_one_transaction_with_the_same_rules(store, make_attack):
    url = "https://news.example/b"
    first, second = make_attack("b", url=url, killed=1), make_attack("b", url=url, killed=2)
    statuses = store.add_results([first, (make_attack("c"), "file:///c.txt"), first, second])
    assert statuses == ["added", "added", "duplicate", "version"]
    assert sorted(r.event.fatalities.min for r in store.events()) == [2, 3]   # the first version left queries
    assert store.add_results([]) == []


def test_the_store_survives_reopening(tmp_path, make_attack):
    path = tmp_path / "s.duckdb"
    with Store.open(path) as s:
        s.add_result(make_attack("a1"))
    with Store.open(path, read_only=True) as s:
        assert s.result(s.article_ids()[0]) == make_attack("a1")
    with Store.open(path) as s:
        assert s.add_result(make_attack("a1")) == "duplicate"


def test_a_run_records_settings_components_and_counts(store, make_attack):
    with store.run(Settings(), {"events": "warwire.events.rules.v1"}) as run:
        store.add_result(make_attack("a1"), run=run)
        store.add_result(make_attack("a1"), run=run)
        store.add_rejection(Article("x", ""), ErrorInfo("empty", "Input text is empty."), run=run)
    [row] = store.runs()
    assert row["settings_hash"] == Settings().digest() and row["finished"] is not None
    assert json.loads(row["components"])["events"] == "warwire.events.rules.v1"
    assert json.loads(row["counts"]) == {"added": 1, "duplicate": 1, "rejected": 1}
    assert store._con.execute("SELECT DISTINCT run_id FROM articles").fetchall() == [(row["id"],)]


def test_feed_entries_are_remembered(store):
    assert not store.seen_entry("https://news.example/feed.xml", "entry-1")
    store.mark_entry("https://news.example/feed.xml", "entry-1")
    store.mark_entry("https://news.example/feed.xml", "entry-1")
    assert store.seen_entry("https://news.example/feed.xml", "entry-1")
    assert not store.seen_entry("https://news.example/other.xml", "entry-1")


def test_an_unknown_article_id_is_an_error_that_says_where_to_look(store):
    with pytest.raises(StoreError, match="No article with id 42"):
        store.result(42)


# ------------------------------------------------------------------ round trip of arbitrary records

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_name = st.text(string.ascii_letters + " -'", min_size=1, max_size=20)
_opt = lambda s: st.none() | s  # noqa: E731
_span = st.builds(Span, st.integers(0, 10_000), st.integers(0, 10_000), _text)
_date = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
_iso3 = _opt(st.sampled_from(["IRQ", "SYR", "MLI", "YEM"]))
_count = st.integers(0, 2_000_000_000)
_coord = st.floats(-90, 90, allow_nan=False)
_quantity = _opt(st.builds(Quantity, _count, _opt(_count)) | st.builds(Quantity, st.none(), _count))


def _actor(i: int):
    return st.builds(Actor, st.just(f"A{i + 1}"), _name, _opt(_name), _opt(_name), st.sampled_from(ActorKind), _iso3,
                     _opt(_name), st.lists(_span, max_size=3).map(tuple),
                     st.sampled_from(["warwire.actors.v1", "warwire.actors.kb_ner.v1"]))


def _place(i: int):
    return st.builds(Place, st.just(f"P{i + 1}"), _name, _iso3, _opt(_name), st.sampled_from(["town", "country"]),
                     _opt(_coord), _opt(st.floats(-180, 180, allow_nan=False)), _opt(st.integers(1, 2**40)),
                     st.lists(_span, max_size=2).map(tuple))


def _event(i: int, actor_ids: list[str], place_ids: list[str]):
    some = st.lists(st.sampled_from(actor_ids), unique=True, max_size=2).map(tuple) if actor_ids else st.just(())
    one_actor = _opt(st.sampled_from(actor_ids)) if actor_ids else st.none()
    place = _opt(st.sampled_from(place_ids)) if place_ids else st.none()
    date = _opt(st.builds(TimeSpan, _opt(_date), _opt(_date), st.sampled_from(Precision), _opt(_text)))
    return st.builds(Event, st.just(f"E{i + 1}"), st.sampled_from(EventType), _opt(_name),
                     st.lists(_name, max_size=2).map(tuple), st.builds(AcledCode, _opt(_name), _opt(_name)),
                     st.sampled_from(Modality), _opt(st.builds(Aggregate, _opt(_count), _opt(_count), _text)),
                     some, some, place, date, _quantity, _quantity, one_actor, st.floats(0, 1), _span, _span)


@st.composite
def results(draw) -> Result:
    actors = tuple(draw(_actor(i)) for i in range(draw(st.integers(0, 4))))
    places = tuple(draw(_place(i)) for i in range(draw(st.integers(0, 3))))
    ids = [a.id for a in actors]
    relation = st.builds(Relation, st.sampled_from(TieType), st.sampled_from(ids), st.sampled_from(ids),
                         st.floats(0, 1), _span) if ids else st.nothing()
    relations = tuple(draw(st.lists(relation, max_size=3))) if ids else ()
    events = tuple(draw(_event(i, ids, [p.id for p in places])) for i in range(draw(st.integers(0, 3))))
    article = Article(draw(_name), draw(_text), draw(_opt(_date)), draw(_opt(_text)),
                      draw(_opt(_name.map(lambda n: "https://news.example/" + n))))
    return Result(article, actors, places, relations, events)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(result=results())
def test_round_trip_of_any_result(tmp_path_factory, result):
    with Store.open(tmp_path_factory.mktemp("rt") / "s.duckdb") as store:
        assert store.add_result(result) in ("added", "version")
        [article_id] = store.article_ids(source_id=result.article.id)
        assert store.result(article_id) == result
        assert store.add_result(result) == "duplicate"


def test_public_surface():
    import warwire.store as store_pkg

    assert sorted(store_pkg.__all__) == sorted(["Store", "AddStatus", "Run", "Filters", "Near", "EventRow", "ActorRef",
                                                "MergedRow", "ReportRef", "RemergeStats", "content_hash"])
    assert all(hasattr(store_pkg, name) for name in store_pkg.__all__)
