"""Storing cross-article merged events: the call site of ``warwire.resolve.merge``.

    stats = remerge(store)              # merge the events stored since the last remerge (incremental)
    stats = remerge(store, full=True)   # merge every current event again (after the merge rules changed)

Merging is a pure function of the set of reports, and it never looks across link components (reports
joined by links, directly or through each other: ``warwire.resolve.merge.Component``). So an incremental
remerge only reopens what new reports can change:

1. the new reports: current events no merged event holds yet;
2. the stored reports they link to, found by blocking: a SQL pre-filter on type, country and a date window
   as wide as the widest date tolerance, then ``resolve.blocking`` and the gates (``linked_to``);
3. the whole components of those reports, and of merged events holding a report that left the current
   events (a new version of its article);

and merges those reports again, replacing the merged events of the reopened components. Every other
component would come out of a full merge unchanged, so the store ends exactly as a full rebuild leaves
it, whatever the order articles arrived in (tests/unit/store/test_store_remerge.py checks both).

Reports are keyed by a digest of their article's ``(url_key, content_hash)`` and the event id, not by the
store's article id, so keys, their sort order and the merged ids do not depend on the order articles were
stored in. The stored JSON (fatality claims, disagreements) names reports ``<store article id>#<event id>``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..resolve.compat import DEFAULT_RULES, MergeRules
from ..resolve.merge import PRODUCER, Component, MergedEvent, linked_to, merge_components
from ..resolve.report import ActorRef, PlaceRef, Report, report_from_result, url_host
from ..types import ActorKind, Precision
from .db import Run, Store
from .query import EventRow
from .schema import FILL_MERGED_ACTORS
from .write import insert, next_ids

log = logging.getLogger(__name__)

MERGED_COLUMNS = ("id", "component", "type", "mode", "acled_event_type", "acled_sub_event_type", "modality",
                  "aggregate", "date_start", "date_end", "date_precision", "place_name", "country", "admin1", "feature",
                  "lat", "lon", "geonames_id", "sources", "targets", "n_reports", "n_articles", "n_sources",
                  "fatalities", "fatalities_min", "fatalities_max", "fatality_claims", "earliest_event_pk",
                  "earliest_article_id", "earliest_published", "disagreements", "confidence", "producer", "run_id",
                  "key")
CHUNK = 2000


@dataclass(frozen=True, slots=True)
class RemergeStats:
    """What one remerge did."""

    full: bool
    reports: int        # reports merged (the new ones and those of the reopened components)
    removed: int        # merged events deleted (replaced, or gone)
    added: int          # merged events written
    total: int          # merged events in the store afterwards


@dataclass(frozen=True, slots=True)
class _Stored:
    """A report with where it lives in the store."""

    report: Report
    event_pk: int
    article_id: int

    @property
    def label(self) -> str:
        return f"{self.article_id}#{self.report.event_id}"


def article_key(url_key: str, content_hash: str) -> str:
    """An article's part of a report key: the same for the same article in any store, in any order."""
    return hashlib.sha1(f"{url_key}\n{content_hash}".encode()).hexdigest()[:16]


def report_from_row(row: EventRow, key: str) -> Report:
    """The Report of one stored event (what ``report_from_result`` gives for it), its article id ``key``."""
    e, p, d, fat = row.event, row.place, row.event.date, row.event.fatalities
    return Report(
        article_id=key, event_id=e.id, type=e.type, published=row.published, url=row.url, source=url_host(row.url),
        mode=e.mode, acled_event_type=e.acled.event_type, acled_sub_event_type=e.acled.sub_event_type,
        modality=e.modality, aggregate=e.aggregate is not None, date_start=d.start if d else None,
        date_end=(d.end or d.start) if d else None, date_precision=d.precision if d else Precision.UNKNOWN,
        place=PlaceRef(p.name, p.country, p.admin1, p.feature, p.lat, p.lon, p.geonames_id) if p else None,
        sources=tuple(_actor(a) for a in row.sources), targets=tuple(_actor(a) for a in row.targets),
        fatalities_min=fat.min if fat else None, fatalities_max=fat.max if fat else None,
        confidence=e.confidence, evidence=e.evidence.text)


def _actor(a) -> ActorRef:
    return ActorRef(a.name, a.canonical, a.kb_id, a.country, ActorKind(a.kind), a.acled_name)


def stored_reports(store: Store) -> list[Report]:
    """One Report per event of every current article, keyed as the merge keys them (from whole Results:
    the reference :func:`report_from_row` must agree with)."""
    keys = _article_keys(store, None)
    reports: list[Report] = []
    for pk, result in store.stored_results():
        if result.error is None:
            reports.extend(report_from_result(replace(result, article=replace(result.article, id=keys[pk]))))
    return reports


# ------------------------------------------------------------------ remerge


