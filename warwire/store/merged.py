"""Storing cross-article merged events: the call site of ``warwire.resolve.merge.merge``.

    n = remerge(store)          # merge every current event of the store, replace merged_events

Merging is a pure function of the set of reports (order-independent, deterministic), so the merged
tables are rebuilt whole from the current events each time, in one transaction: a report that
changed version or a new article that joins two clusters never leaves a stale merged event behind.
Reports are keyed ``<store article id>#<event id>`` (the input's own article ids need not be unique
across a store), which maps each one back to its stored event.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace

from ..resolve.merge import MergedEvent, merge
from ..resolve.report import Report, report_from_result
from .db import Run, Store
from .write import insert

log = logging.getLogger(__name__)

MERGED_COLUMNS = ("id", "seq", "type", "mode", "acled_event_type", "acled_sub_event_type", "modality", "aggregate",
                  "date_start", "date_end", "date_precision", "place_name", "country", "admin1", "feature", "lat",
                  "lon", "sources", "targets", "n_reports", "n_articles", "n_sources", "fatalities_min",
                  "fatalities_max", "fatality_claims", "earliest_event_pk", "earliest_article_id",
                  "earliest_published", "disagreements", "confidence", "producer", "run_id")


def stored_reports(store: Store) -> list[Report]:
    """One Report per event of every current article, its article id the store's."""
    reports: list[Report] = []
    for pk, result in store.stored_results():
        if result.error is None:
            reports.extend(report_from_result(replace(result, article=replace(result.article, id=str(pk)))))
    return reports


def remerge(store: Store, *, merge_fn: Callable[[Iterable[Report]], list[MergedEvent]] = merge,
            run: Run | None = None) -> int:
    """Merge the store's current events and replace the merged tables; returns how many merged events."""
    merged = merge_fn(stored_reports(store))
    replace_merged(store, merged, run=run)
    log.info("%s: %d merged events", store.path, len(merged))
    return len(merged)


def replace_merged(store: Store, merged: Iterable[MergedEvent], *, run: Run | None = None) -> None:
    rows, links = [], []
    pks = _event_pks(store)
    for seq, m in enumerate(merged):
        rows.append(_row(m, seq, pks, run))
        for key in m.reports:
            article, event = _split(key)
            if (article, event) in pks:
                links.append((m.id, pks[(article, event)], article))
    with store._transaction():
        store._con.execute("DELETE FROM merged_event_reports")
        store._con.execute("DELETE FROM merged_events")
        insert(store._con, "merged_events", MERGED_COLUMNS, rows)
        insert(store._con, "merged_event_reports", ("merged_id", "event_pk", "article_id"), links)


def _event_pks(store: Store) -> dict[tuple[int, str], int]:
    return {(a, e): pk for a, e, pk in store._con.execute("SELECT article_id, id, pk FROM events").fetchall()}


def _split(key: str) -> tuple[int, str]:
    article, _, event = key.partition("#")
    return int(article), event


def _row(m: MergedEvent, seq: int, pks: dict, run: Run | None) -> tuple:
    p = m.place
    first_article, first_event = _split(m.earliest.report)
    return (m.id, seq, str(m.type), m.mode, m.acled_event_type, m.acled_sub_event_type, str(m.modality),
            m.aggregate, m.date_start, m.date_end, str(m.date_precision),
            p.name if p else None, p.country if p else None, p.admin1 if p else None, p.feature if p else None,
            p.lat if p else None, p.lon if p else None,
            json.dumps([a.to_dict() for a in m.sources]), json.dumps([a.to_dict() for a in m.targets]),
            len(m.reports), m.n_articles, m.n_sources, m.fatalities_min, m.fatalities_max,
            json.dumps(m.to_dict()["fatalities"]["claims"]), pks.get((first_article, first_event)), first_article,
            m.earliest.published, json.dumps(m.to_dict()["disagreements"]), m.confidence, m.producer,
            run.id if run else None)


JSON_COLUMNS = ("sources", "targets", "fatality_claims", "disagreements")


def merged_rows(store: Store, limit: int | None = None) -> list[dict]:
    """The stored merged events, by date, with their report keys as ``article_id#event_id`` of the store
    (JSON columns decoded)."""
    lim = f" LIMIT {int(limit)}" if limit is not None else ""
    rows = store._dicts(
        "SELECT m.*, (SELECT list(r.article_id || '#' || e.id ORDER BY r.event_pk) FROM merged_event_reports r "
        "JOIN events e ON e.pk = r.event_pk WHERE r.merged_id = m.id) AS reports "
        f"FROM merged_events m ORDER BY m.seq{lim}")
    return [{k: json.loads(v) if k in JSON_COLUMNS and v is not None else v for k, v in r.items()} for r in rows]
