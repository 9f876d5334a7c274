"""Cross-article merging: many reports of one real event become one :class:`MergedEvent`.

This is what keeps one abduction from being counted once per article that mentions it (GDELT's
failure). ``merge(reports)``:

1. sorts the reports by key (``article_id#event_id``), so nothing depends on input order;
2. scores every candidate pair with :func:`warwire.resolve.compat.assess` (hard gates, then a score)
   and keeps the pairs that link;
3. takes those links strongest first and joins the two clusters they connect only if every report of
   one is compatible (passes the gates) with every report of the other: a vague report ("bandits
   attacked villages in Zamfara") cannot chain two events in different villages together; among
   equally strong links it joins the cluster it has most links to;
4. builds one MergedEvent per cluster.

Each step is a pure function of the set of reports, so the result is order-independent, and merging
the reports of one MergedEvent again gives that same MergedEvent (tests/unit/resolve).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace

from ..types import EventType, Modality, Precision
from .blocking import candidate_pairs
from .compat import (DEFAULT_RULES, MergeRules, actor_keys, assess, fold, is_point, norm_place, rank, same_actor,
                     sides_score, swappable)
from .report import ActorRef, PlaceRef, Report, report_from_result

PRODUCER = "warwire.resolve.merge.v1"
_MODALITY_STRENGTH = [Modality.ASSERTED, Modality.CLAIMED, Modality.ALLEGED]


@dataclass(frozen=True, slots=True)
class FatalityClaim:
    """The death toll one report gave."""

    report: str
    published: dt.date | None
    min: int | None
    max: int | None


@dataclass(frozen=True, slots=True)
class Claim:
    """One value of a field and the reports that gave it."""

    value: str
    reports: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Reports of one merged event that give different values for ``field``."""

    field: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True, slots=True)