def remerge(store: Store, *, full: bool = False, rules: MergeRules = DEFAULT_RULES,
            run: Run | None = None) -> RemergeStats:
    """Bring the merged events up to date with the current events; see the module doc.

    ``full`` merges every current event again; it is also what happens when the stored merged events were
    made by another version of the merge (their producer differs).
    """
    con = store._con
    if full or con.execute("SELECT count(*) FROM merged_events WHERE producer <> ?", [PRODUCER]).fetchone()[0]:
        stored = _reports(store, None)
        reopened = [r[0] for r in con.execute("SELECT id FROM merged_events").fetchall()]
        return _replace(store, stored, reopened, rules, run, full=True)
    new_pks = [r[0] for r in con.execute(
        "SELECT pk FROM events WHERE current AND pk NOT IN (SELECT event_pk FROM merged_event_reports) "
        "ORDER BY pk").fetchall()]
    stale = [r[0] for r in con.execute(
        "SELECT DISTINCT r.merged_id FROM merged_event_reports r LEFT JOIN events e ON e.pk = r.event_pk "
        "WHERE e.pk IS NULL OR NOT e.current").fetchall()]
    if not new_pks and not stale:
        return RemergeStats(False, 0, 0, 0, _total(store))
    new = _reports(store, new_pks)
    fresh = set(new_pks)
    candidates = [s for s in _reports(store, _candidates(store, new, rules)) if s.event_pk not in fresh]
    touched = linked_to([s.report for s in new], [s.report for s in candidates], rules)
    touched_pks = [s.event_pk for s in candidates if s.report.key in touched]
    reopened = [r[0] for r in con.execute(
        "SELECT id FROM merged_events WHERE component IN (SELECT component FROM merged_events WHERE id = "
        "ANY(?::VARCHAR[]) OR id IN (SELECT merged_id FROM merged_event_reports WHERE event_pk = ANY(?::BIGINT[])))",
        [stale, touched_pks]).fetchall()]
    old_pks = [r[0] for r in con.execute(
        "SELECT r.event_pk FROM merged_event_reports r JOIN events e ON e.pk = r.event_pk "
        "WHERE e.current AND r.merged_id = ANY(?::VARCHAR[]) ORDER BY 1", [reopened]).fetchall()]
    return _replace(store, new + _reports(store, old_pks), reopened, rules, run, full=False)


def _candidates(store: Store, new: list[_Stored], rules: MergeRules) -> list[int]:
    """Stored events that blocking might pair with a new report: same type, no other country, dates within
    the widest tolerance (an undated report on either side passes). A superset; ``linked_to`` decides."""
    slack = dt.timedelta(days=max(rules.day_tolerance, rules.week_tolerance))
    windows = [(str(r.type), r.place.country if r.place else None,
                r.date_start - slack if r.date_start else None, (r.date_end or r.date_start) + slack
                if r.date_start else None) for r in (s.report for s in new) if not r.aggregate]
    if not windows:
        return []
    types, countries, los, his = (list(col) for col in zip(*windows))
    return [r[0] for r in store._con.execute(
        "SELECT DISTINCT e.pk FROM events e JOIN (SELECT unnest(?::VARCHAR[]) AS type, unnest(?::VARCHAR[]) AS "
        "country, unnest(?::DATE[]) AS lo, unnest(?::DATE[]) AS hi) w ON e.type = w.type "
        "WHERE e.current AND (w.country IS NULL OR e.country IS NULL OR e.country = w.country) "
        "AND (w.lo IS NULL OR e.date_start IS NULL OR (coalesce(e.date_end, e.date_start) >= w.lo "
        "AND e.date_start <= w.hi)) "
        "AND e.pk IN (SELECT event_pk FROM merged_event_reports) ORDER BY 1",
        [types, countries, los, his]).fetchall()]


def _replace(store: Store, stored: list[_Stored], reopened: list[str], rules: MergeRules, run: Run | None, *,
             full: bool) -> RemergeStats:
    """Merge ``stored`` and put its merged events in place of those of ``reopened``, in one transaction."""
    by_key = {s.report.key: s for s in stored}
    components = merge_components([s.report for s in stored], rules)
    con = store._con
    merged = [(m, c) for c in components for m in c.events]
    # keys come from a sequence, so they only grow: every merged event written here has a key >= keys[0]
    keys = next_ids(con, {"merged_keys": len(merged)})["merged_keys"]
    rows = [_row(m, c, key, by_key, run) for (m, c), key in zip(merged, keys)]
    links = [(m.id, by_key[k].event_pk, by_key[k].article_id, key) for (m, _), key in zip(merged, keys)
             for k in m.reports]
    with store._transaction():
        if full:
            for table in ("merged_actors", "merged_event_reports", "merged_events"):
                con.execute(f"DELETE FROM {table}")
        elif reopened:
            con.execute("DELETE FROM merged_actors WHERE merged_key IN (SELECT key FROM merged_events "
                        "WHERE id = ANY(?::VARCHAR[]))", [reopened])
            con.execute("DELETE FROM merged_event_reports WHERE merged_id = ANY(?::VARCHAR[])", [reopened])
            con.execute("DELETE FROM merged_events WHERE id = ANY(?::VARCHAR[])", [reopened])
        insert(con, "merged_events", MERGED_COLUMNS, rows)
        insert(con, "merged_event_reports", ("merged_id", "event_pk", "article_id", "merged_key"), links)
        if keys:
            con.execute(FILL_MERGED_ACTORS.format(keys="r.merged_key >= ?"), [keys[0]])
    stats = RemergeStats(full, len(stored), len(reopened), len(rows), _total(store))
    log.info("%s: remerge %s", store.path, stats)
    return stats


