"""Incremental remerge: merging only what new articles can change gives exactly what a full rebuild gives,
whatever order the articles arrive in. Run on the written merge corpus (tests/data/merge_corpus), each
article stored as the Result an extractor would give for its reports, in a real DuckDB file."""
from __future__ import annotations

import importlib.util
import random
import re
import sys
from pathlib import Path

import pytest

from warwire.resolve.compat import MergeRules
from warwire.resolve.merge import merge
from warwire.store import Store
from warwire.store.merged import article_key, merged_rows, report_from_row, stored_reports
from warwire.types import (AcledCode, Actor, Article, Event, Place, Quantity, Result, Span, TimeSpan)

_spec = importlib.util.spec_from_file_location("warwire_resolve_test_fixtures",
                                               Path(__file__).resolve().parents[1] / "resolve" / "conftest.py")
_resolve = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _resolve      # its dataclass looks its module up
_spec.loader.exec_module(_resolve)


def _result(article: str, reports) -> Result:
    """The Result of one corpus article: its reports' evidence as text, their actors, places and events."""
    text = " ".join(r.evidence or f"Report {r.key}." for r in reports)
    actors, places, events = {}, {}, []
    for r in reports:
        def actor_id(ref) -> str:
            if ref not in actors:
                actors[ref] = Actor(f"A{len(actors) + 1}", ref.name, ref.canonical, ref.kb_id, ref.kind, ref.country,
                                    None, (Span(0, 1, text[0]),))
            return actors[ref].id
        place = None
        if r.place is not None:
            p = r.place
            if p not in places:
                places[p] = Place(f"P{len(places) + 1}", p.name, p.country, p.admin1, p.feature, p.lat, p.lon,
                                  p.geonames_id, ())
            place = places[p].id
        date = TimeSpan(r.date_start, r.date_end, r.date_precision) if r.date_start else None
        fat = Quantity(r.fatalities_min, r.fatalities_max) if r.has_fatalities else None
        events.append(Event(r.event_id, r.type, r.mode, (), AcledCode(r.acled_event_type, r.acled_sub_event_type),
                            r.modality, None, tuple(actor_id(a) for a in r.sources),
                            tuple(actor_id(a) for a in r.targets), place, date, fat, None, None, r.confidence,
                            Span(0, len(text), text), Span(0, 1, text[0])))
    outlet = re.sub(r"[^a-z0-9]+", "-", (reports[0].source or article).lower()).strip("-")
    return Result(Article(article, text, reports[0].published, None, f"https://{outlet}.example/{article}"),
                  tuple(actors.values()), tuple(places.values()), (), tuple(events))


@pytest.fixture(scope="module")
def articles() -> list[Result]:
    corpus = _resolve.load_corpus()
    by_article: dict[str, list] = {}
    for r in corpus.reports:
        by_article.setdefault(r.article_id, []).append(r)
    return [_result(a, rs) for a, rs in sorted(by_article.items())]


def canonical(store: Store) -> list[dict]:
    """The merged events with store article ids replaced by the articles' own ids (they depend on order)."""
    names = dict(store._con.execute("SELECT id, source_id FROM articles").fetchall())

    def name(label: str) -> str:
        article, _, event = label.partition("#")
        return f"{names[int(article)]}#{event}"

    out = []
    for row in merged_rows(store):
        row = {k: v for k, v in row.items() if k not in ("run_id", "earliest_event_pk")}
        row["earliest_article_id"] = names[row["earliest_article_id"]]
        row["reports"] = sorted(name(x) for x in row["reports"])
        row["fatality_claims"] = [{**c, "report": name(c["report"])} for c in row["fatality_claims"]]
        row["disagreements"] = [{**d, "claims": [{**c, "reports": [name(x) for x in c["reports"]]}
                                                 for c in d["claims"]]} for d in row["disagreements"]]
        out.append(row)
    return sorted(out, key=lambda r: r["id"])


def _ingest(path, batches, *, full_at_end=False) -> list[dict]:
    with Store.open(path) as store:
        for batch in batches:
            store.add_results(batch)
            stats = store.remerge()
            assert not stats.full
        if full_at_end:
            assert store.remerge(full=True).full
        return canonical(store)


@pytest.fixture(scope="module")
def rebuilt(articles, tmp_path_factory) -> list[dict]:
    return _ingest(tmp_path_factory.mktemp("full") / "s.duckdb", [articles], full_at_end=True)