class EarliestReport:
    report: str
    article_id: str
    published: dt.date | None


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One real event and the reports of it. ``id`` is a hash of the sorted report keys."""

    id: str
    type: EventType
    mode: str | None
    acled_event_type: str | None
    acled_sub_event_type: str | None
    modality: Modality
    aggregate: bool
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: Precision
    place: PlaceRef | None
    sources: tuple[ActorRef, ...]
    targets: tuple[ActorRef, ...]
    reports: tuple[str, ...]
    articles: tuple[str, ...]
    n_sources: int                      # distinct outlets (source name, URL host, else article)
    fatalities_min: int | None
    fatalities_max: int | None
    fatality_claims: tuple[FatalityClaim, ...]
    earliest: EarliestReport
    disagreements: tuple[Disagreement, ...]
    confidence: float
    producer: str = PRODUCER

    @property
    def n_articles(self) -> int:
        return len(self.articles)

    def to_dict(self) -> dict:
        iso = _iso
        return {
            "id": self.id, "type": str(self.type), "mode": self.mode,
            "acled": {"event_type": self.acled_event_type, "sub_event_type": self.acled_sub_event_type},
            "modality": str(self.modality), "aggregate": self.aggregate,
            "date": {"start": iso(self.date_start), "end": iso(self.date_end), "precision": str(self.date_precision)},
            "place": self.place.to_dict() if self.place else None,
            "sources": [a.to_dict() for a in self.sources], "targets": [a.to_dict() for a in self.targets],
            "reports": list(self.reports), "articles": list(self.articles), "n_articles": self.n_articles,
            "n_sources": self.n_sources,
            "fatalities": {"min": self.fatalities_min, "max": self.fatalities_max,
                           "claims": [{"report": c.report, "published": iso(c.published), "min": c.min,
                                       "max": c.max} for c in self.fatality_claims]},
            "earliest": {"report": self.earliest.report, "article_id": self.earliest.article_id,
                         "published": iso(self.earliest.published)},
            "disagreements": [{"field": d.field, "claims": [{"value": c.value, "reports": list(c.reports)}
                                                             for c in d.claims]} for d in self.disagreements],
            "confidence": self.confidence, "producer": self.producer}


@dataclass(frozen=True, slots=True)
class Component:
    """Reports joined by links, directly or through each other, and the merged events they make.

    Merging never looks across components: the merged events of a set of reports are those of each of its
    components merged alone. That is what lets a store merge only the components new reports touch.
    """

    id: str                          # "C" + a hash of the sorted report keys
    reports: tuple[str, ...]
    events: tuple[MergedEvent, ...]


def merge(reports, rules: MergeRules = DEFAULT_RULES) -> list[MergedEvent]:
    """Merge reports of the same real event; one MergedEvent per cluster, ordered by date then id.

    Identical duplicate reports count once; two different reports with the same key raise ValueError.
    """
    events = [e for c in merge_components(reports, rules) for e in c.events]
    return sorted(events, key=lambda e: (e.date_start is None, e.date_start or dt.date.min, e.id))


def merge_components(reports, rules: MergeRules = DEFAULT_RULES) -> list[Component]:
    """Like :func:`merge`, the merged events grouped by link component (ordered by their first key)."""
    ordered = _unique(reports)
    links = _links(ordered, rules)
    root = _components(len(ordered), links)
    members: dict[int, list[int]] = {}
    for i in range(len(ordered)):
        members.setdefault(root[i], []).append(i)
    events: dict[int, list[MergedEvent]] = {}
    for cluster in _settle(ordered, rules, links):
        events.setdefault(root[cluster[0]], []).append(build(tuple(ordered[i] for i in cluster)))
    out = []
    for r in sorted(members):
        keys = tuple(ordered[i].key for i in members[r])
        out.append(Component("C" + merged_id(keys)[1:], keys, tuple(sorted(events[r], key=lambda e: e.id))))
    return out


def linked_to(new, old, rules: MergeRules = DEFAULT_RULES) -> set[str]:
    """Keys of the reports in ``old`` that link to at least one report in ``new`` (blocking, then the gates
    and the link score): the old reports whose components a merge of ``new`` has to reopen."""
    ordered = _unique([*new, *old])
    fresh = {r.key for r in new}
    found = set()
    for i, j in candidate_pairs(ordered, rules):
        a, b = ordered[i], ordered[j]
        if (a.key in fresh) == (b.key in fresh) or (b.key if a.key in fresh else a.key) in found:
            continue
        assessed = assess(a, b, rules)
        if assessed is not None and assessed.links(rules):
            found.add(b.key if a.key in fresh else a.key)
    return found


def clusters(reports: list[Report], rules: MergeRules = DEFAULT_RULES) -> list[tuple[Report, ...]]:
    """The clusters of ``reports`` (already sorted by key and unique), each sorted by key."""
    return [tuple(reports[i] for i in m) for m in _settle(reports, rules, _links(reports, rules))]


def _links(reports: list[Report], rules: MergeRules) -> dict[tuple[int, int], float]:
    """Score of every pair (i < j) that links."""
    links: dict[tuple[int, int], float] = {}
    for i, j in candidate_pairs(reports, rules):
        found = assess(reports[i], reports[j], rules)
        if found is not None and found.links(rules):
            links[(i, j)] = found.score
    return links


def _components(n: int, links) -> list[int]:
    """The lowest index of each report's link component."""
    parent = list(range(n))

    def root(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for i, j in links:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return [root(i) for i in range(n)]


def _settle(reports: list[Report], rules: MergeRules, links: dict[tuple[int, int], float]) -> list[list[int]]:
    """The clusters (index lists) the links make.

    Links are taken by score level, strongest first. Within a level the two clusters joined next are the
    ones with the most links between them (then the lowest keys), so a vague report joins the event
    that most reports corroborate; a join happens only if every cross pair passes the gates.
    """
    state = _Clusters(reports, rules, links)
    levels: dict[float, list[tuple[int, int]]] = {}
    for pair, score in sorted(links.items()):
        levels.setdefault(score, []).append(pair)
    for score in sorted(levels, reverse=True):
        # Joins in one connected group of clusters never change another group, so each is settled alone.
        for group in state.groups(levels[score]):
            while state.join_best(group):
                pass
    return [m for _, m in sorted(state.members.items())]


class _Clusters:
    """Union of report indices into clusters, remembering which pairs pass the gates."""

    def __init__(self, reports: list[Report], rules: MergeRules, links: dict[tuple[int, int], float]):
        self.reports, self.rules, self.links = reports, rules, links
        self.owner = list(range(len(reports)))
        self.members = {i: [i] for i in range(len(reports))}
        self._ok: dict[tuple[int, int], bool] = {}

    def groups(self, level: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
        """The links of one level split by connected group of the clusters they join."""
        parent: dict[int, int] = {}

        def root(c: int) -> int:
            while parent.setdefault(c, c) != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        for i, j in level:
            a, b = root(self.owner[i]), root(self.owner[j])
            if a != b:
                parent[max(a, b)] = min(a, b)
        out: dict[int, list[tuple[int, int]]] = {}
        for i, j in level:
            out.setdefault(root(self.owner[i]), []).append((i, j))
        return [out[k] for k in sorted(out)]

    def join_best(self, level: list[tuple[int, int]]) -> bool:
        """Join the best compatible pair of clusters linked at this level; False when none is left."""
        pairs = sorted({tuple(sorted((self.owner[i], self.owner[j]))) for i, j in level
                        if self.owner[i] != self.owner[j]})
        ranked = sorted(pairs, key=lambda p: (-self._support(*p), p))
        for ca, cb in ranked:
            if self._compatible(ca, cb):
                for x in self.members[cb]:
                    self.owner[x] = ca
                self.members[ca] = sorted(self.members[ca] + self.members.pop(cb))
                return True
        return False

    def _support(self, ca: int, cb: int) -> int:
        return sum((min(x, y), max(x, y)) in self.links for x in self.members[ca] for y in self.members[cb])

    def _compatible(self, ca: int, cb: int) -> bool:
        return all(self._pair_ok(x, y) for x in self.members[ca] for y in self.members[cb])

    def _pair_ok(self, x: int, y: int) -> bool:
        pair = (min(x, y), max(x, y))
        if pair not in self._ok:
            self._ok[pair] = assess(self.reports[pair[0]], self.reports[pair[1]], self.rules) is not None
        return self._ok[pair]


def _unique(reports) -> list[Report]:
    by_key: dict[str, Report] = {}
    for r in reports:
        seen = by_key.setdefault(r.key, r)
        if seen != r:
            raise ValueError(f"Two different reports share the key {r.key!r}; give every event of an article "
                             "its own event_id before merging.")
    return [by_key[k] for k in sorted(by_key)]


# ---------------------------------------------------------------- building a merged event

def build(cluster: tuple[Report, ...]) -> MergedEvent:
    """The MergedEvent of one cluster (reports sorted by key)."""
    keys = tuple(r.key for r in cluster)
    first = min(cluster, key=_published_order)
    claims = tuple(FatalityClaim(r.key, r.published, r.fatalities_min, r.fatalities_max)
                   for r in sorted(cluster, key=_published_order) if r.has_fatalities)
    start, end, precision = _dates(cluster)
    oriented = _oriented(cluster)
    disagreements = _disagreements(oriented)
    modality = _modality(cluster)
    n_sources = len({r.outlet for r in cluster})
    return MergedEvent(
        id=merged_id(keys), type=first.type, mode=_majority(r.mode for r in cluster),
        acled_event_type=_majority(r.acled_event_type for r in cluster),
        acled_sub_event_type=_majority(r.acled_sub_event_type for r in cluster),
        modality=modality, aggregate=any(r.aggregate for r in cluster),
        date_start=start, date_end=end, date_precision=precision, place=_place(cluster),
        sources=_actors(oriented, "sources"), targets=_actors(oriented, "targets"),
        reports=keys, articles=tuple(sorted({r.article_id for r in cluster})), n_sources=n_sources,
        fatalities_min=min((c.min if c.min is not None else c.max for c in claims), default=None),
        fatalities_max=_max_toll(claims),
        fatality_claims=claims, earliest=EarliestReport(first.key, first.article_id, first.published),
        disagreements=disagreements,
        confidence=_confidence(cluster, n_sources, disagreements, modality))


def merged_id(keys: tuple[str, ...]) -> str:
    digest = hashlib.sha1("\n".join(sorted(keys)).encode()).hexdigest()
    return f"M{digest[:16]}"


def _published_order(r: Report):
    return (r.published is None, r.published or dt.date.max, r.key)


def _majority(values) -> str | None:
    """The most frequent non-null value; ties go to the alphabetically first, for determinism."""
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))


