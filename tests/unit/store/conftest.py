"""Fixtures of the store tests: Results built by hand from warwire.types records (no spaCy), about
fictional places and groups, and a real DuckDB file in tmp_path.

``attack`` writes one short article of our own ("The Red Hand Brigade attacked a police post in
Varnok on Sunday, killing 3 officers.") with every span computed from the text, and lets each test
change the parts it filters on. The export tests reuse it (tests/unit/export/conftest.py).
"""
from __future__ import annotations

import datetime as dt

import pytest

from warwire.store import Store
from warwire.types import (AcledCode, Actor, ActorKind, Article, Event, EventType, Modality, Place, Precision,
                           Quantity, Relation, Result, Span, TieType, TimeSpan)


def span(text: str, part: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return Span(start, start + len(part), part)


def attack(art_id: str = "a1", *, group: str = "Red Hand Brigade", group_kb: str | None = "red_hand",
           group_kind: ActorKind = ActorKind.MILITIA, group_acled: str | None = None,
           member: str | None = None, town: str = "Varnok", country: str = "IRQ", admin1: str | None = "Baghdad",
           feature: str = "town", lat: float | None = 33.31, lon: float | None = 44.36,
           day: dt.date | None = dt.date(2024, 1, 7), precision: Precision = Precision.DAY, killed: int | None = 3,
           type: EventType = EventType.ASSAULT, modality: Modality = Modality.ASSERTED,
           acled: tuple[str | None, str | None] = ("Battles", "Armed clash"), url: str | None = None,
           published: dt.date | None = dt.date(2024, 1, 8), extra: str = "") -> Result:
    """One fictional attack report; with ``member`` the attacker is that unit, a member of ``group``."""
    attacker = member or group
    group_acled = group_acled or group
    toll = f", killing {killed} officers" if killed is not None else ""
    text = f"The {attacker} attacked a police post in {town} on Sunday{toll}."
    if member:
        text += f" The {member} is a unit of the {group}."
    text += extra
    actors = [Actor("A1", attacker, attacker if not member else f"{member} (unit)", None if member else group_kb,
                    group_kind, country, None if member else group_acled, (span(text, attacker),)),
              Actor("A2", "police", f"Police Forces of {country}", f"{country.lower()}_police", ActorKind.POLICE,
                    country, "Police Forces of Iraq (2022-)", (span(text, "police"),))]
    relations = []
    if member:
        actors.append(Actor("A3", group, group, group_kb, group_kind, country, group_acled, (span(text, group),)))
        relations.append(Relation(TieType.MEMBER_OF, "A1", "A3", 0.9, span(text, f"The {member} is a unit of the "
                                                                                   f"{group}")))
    places = (Place("P1", town, country, admin1, feature, lat, lon, 9_000_001, (span(text, town),)),)
    date = TimeSpan(day, day, precision, "on Sunday") if day else None
    event = Event("E1", type, "firearms", ("military",), AcledCode(*acled), modality, None, ("A1",), ("A2",), "P1",
                  date, Quantity(killed, killed) if killed is not None else None, None, None, 0.8,
                  span(text, text.split(".")[0] + "."), span(text, "attacked"))
    return Result(Article(art_id, text, published, f"Attack in {town}", url), tuple(actors), places,
                  tuple(relations), (event,))


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "events.duckdb") as s:
        yield s


@pytest.fixture
def make_attack():
    return attack