def _total(store: Store) -> int:
    return store._con.execute("SELECT count(*) FROM merged_events").fetchone()[0]


def _reports(store: Store, pks: list[int] | None) -> list[_Stored]:
    """The Reports of events ``pks`` (every current event if None), keyed by :func:`article_key`."""
    if pks is None:
        rows: Iterable[EventRow] = store.iter_events(order="stored")
    else:
        rows = (row for i in range(0, len(pks), CHUNK) for row in store._details(pks[i:i + CHUNK]))
    rows = list(rows)
    keys = _article_keys(store, sorted({r.article_id for r in rows}) if pks is not None else None)
    return [_Stored(report_from_row(r, keys[r.article_id]), r.pk, r.article_id) for r in rows]


def _article_keys(store: Store, ids: list[int] | None) -> dict[int, str]:
    sql, params = "SELECT id, url_key, content_hash FROM articles WHERE current", []
    if ids is not None:
        sql, params = sql + " AND id = ANY(?::BIGINT[])", [ids]
    return {i: article_key(u, h) for i, u, h in store._con.execute(sql, params).fetchall()}


def _row(m: MergedEvent, c: Component, key: int, by_key: dict[str, _Stored], run: Run | None) -> tuple:
    p, d = m.place, m.to_dict()
    label = {k: by_key[k].label for k in m.reports}
    claims = [{**claim, "report": label[claim["report"]]} for claim in d["fatalities"]["claims"]]
    disagreements = [{"field": x["field"], "claims": [{"value": y["value"], "reports": [label[k] for k in y["reports"]]}
                                                      for y in x["claims"]]} for x in d["disagreements"]]
    first = by_key[m.earliest.report]
    return (m.id, c.id, str(m.type), m.mode, m.acled_event_type, m.acled_sub_event_type, str(m.modality),
            m.aggregate, m.date_start, m.date_end, str(m.date_precision),
            p.name if p else None, p.country if p else None, p.admin1 if p else None, p.feature if p else None,
            p.lat if p else None, p.lon if p else None, p.geonames_id if p else None,
            json.dumps(d["sources"]), json.dumps(d["targets"]), len(m.reports), m.n_articles, m.n_sources,
            best_estimate(m), m.fatalities_min, m.fatalities_max, json.dumps(claims), first.event_pk,
            first.article_id, m.earliest.published, json.dumps(disagreements), m.confidence, m.producer,
            run.id if run else None, key)


def best_estimate(m: MergedEvent) -> int | None:
    """The death toll a merged event is counted with: the lowest figure any report gave (ACLED's rule: the
    most conservative report), or None when no report gave one. The range stays in fatalities_min/max."""
    return m.fatalities_min


JSON_COLUMNS = ("sources", "targets", "fatality_claims", "disagreements")


def merged_rows(store: Store, limit: int | None = None) -> list[dict]:
    """The stored merged events, by date then id, with their reports as ``article_id#event_id`` of the store
    (JSON columns decoded): the raw rows, for tests and debugging; without the store's key, which a remerge
    assigns anew, so two stores with the same merged events give the same rows."""
    lim = f" LIMIT {int(limit)}" if limit is not None else ""
    rows = store._dicts(
        "SELECT m.* EXCLUDE (key), (SELECT list(r.article_id || '#' || e.id ORDER BY r.event_pk) "
        "FROM merged_event_reports r JOIN events e ON e.pk = r.event_pk WHERE r.merged_id = m.id) AS reports "
        f"FROM merged_events m ORDER BY m.date_start NULLS LAST, m.id{lim}")
    return [{k: json.loads(v) if k in JSON_COLUMNS and v is not None else v for k, v in r.items()} for r in rows]


__all__ = ["RemergeStats", "remerge", "report_from_row", "stored_reports", "article_key", "best_estimate",
           "merged_rows", "MERGED_COLUMNS"]
