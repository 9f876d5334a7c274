"""Query filters, each on its own and together, over a small store of fictional reports."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from types import SimpleNamespace

import pytest

from warwire.kb.actors import ActorEntry, StateInfo
from warwire.store import Filters, Near
from warwire.store.query import kb_ids_for
from warwire.types import ActorKind, EventType, Modality, Precision, TimeSpan

D = dt.date


@pytest.fixture
def filled(store, make_attack):
    """a1 Red Hand Brigade, Varnok; a2 its Ash Battalion, Delmar; a3 a threat in Syria; a4 the same group
    as "RHB" (linked by KB id only); a5 a week-long coercion in Mali; a6 an attack near the antimeridian."""
    week = make_attack("a5", group="Sahel Watch", group_kb="sahel_watch", town="Tessit", country="MLI",
                       admin1=None, feature="admin1", lat=16.3, lon=-1.5, killed=0, type=EventType.COERCE,
                       acled=("Strategic developments", "Arrests"))
    week = replace(week, events=(replace(week.events[0], date=TimeSpan(D(2024, 1, 29), D(2024, 2, 4), Precision.WEEK,
                                                                       "last week")),))
    for r in (make_attack("a1"),
              make_attack("a2", member="Ash Battalion", town="Delmar", lat=36.2, lon=43.1, day=D(2024, 2, 10),
                          killed=12, acled=("Explosions/Remote violence", "Air/drone strike")),
              make_attack("a3", group="Blue Crescent Front", group_kb="blue_crescent", town="Sarvan", country="SYR",
                          lat=35.0, lon=38.5, day=D(2024, 3, 1), killed=None, type=EventType.THREATEN,
                          modality=Modality.THREATENED, acled=(None, None)),
              make_attack("a4", group="RHB", group_kb="red_hand", town="Kelbar", lat=34.0, lon=45.0,
                          day=D(2024, 1, 20), killed=4),
              week,
              make_attack("a6", group="Reef Guard", group_kb=None, town="Lomaiviti", country="FJI", lat=-17.8,
                          lon=179.6, day=D(2023, 12, 25), killed=1)):
        assert store.add_result(r) == "added"
    return store


CASES = [
    ("no filter", Filters(), "a1 a2 a3 a4 a5 a6"),
    ("PLOVER type", Filters(event_types=("ASSAULT",)), "a1 a2 a4 a6"),
    ("PLOVER type, any case, several", Filters(event_types=("threaten", "coerce")), "a3 a5"),
    ("ACLED event type", Filters(acled_types=("battles",)), "a1 a4 a6"),
    ("ACLED sub-event type", Filters(acled_types=("Air/drone strike",)), "a2"),
    ("modality", Filters(modalities=("threatened",)), "a3"),
    ("country", Filters(countries=("SYR",)), "a3"),
    ("countries, any case", Filters(countries=("irq", "MLI")), "a1 a2 a4 a5"),
    ("near, 10 km", Filters(near=Near(33.3, 44.4, 10)), "a1"),
    ("near, 150 km", Filters(near=Near(33.3, 44.4, 150)), "a1 a4"),
    ("near, across the antimeridian", Filters(near=Near(-17.8, -179.9, 100)), "a6"),
    ("date range overlaps a week", Filters(since=D(2024, 2, 1), until=D(2024, 2, 28)), "a2 a5"),
    ("until only", Filters(until=D(2024, 1, 7)), "a1 a6"),
    ("since only", Filters(since=D(2024, 2, 4)), "a2 a3 a5"),
    ("minimum fatalities", Filters(min_fatalities=10), "a2"),
    ("a toll of 0 is a known toll", Filters(min_fatalities=0), "a1 a2 a4 a5 a6"),
    ("actor with members and KB aliases", Filters(actor="Red Hand Brigade"), "a1 a2 a4"),
    ("actor without members", Filters(actor="red hand  BRIGADE", members=False), "a1 a4"),
    ("actor by KB id", Filters(actor="red_hand", members=False), "a1 a4"),
    ("actor by mention text", Filters(actor="Ash Battalion"), "a2"),
    ("actor by canonical name", Filters(actor="Police Forces of IRQ"), "a1 a2 a4"),
    ("actor by resolved KB ids only", Filters(actor_kb_ids=("blue_crescent",)), "a3"),
    ("unknown actor", Filters(actor="Nobody At All"), ""),
    ("everything together", Filters(actor="Red Hand Brigade", event_types=("ASSAULT",), countries=("IRQ",),
                                    since=D(2024, 1, 15), near=Near(35.0, 44.0, 300), min_fatalities=4,
                                    modalities=("asserted",)), "a2 a4"),
]


@pytest.mark.parametrize("name, filters, expected", CASES, ids=[c[0] for c in CASES])
def test_filter(filled, name, filters, expected):
    found = filled.events(filters)
    assert sorted(r.article for r in found) == expected.split()
    assert filled.count(filters) == len(found)


def test_rows_carry_actors_place_and_article(filled):
    [row] = filled.events(Filters(actor="Ash Battalion"))
    assert [a.name for a in row.sources] == ["Ash Battalion"] and row.targets[0].kind == "police"
    assert row.place.name == "Delmar" and (row.place.lat, row.place.lon) == (36.2, 43.1)
    assert row.article == "a2" and row.title == "Attack in Delmar" and row.ingested_at is not None
    d = row.to_dict()
    assert d["sources"] == ["Ash Battalion (unit)"] and d["date_start"] == "2024-02-10" and d["fatalities_min"] == 12


def test_recent_order_and_limit(filled):
    dates = [r.event.date.start for r in filled.events(order="recent")]
    assert dates == sorted(dates, reverse=True)
    assert [r.article for r in filled.events(limit=2)] == ["a3", "a2"]
    assert [r.article for r in filled.events(order="stored")] == ["a1", "a2", "a3", "a4", "a5", "a6"]


def test_results_narrowed_to_matching_events(filled):
    [result] = list(filled.results(Filters(countries=("SYR",))))
    assert result.article.id == "a3" and [e.type for e in result.events] == ["THREATEN"]
    assert len(list(filled.results())) == 6


def _entry(id, canonical, aliases=(), ties=()):
    return ActorEntry(id, canonical, ActorKind.MILITIA, "IRQ", canonical, tuple(aliases), tuple(ties))


def test_kb_ids_for_resolves_aliases_and_members_transitively():
    kb = SimpleNamespace(
        entries={e.id: e for e in (_entry("red_hand", "Red Hand Brigade", ["RHB"]),
                                   _entry("ash", "Ash Battalion", ties=[("member_of", "red_hand")]),
                                   _entry("ember", "Ember Company", ties=[("part_of", "ash")]),
                                   _entry("friend", "Friendly Front", ties=[("allied_with", "red_hand")]))},
        states={"IRQ": StateInfo("IRQ", "Iraq", "Iraq", ("Iraqi",), ("Baghdad",), "Middle East")})
    assert kb_ids_for(kb, "rhb") == ("ash", "ember", "red_hand")
    assert kb_ids_for(kb, "RHB", members=False) == ("red_hand",)
    assert kb_ids_for(kb, "Iraq", members=False) == ("irq",)
    assert kb_ids_for(kb, "nobody") == ()
