"""Hypothesis properties of merge(): order independence, deterministic ids, idempotence."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warwire.resolve.compat import DEFAULT_RULES
from warwire.resolve.merge import merge
from warwire.resolve.report import ActorRef, PlaceRef, Report
from warwire.types import ActorKind, EventType, Modality, Precision

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _clusters(merged) -> set[tuple[str, tuple[str, ...]]]:
    return {(m.id, m.reports) for m in merged}


# ---------------------------------------------------------------- synthetic reports

_PLACES = [None,
           PlaceRef("Gusau", "NGA", "Zamfara", "city", 12.163, 6.664),
           PlaceRef("Tsafe", "NGA", "Zamfara", "town", 11.957, 6.921),
           PlaceRef("Kwarawa", "NGA", "Zamfara", "village", 12.03, 6.95),
           PlaceRef("Anka", "NGA", "Zamfara", "town", 12.108, 5.927),
           PlaceRef("Zamfara", "NGA", "Zamfara", "admin1", 12.12, 6.22),
           PlaceRef("Nigeria", "NGA", None, "country", 9.08, 8.68),
           PlaceRef("Kwarrawa", "NGA", "Zamfara", "village")]
_ACTORS = [ActorRef("gunmen", "Unidentified Armed Group (Nigeria)", "unidentified_armed_group:nga", "NGA",
                    ActorKind.MILITIA),
           ActorRef("Sambisa Brotherhood", "Sambisa Brotherhood", "sambisa_brotherhood", "NGA", ActorKind.TERRORIST),
           ActorRef("Lake Chad Wilayat Front", "Lake Chad Wilayat Front", "lcwf", "NGA", ActorKind.TERRORIST),
           ActorRef("LCWF", None, None, None, ActorKind.UNKNOWN),
           ActorRef("Nigerian Army", "Nigerian Army", "nga_military", "NGA", ActorKind.MILITARY),
           ActorRef("villagers", "Civilians (Nigeria)", "civilians:nga", "NGA", ActorKind.CIVILIANS)]
_ACLED = [(None, None), ("Battles", "Armed clash"), ("Violence against civilians", "Attack"),
          ("Violence against civilians", "Abduction/forced disappearance")]
_DAY0 = dt.date(2024, 2, 10)


@st.composite
def _report(draw, article: int):
    start = _DAY0 + dt.timedelta(days=draw(st.integers(0, 9)))
    precision = draw(st.sampled_from([Precision.DAY, Precision.DAY, Precision.WEEK, Precision.MONTH,
                                      Precision.UNKNOWN]))
    end = {Precision.WEEK: start + dt.timedelta(days=6), Precision.MONTH: start + dt.timedelta(days=20)}.get(
        precision, start)
    dated = precision is not Precision.UNKNOWN
    lo = draw(st.none() | st.integers(0, 40))
    acled = draw(st.sampled_from(_ACLED))
    return Report(
        article_id=f"a{article}", event_id="E1", type=draw(st.sampled_from([EventType.ASSAULT, EventType.PROTEST])),
        published=start + dt.timedelta(days=draw(st.integers(0, 3))),
        source=draw(st.sampled_from(["Sentinel", "Wire", "Courier", None])),
        mode=draw(st.sampled_from([None, "abduct", "firearms"])),
        acled_event_type=acled[0], acled_sub_event_type=acled[1],
        modality=draw(st.sampled_from([Modality.ASSERTED, Modality.ASSERTED, Modality.CLAIMED, Modality.ALLEGED,
                                       Modality.THREATENED, Modality.DENIED])),
        aggregate=draw(st.integers(0, 9)) == 0,
        date_start=start if dated else None, date_end=end if dated else None, date_precision=precision,
        place=draw(st.sampled_from(_PLACES)),
        sources=tuple(draw(st.lists(st.sampled_from(_ACTORS), max_size=2, unique=True))),
        targets=tuple(draw(st.lists(st.sampled_from(_ACTORS), max_size=1))),
        fatalities_min=lo, fatalities_max=None if lo is None else lo + draw(st.integers(0, 5)),
        confidence=draw(st.floats(0.1, 0.9)))


@st.composite
def _reports(draw):
    n = draw(st.integers(1, 25))
    return [draw(_report(i)) for i in range(n)]


# ---------------------------------------------------------------- properties

@SETTINGS
@given(data=st.data())
def test_corpus_order_does_not_matter(corpus, data):
    shuffled = data.draw(st.permutations(corpus.reports))
    assert _clusters(merge(shuffled)) == _clusters(merge(corpus.reports))


@SETTINGS
@given(_reports(), st.randoms(use_true_random=False))
def test_synthetic_order_does_not_matter(reports, rnd):
    shuffled = list(reports)
    rnd.shuffle(shuffled)
    assert merge(shuffled) == merge(reports)


@SETTINGS
@given(_reports())
def test_merging_one_events_reports_again_gives_that_event(reports):
    merged = merge(reports)
    by_key = {r.key: r for r in reports}
    for event in merged:
        assert merge([by_key[k] for k in event.reports]) == [event]
    assert sorted(k for e in merged for k in e.reports) == sorted(by_key)


@SETTINGS
@given(_reports())
def test_clusters_hold_only_mutually_compatible_reports(reports):
    from warwire.resolve.compat import assess

    by_key = {r.key: r for r in reports}
    for event in merge(reports):
        members = [by_key[k] for k in event.reports]
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                assert assess(a, b) is not None, (a.key, b.key)


def test_corpus_idempotent(corpus):
    merged = merge(corpus.reports)
    by_key = {r.key: r for r in corpus.reports}
    for event in merged:
        assert merge([by_key[k] for k in event.reports]) == [event]
    assert merge(list(corpus.reports) + list(corpus.reports)) == merged    # duplicates count once


@SETTINGS
@given(data=st.data())
def test_corpus_subsets_order_independent(corpus, data):
    subset = data.draw(st.lists(st.sampled_from(corpus.reports), unique_by=lambda r: r.key, max_size=40))
    assert merge(subset) == merge(list(reversed(subset)))


@SETTINGS
@given(_reports())
def test_report_dict_round_trip(reports):
    for r in reports:
        assert Report.from_dict(r.to_dict()) == r


@st.composite
def _scattered(draw):
    """Reports at points scattered around a few centres, some on the date line and far north."""
    centres = [(12.1, 6.6), (0.0, 179.9), (0.0, -179.95), (74.0, 20.0), (-33.9, 18.4)]
    out = []
    for n in range(draw(st.integers(2, 30))):
        lat0, lon0 = draw(st.sampled_from(centres))
        lat = lat0 + draw(st.floats(-0.3, 0.3))
        lon = (lon0 + draw(st.floats(-0.6, 0.6)) + 540) % 360 - 180
        feature = draw(st.sampled_from(["town", "town", "village", "admin1", "country"]))
        base = draw(_report(n))
        out.append(replace(base, place=PlaceRef(f"p{n}", None, None, feature, lat, lon), aggregate=False))
    return out


@SETTINGS
@given(_scattered())
def test_blocking_never_drops_a_compatible_pair(reports):
    from warwire.resolve.compat import assess
    from warwire.resolve.blocking import candidate_pairs
    from warwire.resolve.merge import _unique

    ordered = _unique(reports)
    found = set(candidate_pairs(ordered, DEFAULT_RULES))
    for i, a in enumerate(ordered):
        for j in range(i + 1, len(ordered)):
            if assess(a, ordered[j]) is not None:
                assert (i, j) in found, (a, ordered[j])
