"""Which pairs of reports are worth assessing: blocking for :mod:`warwire.resolve.merge`.

Assessing every pair of n reports costs n²; ``candidate_pairs`` yields only pairs that can pass the
gates of :func:`warwire.resolve.compat.assess` (never fewer: tests/unit/resolve checks that every pair
``assess`` accepts is among them).
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

from .compat import MergeRules, is_point, modality_group, tolerance_days
from .report import Report


def candidate_pairs(reports: list[Report], rules: MergeRules) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j) that might pass the gates; every pair that can is among them.

    Blocks by type and modality group; within a block a sweep over date windows pairs only reports
    whose dates can meet, and among those two point places with coordinates only when they fall in
    neighbouring grid cells. That keeps the number of pairs assessed near linear in a stream of
    reports. A report with no date is paired with every report of its block.
    """
    blocks: dict[tuple, list[int]] = {}
    for i, r in enumerate(reports):
        if not r.aggregate:
            blocks.setdefault((r.type, modality_group(r.modality)), []).append(i)
    for idx in blocks.values():
        dated = [i for i in idx if reports[i].date_start is not None]
        undated = [i for i in idx if reports[i].date_start is None]
        for i in undated:
            for j in idx:
                if j != i and (reports[j].date_start is not None or j > i):
                    yield min(i, j), max(i, j)
        for i, j in _sweep(reports, dated, rules):
            if _countries_allow(reports[i], reports[j]):
                yield i, j


def _countries_allow(a: Report, b: Report) -> bool:
    ca, cb = a.place.country if a.place else None, b.place.country if b.place else None
    return not (ca and cb and ca != cb)


def _sweep(reports: list[Report], idx: list[int], rules: MergeRules) -> Iterator[tuple[int, int]]:
    """Pairs whose date windows overlap, point places only with points in the 3x3 neighbouring cells."""
    # A cell at least ``near_km`` wide up to ~75 degrees of latitude, so the 3x3 block holds every
    # point within near_km of the centre cell.
    size = max(1.0, rules.near_km / 25.0)
    wrap = int(round(360 / size))

    def window(i: int) -> tuple[dt.date, dt.date]:
        r = reports[i]
        tol = dt.timedelta(days=tolerance_days(r.date_precision, rules))
        return r.date_start - tol, (r.date_end or r.date_start) + tol

    def cell(i: int) -> tuple[int, int] | None:
        p = reports[i].place
        if p is None or not is_point(p) or p.lat is None or p.lon is None:
            return None
        return int(math.floor(p.lat / size)), int(math.floor(p.lon / size)) % wrap

    points: dict[tuple[int, int], list[tuple[dt.date, int]]] = {}
    wide: list[tuple[dt.date, int]] = []
    for i in sorted(idx, key=lambda i: (window(i)[0], i)):
        start, end = window(i)
        here = cell(i)
        if here is None:
            near = list(points)
        else:
            near = [(here[0] + dy, (here[1] + dx) % wrap) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        for c in near:
            if c in points:
                points[c] = [(e, j) for e, j in points[c] if e >= start]
                for _, j in points[c]:
                    yield min(i, j), max(i, j)
        wide = [(e, j) for e, j in wide if e >= start]
        for _, j in wide:
            yield min(i, j), max(i, j)
        (wide if here is None else points.setdefault(here, [])).append((end, i))


__all__ = ["candidate_pairs"]