def test_corpus_in_the_store_merges_like_the_pure_merge(rebuilt, articles, tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        store.add_results(articles)
        pure = merge(stored_reports(store))
    assert len(rebuilt) == len(pure) and {r["id"] for r in rebuilt} == {m.id for m in pure}
    assert sum(r["n_reports"] for r in rebuilt) == 123
    assert 45 <= len(rebuilt) <= 60            # 49 gold events; the corpus's known misses split a few


def test_a_then_b_equals_b_then_a_equals_a_full_rebuild(rebuilt, articles, tmp_path):
    a, b = articles[::2], articles[1::2]
    assert _ingest(tmp_path / "ab.duckdb", [a, b]) == rebuilt
    assert _ingest(tmp_path / "ba.duckdb", [b, a]) == rebuilt


def test_small_batches_in_a_shuffled_order_equal_a_full_rebuild(rebuilt, articles, tmp_path):
    shuffled = list(articles)
    random.Random(7).shuffle(shuffled)
    assert _ingest(tmp_path / "small.duckdb", [shuffled[i:i + 3] for i in range(0, len(shuffled), 3)]) == rebuilt


def test_incremental_remerge_reopens_only_what_new_reports_touch(articles, tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        store.add_results(articles[1:])
        store.remerge()
        stats = store.remerge()
        assert (stats.reports, stats.added, stats.removed) == (0, 0, 0)    # nothing new: nothing done
        store.add_results(articles[:1])
        stats = store.remerge()
        assert 1 <= stats.reports < 15 and stats.total == len(canonical(store))


def test_reports_read_by_key_equal_those_from_whole_results(articles, tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        store.add_results(articles[:20])
        keys = {i: article_key(u, h) for i, u, h in
                store._con.execute("SELECT id, url_key, content_hash FROM articles").fetchall()}
        by_row = sorted((report_from_row(r, keys[r.article_id]) for r in store.events(order="stored")),
                        key=lambda r: r.key)
        assert by_row == sorted(stored_reports(store), key=lambda r: r.key)


def test_full_rebuild_applies_new_rules(articles, tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        store.add_results(articles)
        merged = store.remerge().total
        strict = store.remerge(full=True, rules=MergeRules(link_score=100.0))
        assert strict.full and strict.total == 123 > merged        # nothing links: one event per report


# ------------------------------------------------------------------ merged_actors and merged keys


def _merged_actors(store: Store) -> list[tuple]:
    """merged_actors as (merged id, actor key) pairs, and what it must hold: every actor key the reports name."""
    return sorted(store._con.execute("SELECT m.id, x.actor_key FROM merged_actors x "
                                     "JOIN merged_events m ON m.key = x.merged_key").fetchall())


def _expected_merged_actors(store: Store) -> list[tuple]:
    return sorted(store._con.execute(
        "SELECT DISTINCT r.merged_id, ea.actor_key FROM merged_event_reports r JOIN event_actors ea "
        "ON ea.event_pk = r.event_pk WHERE ea.actor_key IS NOT NULL").fetchall())


def _keys_agree(store: Store) -> bool:
    """Every report row carries its merged event's key; keys are unique."""
    con = store._con
    unique = con.execute("SELECT count(DISTINCT key) = count(*) AND count(key) = count(*) "
                         "FROM merged_events").fetchone()[0]
    bad = con.execute("SELECT count(*) FROM merged_event_reports r LEFT JOIN merged_events m ON m.id = r.merged_id "
                      "WHERE m.key IS DISTINCT FROM r.merged_key").fetchone()[0]
    return unique and bad == 0


def test_merged_actors_follow_incremental_and_full_remerges(articles, tmp_path):
    shuffled = list(articles)
    random.Random(3).shuffle(shuffled)
    with Store.open(tmp_path / "s.duckdb") as store:
        for i in range(0, len(shuffled), 5):
            store.add_results(shuffled[i:i + 5])
            store.remerge()
            assert _merged_actors(store) == _expected_merged_actors(store) and _keys_agree(store)
        assert _merged_actors(store)
        incremental = _merged_actors(store)
        store.remerge(full=True)
        assert _merged_actors(store) == _expected_merged_actors(store) == incremental and _keys_agree(store)


def _old_merged_ids(store: Store, f, order: str) -> list[str]:
    """The merged ids the query before merged_actors returned: from the actors' events to their reports."""
    from warwire.store.merged_query import ORDERS
    from warwire.store.query import actor_events, field_conditions

    parts, params = field_conditions(f, "m")
    if f.actor is not None or f.actor_kb_ids:
        sql, p = actor_events(f)
        parts.append(f"m.id IN (SELECT merged_id FROM merged_event_reports WHERE event_pk IN ({sql}))")
        params.extend(p)
    cond = " AND ".join(parts) or "TRUE"
    return [r[0] for r in store._con.execute(f"SELECT m.id FROM merged_events m WHERE {cond} ORDER BY {ORDERS[order]}",
                                             params).fetchall()]


@pytest.fixture(scope="module")
def corpus_store(articles, tmp_path_factory):
    with Store.open(tmp_path_factory.mktemp("q") / "s.duckdb") as store:
        store.add_results(articles)
        store.remerge()
        yield store


def _corpus_filters(store: Store) -> list:
    from warwire.store import Filters

    con = store._con
    names = [r[0] for r in con.execute("SELECT name_key FROM actor_names GROUP BY 1 ORDER BY count(*) DESC, 1 "
                                       "LIMIT 6").fetchall()]
    kb_ids = [r[0] for r in con.execute("SELECT kb_id FROM actors WHERE kb_id IS NOT NULL GROUP BY 1 "
                                        "ORDER BY count(*) DESC, 1 LIMIT 3").fetchall()]
    country, etype = con.execute("SELECT country, type FROM merged_events WHERE country IS NOT NULL "
                                 "GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1").fetchone()
    out = [Filters(), Filters(countries=(country,)), Filters(event_types=(etype,), countries=(country,))]
    out += [Filters(actor=n) for n in names] + [Filters(actor=n, members=False) for n in names[:2]]
    out += [Filters(actor=names[0], countries=(country,)), Filters(actor_kb_ids=tuple(kb_ids)),
            Filters(actor=names[1], actor_kb_ids=(kb_ids[0],)), Filters(actor="no such actor")]
    return out


def test_merged_queries_match_the_query_before_merged_actors(corpus_store):
    filters = _corpus_filters(corpus_store)
    assert any(_old_merged_ids(corpus_store, f, "recent") for f in filters if f.actor)
    for f in filters:
        for order in ("recent", "stored"):
            old = _old_merged_ids(corpus_store, f, order)
            streamed = corpus_store.merged_events(f, order=order)           # one query
            assert [r.event.id for r in streamed] == old, f
            assert corpus_store.count_merged(f) == len(old)
            for limit in (1, 7, len(old) + 1):                               # pages: keys first, then rows
                assert corpus_store.merged_events(f, order=order, limit=limit) == streamed[:limit], (f, limit)
