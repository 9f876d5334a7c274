"""Reading merged events: the same ``Filters`` as single events, over ``merged_events``; ``MergedRow``.

What each filter means for a merged event (one real event, told by one or more reports):

* type, ACLED type, modality, country, date range, place radius (``near``): the merged event's own value,
  the one its reports agree on (majority type and ACLED types, strongest factual modality, the most
  specific place, the finest date range);
* ``min_fatalities``: the best estimate, the lowest toll any report gave (ACLED's most conservative
  figure), which is ``fatalities_min``;
* ``actor`` (with its aliases, KB ids and members, as for single events): any report of the merged event
  names a matched actor among its sources or targets (read from ``merged_actors``, see store/schema.py);
* ``include_superseded`` has no meaning: merged events hold only the current versions of articles.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from ..errors import StoreError
from ..resolve.merge import Claim, Disagreement, EarliestReport, FatalityClaim, MergedEvent
from ..resolve.report import ActorRef, PlaceRef
from ..types import EventType, Modality, Precision
from .query import Filters, actor_keys, field_conditions

ORDERS = {"recent": "m.date_start DESC NULLS LAST, m.id DESC", "stored": "m.date_start NULLS LAST, m.id"}
_REPORT = ("{'event_pk': e.pk, 'article_id': a.id, 'article': a.source_id, 'event_id': e.id, 'url': a.url, "
           "'title': a.title, 'published': a.published, 'ingested_at': a.ingested_at, 'evidence': e.evidence_text}")


@dataclass(frozen=True, slots=True)
class ReportRef:
    """One report of a merged event: the stored event and the article that told it."""

    event_pk: int
    article_id: int
    article: str                 # the article's id as the input gave it
    event_id: str
    url: str | None
    title: str | None
    published: dt.date | None
    ingested_at: dt.datetime | None
    evidence: str

    @property
    def label(self) -> str:
        """``<store article id>#<event id>``, how the merged event's claims name this report."""
        return f"{self.article_id}#{self.event_id}"


@dataclass(frozen=True, slots=True)
class MergedRow:
    """One stored merged event. ``event`` names reports by ``ReportRef.label``; ``reports`` are in
    publication order, earliest first; ``fatalities`` is the best estimate (see store/merged.py)."""

    event: MergedEvent
    fatalities: int | None
    component: str
    reports: tuple[ReportRef, ...]

    def to_dict(self) -> dict:
        """Flat, JSON-ready (dates as ISO strings); lists stay lists."""
        m, p = self.event, self.event.place
        by_label = {r.label: r for r in self.reports}
        first = by_label.get(m.earliest.report)
        return {
            "merged_id": m.id, "date_start": _iso(m.date_start), "date_end": _iso(m.date_end),
            "date_precision": str(m.date_precision), "type": str(m.type), "mode": m.mode,
            "acled_event_type": m.acled_event_type, "acled_sub_event_type": m.acled_sub_event_type,
            "modality": str(m.modality), "aggregate": m.aggregate,
            "sources": [actor_label(a) for a in m.sources], "targets": [actor_label(a) for a in m.targets],
            "place": p.name if p else None, "country": p.country if p else None, "admin1": p.admin1 if p else None,
            "feature": p.feature if p else None, "lat": p.lat if p else None, "lon": p.lon if p else None,
            "geonames_id": p.geonames_id if p else None,
            "fatalities": self.fatalities, "fatalities_min": m.fatalities_min, "fatalities_max": m.fatalities_max,
            "n_sources": m.n_sources, "n_reports": len(m.reports), "n_articles": m.n_articles,
            "earliest_published": _iso(m.earliest.published), "earliest_article": first.article if first else None,
            "earliest_url": first.url if first else None,
            "reports": [r.label for r in self.reports], "articles": [r.article for r in self.reports],
            "urls": [r.url for r in self.reports if r.url],
            "fatality_claims": [_claim(c, by_label.get(c.report)) for c in m.fatality_claims],
            "disagreements": [{"field": d.field, "claims": [{"value": c.value, "reports": list(c.reports)}
                                                            for c in d.claims]} for d in m.disagreements],
            "confidence": m.confidence, "producer": m.producer,
        }


def actor_label(a: ActorRef) -> str:
    return a.acled_name or a.canonical or a.name


def _claim(c: FatalityClaim, r: ReportRef | None) -> dict:
    return {"report": c.report, "article": r.article if r else None, "url": r.url if r else None,
            "published": _iso(c.published), "min": c.min, "max": c.max}


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


# ------------------------------------------------------------------ SQL