def _modality(cluster) -> Modality:
    present = {r.modality for r in cluster}
    for m in _MODALITY_STRENGTH:
        if m in present:
            return m
    return min(present)


def _finest_dated(cluster) -> list[Report]:
    dated = [r for r in cluster if r.date_start is not None]
    if not dated:
        return []
    best = min(_PRECISION_ORDER.index(r.date_precision) for r in dated)
    return [r for r in dated if _PRECISION_ORDER.index(r.date_precision) == best]


_PRECISION_ORDER = [Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.YEAR, Precision.UNKNOWN]


def _dates(cluster) -> tuple[dt.date | None, dt.date | None, Precision]:
    finest = _finest_dated(cluster)
    if not finest:
        return None, None, Precision.UNKNOWN
    return (min(r.date_start for r in finest), max(r.date_end or r.date_start for r in finest),
            finest[0].date_precision)


def _place(cluster) -> PlaceRef | None:
    placed = [r.place for r in cluster if r.place is not None]
    if not placed:
        return None
    best = min(rank(p) for p in placed)
    finest = [p for p in placed if rank(p) == best]
    counts = Counter(norm_place(p.name) for p in finest)
    chosen = min(finest, key=lambda p: (-counts[norm_place(p.name)], p.lat is None, p.geonames_id is None,
                                        p.name, p.country or ""))
    if chosen.admin1 is None:    # a vaguer report may say which state/province the place is in
        admin1 = _majority(p.name for p in placed if p.feature == "admin1") or _majority(p.admin1 for p in placed)
        chosen = replace(chosen, admin1=admin1)
    if chosen.country is None:
        chosen = replace(chosen, country=_majority(p.country for p in placed))
    return chosen


