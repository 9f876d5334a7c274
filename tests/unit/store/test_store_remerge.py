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
