"""Fixtures of the export tests: a store of fictional reports built with the store tests' ``attack``
(loaded from tests/unit/store/conftest.py by path: tests run with --import-mode=importlib, so test
folders are not importable packages), and a country table that needs no knowledge-base files."""
from __future__ import annotations

import datetime as dt
import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from warwire.export import Country
from warwire.store import Store
from warwire.types import ActorKind, Aggregate, Article, ErrorInfo, EventType, Modality, Precision

_spec = importlib.util.spec_from_file_location("warwire_store_test_fixtures",
                                               Path(__file__).resolve().parents[1] / "store" / "conftest.py")
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
attack = _fixtures.attack

COUNTRIES = {"IRQ": Country("IRQ", "Iraq", "Middle East", 368), "SYR": Country("SYR", "Syria", "Middle East", 760)}


@pytest.fixture
def countries():
    return COUNTRIES


@pytest.fixture
def filled(tmp_path):
    """x1 a battle in Varnok; x2 an air strike on civilians in Delmar; x3 a threat (no ACLED type);
    x4 a statement about many attacks (aggregate); x5 an attack with no coordinates; x6 a claimed riot;
    and one rejected input."""
    path = tmp_path / "events.duckdb"
    strike = attack("x2", member="Ash Battalion", town="Delmar", lat=36.2, lon=43.1, day=dt.date(2024, 2, 10),
                    killed=12, acled=("Explosions/Remote violence", "Air/drone strike"),
                    url="https://www.daily.example/strike")
    civilians = replace(strike.actors[1], name="villagers", canonical="Civilians (Iraq)", kb_id="civilians:irq",
                        kind=ActorKind.CIVILIANS, acled_name="Civilians (Iraq)")
    strike = replace(strike, actors=(strike.actors[0], civilians, *strike.actors[2:]))
    many = attack("x4", town="Kelbar", lat=34.0, lon=45.0)
    many = replace(many, events=(replace(many.events[0], aggregate=Aggregate(151, None, "more than 150 attacks")),))
    riot = attack("x6", group="Rioters", group_kb="rioters:syr", group_kind=ActorKind.PROTESTERS,
                  group_acled="Rioters (Syria)", town="Sarvan", country="SYR", admin1=None, feature="district",
                  lat=35.0, lon=38.5, modality=Modality.CLAIMED, killed=None,
                  acled=("Riots", "Mob violence"), type=EventType.PROTEST)
    riot = replace(riot, events=(replace(riot.events[0], date=replace(riot.events[0].date, precision=Precision.WEEK)),))
    with Store.open(path) as store:
        for r in (attack("x1", url="https://news.example/varnok"), strike,
                  attack("x3", town="Sarvan", country="SYR", lat=35.0, lon=38.5, type=EventType.THREATEN,
                         modality=Modality.THREATENED, acled=(None, None), killed=None),
                  many, attack("x5", town="Nowhere", lat=None, lon=None), riot):
            store.add_result(r)
        store.add_rejection(Article("bad", ""), ErrorInfo("empty", "Input text is empty."))
    return path


@pytest.fixture
def make_attack():
    return attack