def _oriented(cluster) -> tuple[Report, ...]:
    """The reports with sources and targets swapped where a report tells a clash from the other side.

    The anchor is the report naming most actors (earliest on a tie); a report is flipped when it agrees
    better with the anchor that way.
    """
    anchor = min(cluster, key=lambda r: (-sum(bool(actor_keys(a)) for a in r.sources + r.targets),
                                         _published_order(r)))
    out = []
    for r in cluster:
        if r is not anchor and swappable(anchor, r):
            straight = sides_score(anchor, r)
            swapped = sides_score(anchor, r, swap=True)
            if swapped is not None and (straight is None or swapped > straight):
                r = replace(r, sources=r.targets, targets=r.sources)
        out.append(r)
    return tuple(out)


def _actors(cluster, side: str) -> tuple[ActorRef, ...]:
    """Named actors of that side across reports, most often named first; generic ones only if none is named."""
    named: list[tuple[ActorRef, set[str]]] = []      # (the form kept, the reports naming it)
    generic: dict[str, ActorRef] = {}
    for r in sorted(cluster, key=_published_order):
        for a in getattr(r, side):
            if not actor_keys(a):
                generic.setdefault(a.kb_id or fold(a.name), a)
                continue
            for n, (ref, seen_in) in enumerate(named):
                if same_actor(ref, a):
                    best = ref if ref.kb_id or not a.kb_id else a    # prefer the KB-linked form
                    named[n] = (best, seen_in | {r.key})
                    break
            else:
                named.append((a, {r.key}))
    if named:
        order = sorted(range(len(named)), key=lambda n: (-len(named[n][1]), n))
        return tuple(named[n][0] for n in order)
    return tuple(generic[k] for k in sorted(generic))


