"""Filters over stored events, turned into one SQL query; and ``EventRow``, what a query returns.

    Filters(actor="Nujaba", event_types=("ASSAULT",), countries=("IRQ",), near=Near(33.3, 44.4, 50),
            since=date(2024, 1, 1), until=date(2024, 1, 31), min_fatalities=1)

Every filter narrows (AND). Multi-valued filters (types, countries...) match any of their values.
Only events of an article's current version are searched unless ``include_superseded`` is set.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from ..types import Event, Place, TieType
from .records import event_from, name_key

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), what haversine distances are measured with
KM_PER_DEGREE_LAT = 111.19
MEMBER_TIES = (str(TieType.MEMBER_OF), str(TieType.PART_OF))


@dataclass(frozen=True, slots=True)
class Near:
    """Events whose place lies within ``km`` kilometres (great-circle) of ``lat, lon``."""

    lat: float
    lon: float
    km: float


@dataclass(frozen=True, slots=True)
class Filters:
    # An actor's name, canonical name, ACLED name, KB id or any text it was mentioned by (case-insensitive).
    # Actors sharing a KB id with a matched actor count too (its aliases in other articles).
    actor: str | None = None
    # KB ids the caller resolved ``actor`` to (e.g. through the actor KB's aliases); matched as well.
    actor_kb_ids: tuple[str, ...] = ()
    # Also match actors a stored relation makes member_of / part_of a matched actor.
    members: bool = True
    event_types: tuple[str, ...] = ()      # PLOVER types
    acled_types: tuple[str, ...] = ()      # ACLED event_type or sub_event_type, case-insensitive
    modalities: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()        # ISO3 of the event's place
    near: Near | None = None
    since: dt.date | None = None           # the event's dates overlap [since, until]
    until: dt.date | None = None
    min_fatalities: int | None = None      # the lower bound of reported fatalities is at least this
    include_superseded: bool = False


@dataclass(frozen=True, slots=True)
class ActorRef:
    id: str
    name: str
    canonical: str | None
    kb_id: str | None
    kind: str
    country: str | None
    acled_name: str | None

    @property
    def label(self) -> str:
        return self.acled_name or self.canonical or self.name


@dataclass(frozen=True, slots=True)
class EventRow:
    """One stored event with what a reader needs around it: article, actors, place."""

    pk: int
    article_id: int
    article: str            # the article's id as the input gave it
    url: str | None
    title: str | None
    published: dt.date | None
    event: Event
    sources: tuple[ActorRef, ...]
    targets: tuple[ActorRef, ...]
    place: Place | None     # without mentions
    ingested_at: dt.datetime | None = None

    def to_dict(self) -> dict:
        """Flat, JSON-ready (dates as ISO strings); lists stay lists."""
        e, p = self.event, self.place
        date, fat, inj, agg = e.date, e.fatalities, e.injured, e.aggregate
        return {
            "event_pk": self.pk, "article_id": self.article_id, "article": self.article, "url": self.url,
            "title": self.title, "published": _iso(self.published), "event_id": e.id, "type": str(e.type),
            "mode": e.mode, "contexts": list(e.contexts), "acled_event_type": e.acled.event_type,
            "acled_sub_event_type": e.acled.sub_event_type, "modality": str(e.modality),
            "aggregate_count_min": agg.count_min if agg else None,
            "aggregate_count_max": agg.count_max if agg else None, "aggregate_text": agg.text if agg else None,
            "date_start": _iso(date.start) if date else None, "date_end": _iso(date.end) if date else None,
            "date_precision": str(date.precision) if date else None, "date_text": date.text if date else None,
            "fatalities_min": fat.min if fat else None, "fatalities_max": fat.max if fat else None,
            "injured_min": inj.min if inj else None, "injured_max": inj.max if inj else None,
            "sources": [a.label for a in self.sources], "targets": [a.label for a in self.targets],
            "attributed_to": e.attributed_to,
            "place": p.name if p else None, "country": p.country if p else None, "admin1": p.admin1 if p else None,
            "feature": p.feature if p else None, "lat": p.lat if p else None, "lon": p.lon if p else None,
            "geonames_id": p.geonames_id if p else None, "confidence": e.confidence,
            "evidence": e.evidence.text, "evidence_start": e.evidence.start, "evidence_end": e.evidence.end,
            "trigger": e.trigger.text, "producer": e.producer,
        }


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


# ------------------------------------------------------------------ SQL


def where(f: Filters) -> tuple[str, list]:
    """The WHERE clause (over ``events e``) for ``f``, with its parameters in order."""
    parts, params = ([] if f.include_superseded else ["e.current"]), []
    common, p = field_conditions(f, "e")
    parts.extend(common)
    params.extend(p)
    if f.actor is not None or f.actor_kb_ids:
        sql, p = actor_events(f)
        parts.append(f"e.pk IN ({sql})")
        params.extend(p)
    return (" AND ".join(parts) or "TRUE"), params


def field_conditions(f: Filters, t: str) -> tuple[list[str], list]:
    """Conditions on the columns events and merged_events share (type, modality, country, ACLED types,
    dates, fatalities, place), over table alias ``t``; every filter but the actor and versions."""
    parts: list[str] = []
    params: list = []
    for column, values, fold in (("type", f.event_types, str.upper), ("modality", f.modalities, str.lower),
                                 ("country", f.countries, str.upper)):
        if values:
            parts.append(f"{t}.{column} IN ({', '.join('?' * len(values))})")
            params.extend(fold(v) for v in values)
    if f.acled_types:
        marks = ", ".join("?" * len(f.acled_types))
        parts.append(f"(lower({t}.acled_event_type) IN ({marks}) OR lower({t}.acled_sub_event_type) IN ({marks}))")
        params.extend([v.lower() for v in f.acled_types] * 2)
    if f.since is not None:
        parts.append(f"coalesce({t}.date_end, {t}.date_start) >= ?")
        params.append(f.since)
    if f.until is not None:
        parts.append(f"coalesce({t}.date_start, {t}.date_end) <= ?")
        params.append(f.until)
    if f.min_fatalities is not None:
        parts.append(f"{t}.fatalities_min >= ?")
        params.append(f.min_fatalities)
    if f.near is not None:
        sql, p = _near(f.near, t)
        parts.append(sql)
        params.extend(p)
    return parts, params


def _near(n: Near, t: str = "e") -> tuple[str, list]:
    """A bounding box first (cheap, prunes most rows), then the haversine distance."""
    dlat = n.km / KM_PER_DEGREE_LAT
    sql = [f"{t}.lat BETWEEN ? AND ?"]
    params: list = [n.lat - dlat, n.lat + dlat]
    cos_lat = _cos_deg(n.lat)
    if abs(n.lat) + dlat < 89 and cos_lat > 0:
        dlon = n.km / (KM_PER_DEGREE_LAT * cos_lat)
        if n.lon - dlon >= -180 and n.lon + dlon <= 180:  # a box crossing the antimeridian is not pruned by lon
            sql.append(f"{t}.lon BETWEEN ? AND ?")
            params += [n.lon - dlon, n.lon + dlon]
    sql.append(f"2 * {EARTH_RADIUS_KM} * asin(sqrt(pow(sin(radians({t}.lat - ?) / 2), 2) + cos(radians(?)) * "
               f"cos(radians({t}.lat)) * pow(sin(radians({t}.lon - ?) / 2), 2))) <= ?")
    params += [n.lat, n.lat, n.lon, n.km]
    return " AND ".join(sql), params


def _cos_deg(deg: float) -> float:
    return math.cos(math.radians(deg))


def actor_events(f: Filters) -> tuple[str, list]:
    """A query of the keys of events with a matched actor (see :func:`actor_keys`) among their sources or
    targets."""
    sql, params = actor_keys(f)
    return f"SELECT event_pk FROM event_actors WHERE actor_key IN ({sql})", params


def actor_keys(f: Filters) -> tuple[str, list]:
    """A query of the keys of the actors ``f.actor`` and ``f.actor_kb_ids`` match.

    matched: actors named ``f.actor`` in their article, every actor sharing a KB id with one of
    them, and every actor with one of ``f.actor_kb_ids``; members (if asked): actors a stored
    member_of/part_of relation ties to a matched actor, and every actor sharing their KB id.
    All joins are on the store-wide integer actor keys.
    """
    params: list = []
    named = "SELECT NULL::BIGINT AS key WHERE FALSE"
    if f.actor is not None:
        named = "SELECT actor_key AS key FROM actor_names WHERE name_key = ?"
        params.append(name_key(f.actor))
    kb = "SELECT kb_id FROM actors WHERE key IN (SELECT key FROM named) AND kb_id IS NOT NULL"
    if f.actor_kb_ids:
        kb += " UNION SELECT unnest(?::VARCHAR[])"
        params.append(list(f.actor_kb_ids))
    ctes = [("named", named), ("kb", kb),
            ("matched", "SELECT key FROM named UNION SELECT key FROM actors WHERE kb_id IN (SELECT kb_id FROM kb)")]
    if f.members:
        ties = ", ".join(f"'{t}'" for t in MEMBER_TIES)
        ctes += [("member", f"SELECT subject_key AS key FROM relations WHERE type IN ({ties}) "
                            "AND object_key IN (SELECT key FROM matched)"),
                 ("member_kb", "SELECT kb_id FROM actors WHERE key IN (SELECT key FROM member) AND kb_id IS NOT NULL"),
                 ("everyone", "SELECT key FROM matched UNION SELECT key FROM member UNION "
                              "SELECT key FROM actors WHERE kb_id IN (SELECT kb_id FROM member_kb)")]
    else:
        ctes.append(("everyone", "SELECT key FROM matched"))
    with_ = ", ".join(f"{name} AS ({sql})" for name, sql in ctes)
    return f"WITH {with_} SELECT key FROM everyone", params


ORDERS = {"recent": "e.date_start DESC NULLS LAST, e.pk DESC", "stored": "e.pk"}
_ACTOR = ("{'id': ac.id, 'name': ac.name, 'canonical': ac.canonical, 'kb_id': ac.kb_id, 'kind': ac.kind, "
          "'country': ac.country, 'acled_name': ac.acled_name}")


def select_pks(f: Filters, order: str = "recent", limit: int | None = None) -> tuple[str, list]:
    """Step one of a query: the matching event keys in order (reads only the filtered columns)."""
    cond, params = where(f)
    lim = f" LIMIT {int(limit)}" if limit is not None else ""
    return f"SELECT e.pk FROM events e WHERE {cond} ORDER BY {ORDERS[order]}{lim}", params


def select_events(f: Filters, order: str = "recent", limit: int | None = None) -> tuple[str, list]:
    """Both steps in one query: for exports of many events, streamed."""
    cond, params = where(f)
    lim = f" LIMIT {int(limit)}" if limit is not None else ""
    return _with_details(f"SELECT * FROM events e WHERE {cond} ORDER BY {ORDERS[order]}{lim}", order), params


def _with_details(selection: str, order: str) -> str:
    return (f"WITH sel AS ({selection}), "
            f"acts AS (SELECT ea.event_pk, "
            f"list({_ACTOR} ORDER BY ea.position) FILTER (WHERE ea.role = 'source') AS source_actors, "
            f"list({_ACTOR} ORDER BY ea.position) FILTER (WHERE ea.role = 'target') AS target_actors "
            f"FROM event_actors ea JOIN actors ac ON ac.key = ea.actor_key "
            f"WHERE ea.event_pk IN (SELECT pk FROM sel) GROUP BY ea.event_pk) "
            f"SELECT e.*, a.source_id AS article_source_id, a.url AS article_url, a.title AS article_title, "
            f"a.published AS article_published, a.ingested_at AS article_ingested_at, p.name AS p_name, "
            f"p.admin1 AS p_admin1, p.feature AS p_feature, p.geonames_id AS p_geonames_id, p.country AS p_country, "
            f"p.lat AS p_lat, p.lon AS p_lon, p.producer AS p_producer, acts.source_actors, acts.target_actors "
            f"FROM sel e JOIN articles a ON a.id = e.article_id "
            f"LEFT JOIN places p ON p.article_id = e.article_id AND p.id = e.place_id "
            f"LEFT JOIN acts ON acts.event_pk = e.pk ORDER BY {ORDERS[order]}")


def count_events(f: Filters) -> tuple[str, list]:
    cond, params = where(f)
    return f"SELECT count(*) FROM events e WHERE {cond}", params


def row_from(row: dict) -> EventRow:
    place = None
    if row["p_name"] is not None:
        place = Place(row["place_id"], row["p_name"], row["p_country"], row["p_admin1"], row["p_feature"],
                      row["p_lat"], row["p_lon"], row["p_geonames_id"], (), row["p_producer"])
    return EventRow(row["pk"], row["article_id"], row["article_source_id"], row["article_url"], row["article_title"],
                    row["article_published"], event_from(row), _refs(row["source_actors"]),
                    _refs(row["target_actors"]), place, row["article_ingested_at"])


def assemble_rows(pks: list[int], events: list[dict], links: list[tuple], actors: dict[int, dict],
                  articles: dict[int, dict], places: dict[tuple[int, str], dict]) -> list[EventRow]:
    """EventRows in ``pks`` order from the rows of each table (see ``Store._details``)."""
    sides: dict[tuple[int, str], list[dict]] = {}
    for event_pk, key, role in links:  # already in position order
        if key in actors:
            sides.setdefault((event_pk, role), []).append(actors[key])
    by_pk = {e["pk"]: e for e in events}
    out = []
    for pk in pks:
        e = by_pk[pk]
        art = articles[e["article_id"]]
        place = places.get((e["article_id"], e["place_id"])) or {}
        row = {**e, "article_source_id": art["source_id"], "article_url": art["url"], "article_title": art["title"],
               "article_published": art["published"], "article_ingested_at": art["ingested_at"],
               "source_actors": sides.get((pk, "source")), "target_actors": sides.get((pk, "target")),
               **{f"p_{k}": place.get(k) for k in ("name", "country", "admin1", "feature", "lat", "lon",
                                                   "geonames_id", "producer")}}
        out.append(row_from(row))
    return out


def _refs(items: list[dict] | None) -> tuple[ActorRef, ...]:
    return tuple(ActorRef(**d) for d in items or ())


def kb_ids_for(kb, name: str, members: bool = True) -> tuple[str, ...]:
    """The actor KB ids ``name`` denotes (canonical name, ACLED name, alias or id, case-insensitive) and,
    with ``members``, every entry tied to one of them by member_of/part_of, transitively. ``kb`` is a
    :class:`warwire.kb.actors.ActorKB`."""
    key = name_key(name)
    found = {e.id for e in kb.entries.values()
             if key in {name_key(n) for n in (e.id, e.canonical, e.acled_name or "", *e.aliases)}}
    found |= {iso3.lower() for iso3, st in kb.states.items() if key in (name_key(st.name), name_key(iso3))}
    while members:
        more = {e.id for e in kb.entries.values()
                if e.id not in found and any(t in MEMBER_TIES and obj in found for t, obj in e.ties)}
        if not more:
            break
        found |= more
    return tuple(sorted(found))