def merged_where(f: Filters) -> tuple[str, list]:
    """The WHERE clause (over ``merged_events m``) for ``f``, with its parameters in order."""
    if f.include_superseded:
        raise StoreError("Merged events hold only the current versions of articles; search superseded "
                         "versions among single reports (--reports --all-versions).")
    parts, params = field_conditions(f, "m")
    if f.actor is not None or f.actor_kb_ids:
        sql, p = actor_keys(f)
        parts.append(f"m.key IN (SELECT merged_key FROM merged_actors WHERE actor_key IN ({sql}))")
        params.extend(p)
    return (" AND ".join(parts) or "TRUE"), params


def select_merged_keys(f: Filters, order: str = "recent", limit: int | None = None) -> tuple[str, list]:
    """Step one of a page: the keys of the matching merged events in order (reads only the filtered columns)."""
    cond, params = merged_where(f)
    lim = f" LIMIT {int(limit)}" if limit is not None else ""
    return f"SELECT m.key FROM merged_events m WHERE {cond} ORDER BY {ORDERS[order]}{lim}", params


def select_merged_by_key(keys: list[int], order: str = "recent") -> tuple[str, list]:
    """Step two: the merged events ``keys`` with their reports, in ``order`` (the order step one found them in:
    it is total, ending on the unique id)."""
    return (_with_reports("SELECT m.* FROM merged_events m WHERE m.key IN (SELECT unnest(?::BIGINT[]))",
                          ORDERS[order]), [keys])


def select_merged(f: Filters, order: str = "recent", limit: int | None = None) -> tuple[str, list]:
    """Both steps in one query, the matching merged events with their reports: for exports, streamed."""
    cond, params = merged_where(f)
    lim = f" LIMIT {int(limit)}" if limit is not None else ""
    return _with_reports(f"SELECT m.* FROM merged_events m WHERE {cond} ORDER BY {ORDERS[order]}{lim}",
                         ORDERS[order]), params


def _with_reports(selection: str, order_by: str) -> str:
    """The merged events ``selection`` picks with their reports (a list of structs, earliest published first);
    the store's integer keys stay inside."""
    return (f"WITH sel AS ({selection}), "
            f"reps AS (SELECT r.merged_key, list({_REPORT} ORDER BY a.published NULLS LAST, e.pk) AS reports "
            f"FROM merged_event_reports r JOIN events e ON e.pk = r.event_pk JOIN articles a ON a.id = e.article_id "
            f"WHERE r.merged_key IN (SELECT key FROM sel) GROUP BY r.merged_key) "
            f"SELECT m.* EXCLUDE (key), reps.reports FROM sel m LEFT JOIN reps ON reps.merged_key = m.key "
            f"ORDER BY {order_by}")


def count_merged(f: Filters) -> tuple[str, list]:
    cond, params = merged_where(f)
    return f"SELECT count(*) FROM merged_events m WHERE {cond}", params


def merged_row_from(row: dict) -> MergedRow:
    """A MergedRow from one row of :func:`select_merged`."""
    reports = tuple(ReportRef(**r) for r in row["reports"] or ())
    labels = {r.event_pk: r.label for r in reports}
    earliest = EarliestReport(labels.get(row["earliest_event_pk"], ""), str(row["earliest_article_id"]),
                              row["earliest_published"])
    place = None
    if row["place_name"] is not None:
        place = PlaceRef(row["place_name"], row["country"], row["admin1"], row["feature"] or "other", row["lat"],
                         row["lon"], row["geonames_id"])
    claims = tuple(FatalityClaim(c["report"], dt.date.fromisoformat(c["published"]) if c["published"] else None,
                                 c["min"], c["max"]) for c in _json(row["fatality_claims"]))
    disagreements = tuple(Disagreement(d["field"], tuple(Claim(c["value"], tuple(c["reports"])) for c in d["claims"]))
                          for d in _json(row["disagreements"]))
    event = MergedEvent(
        id=row["id"], type=EventType(row["type"]), mode=row["mode"], acled_event_type=row["acled_event_type"],
        acled_sub_event_type=row["acled_sub_event_type"], modality=Modality(row["modality"]),
        aggregate=row["aggregate"], date_start=row["date_start"], date_end=row["date_end"],
        date_precision=Precision(row["date_precision"]), place=place,
        sources=tuple(ActorRef.from_dict(a) for a in _json(row["sources"])),
        targets=tuple(ActorRef.from_dict(a) for a in _json(row["targets"])),
        reports=tuple(sorted(labels.values())), articles=tuple(sorted({str(r.article_id) for r in reports})),
        n_sources=row["n_sources"], fatalities_min=row["fatalities_min"], fatalities_max=row["fatalities_max"],
        fatality_claims=claims, earliest=earliest, disagreements=disagreements, confidence=row["confidence"],
        producer=row["producer"])
    return MergedRow(event, row["fatalities"], row["component"], reports)


def _json(value) -> list:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


__all__ = ["MergedRow", "ReportRef", "merged_where", "select_merged", "select_merged_keys", "select_merged_by_key",
           "count_merged", "merged_row_from", "actor_label"]