def _max_toll(claims: tuple[FatalityClaim, ...]) -> int | None:
    if not claims:
        return None
    if any(c.max is None for c in claims):      # "at least 10": no upper bound from that report
        bounded = [c.max for c in claims if c.max is not None]
        lows = [c.min for c in claims if c.min is not None]
        return max(bounded + lows) if bounded or lows else None
    return max(c.max for c in claims)


# ---------------------------------------------------------------- disagreements and confidence

def _disagreements(cluster) -> tuple[Disagreement, ...]:
    fields = {
        "fatalities": {r.key: _toll_text(r) for r in cluster if r.has_fatalities},
        "date": {r.key: _date_text(r) for r in _finest_dated(cluster)},
        "place": {r.key: r.place.name for r in cluster if r.place and is_point(r.place)},
        "modality": {r.key: str(r.modality) for r in cluster},
        "acled_sub_event_type": {r.key: r.acled_sub_event_type for r in cluster if r.acled_sub_event_type},
        "mode": {r.key: r.mode for r in cluster if r.mode},
        "sources": _named_text(cluster, "sources"),
        "targets": _named_text(cluster, "targets"),
    }
    out = []
    for name, by_report in fields.items():
        groups: dict[str, list[str]] = {}
        norm = fold if name == "place" else (lambda v: v)
        shown: dict[str, str] = {}
        for key, value in sorted(by_report.items()):
            groups.setdefault(norm(value), []).append(key)
            shown.setdefault(norm(value), value)
        if len(groups) > 1:
            order = sorted(groups, key=lambda v: (_toll_order(v) if name == "fatalities" else (0, 0), v))
            out.append(Disagreement(name, tuple(Claim(shown[v], tuple(groups[v])) for v in order)))
    return tuple(out)


def _named_text(cluster, side: str) -> dict[str, str]:
    out = {}
    for r in cluster:
        labels = sorted({a.label for a in getattr(r, side) if actor_keys(a)})
        if labels:
            out[r.key] = "; ".join(labels)
    return out


def _toll_order(text: str) -> tuple[int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return (numbers[0], numbers[-1]) if numbers else (0, 0)


def _toll_text(r: Report) -> str:
    lo, hi = r.fatalities_min, r.fatalities_max
    if hi is None:
        return f">={lo}"
    if lo is None:
        return f"<={hi}"
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _date_text(r: Report) -> str:
    end = r.date_end or r.date_start
    return r.date_start.isoformat() if end == r.date_start else f"{r.date_start.isoformat()}/{end.isoformat()}"


def _confidence(cluster, n_sources: int, disagreements, modality: Modality) -> float:
    """The best report's confidence, raised by each further independent outlet, lowered by conflicts.

    Fatality figures are left out of the conflicts: tolls that rise over the days are normal.
    """
    base = max(r.confidence for r in cluster)
    conf = 1 - (1 - base) * 0.7 ** (n_sources - 1)
    conflicts = sum(1 for d in disagreements if d.field != "fatalities")
    conf -= 0.05 * conflicts
    if modality is Modality.ALLEGED:
        conf *= 0.8
    return round(min(0.99, max(0.05, conf)), 3)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


__all__ = ["Report", "ActorRef", "PlaceRef", "report_from_result", "MergedEvent", "FatalityClaim", "Claim",
           "Disagreement", "EarliestReport", "MergeRules", "DEFAULT_RULES", "merge", "clusters", "build",
           "merged_id", "PRODUCER", "Component", "merge_components", "linked_to"]
