"""Time expressions resolved against the publication date.

Explicit forms are read here (weekdays, "October 7", "3 January 2022", "in 2020", "last week", "this
weekend", "a few days ago", "since October") because dateparser, used as the fallback, resolves
"on Friday" to the previous week and a bare year to an invented day.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import replace
from functools import lru_cache

from ..types import Precision, TimeSpan

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
DAY_MONTH = re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MON}(?:,?\s+{_YEAR})?\b", re.I)
MONTH_DAY = re.compile(rf"\b{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.I)
MONTH_YEAR = re.compile(rf"\b{_MON}(?:\s+of)?\s+{_YEAR}\b", re.I)
MONTH_ONLY = re.compile(rf"^(?:early |late |mid-?|the end of |the beginning of )?{_MON}$", re.I)
YEAR_ONLY = re.compile(rf"^(?:in |since |early |late |mid-?)?{_YEAR}$", re.I)
ISO = re.compile(r"\b(?P<year>\d{4})-(?P<mon>\d\d)-(?P<day>\d\d)\b")
WEEKDAY = re.compile(r"\b(?P<rel>last |this |next |on |early |late )?(?P<wd>" + "|".join(WEEKDAYS) + r")\b", re.I)
NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10, "a": 1, "an": 1, "a couple of": 2, "several": 3, "a few": 3, "few": 3}
AGO = re.compile(r"^(?P<n>\d+|" + "|".join(sorted(NUM_WORDS, key=len, reverse=True)) +
                 r")\s+(?P<unit>day|week|month|year)s?(?:\s+(?:ago|earlier|before|prior))?$", re.I)


# A bare length of time ("two days", "several weeks"): when it measures something ("two days of fighting"), it
# is no date.
DURATION = re.compile(r"^(?:the )?(?:a few |several |some |\d+ |(?:" + "|".join(sorted(NUM_WORDS, key=len, reverse=True)) +
                      r") )?(?:hours?|days?|weeks?|months?|years?)$", re.I)


def _d(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _month_span(y: int, m: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])


def _past_year(pub: dt.date | None, m: int, d: int = 1) -> int | None:
    """The year that puts month/day on or before publication ("October 7" in a February story).
    Without a publication date the year is unknown, not guessed from today's date."""
    if pub is None:
        return None
    return pub.year if (m, d) <= (pub.month, pub.day) else pub.year - 1


# A publication date outside this window anchors nothing: counting from it ("last year" in year 1)
# would leave the calendar, and no news article is dated there.
EARLIEST_ANCHOR = dt.date(1000, 1, 1)
LATEST_ANCHOR = dt.date(9000, 12, 31)


def resolve(text: str, published: dt.date | None) -> TimeSpan | None:
    """Read one time expression; None if it names no date."""
    if published is not None and not EARLIEST_ANCHOR <= published <= LATEST_ANCHOR:
        published = None
    return _resolve(" ".join(text.split()), published)


@lru_cache(maxsize=4096)
def _resolve(text: str, pub: dt.date | None) -> TimeSpan | None:
    low = text.lower().strip(" ,.")
    low = re.sub(r"^(on|in|during|by|around|about|from|since|until|over|at)\s+(the\s+)?", "", low)
    low = low.removeprefix("the ")
    for fn in (_explicit, _relative, _weekday):
        try:
            span = fn(low, pub)
        except OverflowError:  # "99999 days ago" counts back past year 1
            return None
        if span is not None:
            return TimeSpan(span[0], span[1], span[2], text)
    return None


def _explicit(low: str, pub: dt.date | None):
    m = ISO.search(low)
    if m and (d := _d(int(m["year"]), int(m["mon"]), int(m["day"]))):
        return d, d, Precision.DAY
    for rx in (DAY_MONTH, MONTH_DAY):
        m = rx.search(low)
        if m and int(m["day"]) <= 31:
            mon, day = MONTHS[m["mon"].lower()], int(m["day"])
            year = int(m["year"]) if m["year"] else _past_year(pub, mon, day)
            if year is not None and (d := _d(year, mon, day)):
                return d, d, Precision.DAY
    m = MONTH_YEAR.search(low)
    if m:
        return (*_month_span(int(m["year"]), MONTHS[m["mon"].lower()]), Precision.MONTH)
    m = MONTH_ONLY.match(low)
    if m and pub is not None:
        mon = MONTHS[m["mon"].lower()]
        return (*_month_span(_past_year(pub, mon), mon), Precision.MONTH)
    m = YEAR_ONLY.match(low)
    if m:
        y = int(m["year"])
        return dt.date(y, 1, 1), dt.date(y, 12, 31), Precision.YEAR
    return None


def _relative(low: str, pub: dt.date | None):
    if pub is None:
        return None
    day = dt.timedelta(days=1)
    simple = {"today": (pub, pub), "tonight": (pub, pub), "this morning": (pub, pub), "this afternoon": (pub, pub),
              "this evening": (pub, pub), "yesterday": (pub - day, pub - day), "last night": (pub - day, pub - day),
              "overnight": (pub - day, pub), "tomorrow": (pub + day, pub + day),
              "earlier today": (pub, pub), "the day before": (pub - day, pub - day)}
    if low in simple:
        a, b = simple[low]
        return a, b, Precision.DAY
    monday = pub - dt.timedelta(days=pub.weekday())
    if low in ("this week", "earlier this week"):
        return monday, pub, Precision.WEEK
    if low in ("last week", "past week", "previous week", "the past week", "the previous week"):
        return monday - 7 * day, monday - day, Precision.WEEK
    if low in ("this weekend", "the weekend", "coming weekend", "next weekend"):
        sat = pub + dt.timedelta(days=(5 - pub.weekday()) % 7)
        if low == "next weekend":
            sat += 7 * day
        return sat, sat + day, Precision.WEEK
    if low in ("last weekend", "the past weekend"):
        sat = pub - dt.timedelta(days=(pub.weekday() - 5) % 7 or 7)
        return sat, sat + day, Precision.WEEK
    if low in ("this month", "earlier this month"):
        return pub.replace(day=1), pub, Precision.MONTH
    if low in ("last month", "past month", "previous month"):
        last = pub.replace(day=1) - day
        return (*_month_span(last.year, last.month), Precision.MONTH)
    if low in ("this year", "earlier this year"):
        return dt.date(pub.year, 1, 1), pub, Precision.YEAR
    if low in ("last year", "past year", "previous year"):
        return dt.date(pub.year - 1, 1, 1), dt.date(pub.year - 1, 12, 31), Precision.YEAR
    if low in ("recently", "recent days", "the past few days", "past few days", "recent weeks", "days",
               "a few days", "few days", "several days", "days ago", "a few days ago", "few days ago"):
        return pub - 7 * day, pub - day, Precision.WEEK
    m = AGO.match(low)
    if m:
        n = int(m["n"]) if m["n"].isdigit() else NUM_WORDS[m["n"].lower()]
        unit = m["unit"].lower()
        delta = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
        d = pub - dt.timedelta(days=delta)
        prec = {"day": Precision.DAY, "week": Precision.WEEK, "month": Precision.MONTH, "year": Precision.YEAR}[unit]
        if m["n"].lower() in ("several", "a few", "few"):
            return d - dt.timedelta(days=delta), pub - day, Precision.WEEK
        return d, d, prec
    return None


def _weekday(low: str, pub: dt.date | None):
    m = WEEKDAY.search(low)
    if not m or pub is None:
        return None
    wd = WEEKDAYS[m["wd"].lower()]
    rel = (m["rel"] or "").strip().lower()
    back = (pub.weekday() - wd) % 7
    if rel == "next":
        d = pub + dt.timedelta(days=(wd - pub.weekday()) % 7 or 7)
    elif rel == "last" and back == 0:
        d = pub - dt.timedelta(days=7)
    else:  # "on Friday" in a Friday story is that Friday
        d = pub - dt.timedelta(days=back)
    return d, d, Precision.DAY


def fallback(text: str, published: dt.date | None) -> TimeSpan | None:
    """dateparser for forms the rules above do not read; never invents a day for a month or year."""
    import dateparser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False, "REQUIRE_PARTS": ["day", "month"],
                "PREFER_DAY_OF_MONTH": "first"}
    if published:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time(12))
    try:
        got = dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    if got is None:
        return None
    d = got.date()
    return TimeSpan(d, d, Precision.DAY, text)


def since(start: TimeSpan | None, published: dt.date | None, text: str) -> TimeSpan | None:
    """A range from a start point to publication ("since October", "since the war began")."""
    if start is None or start.start is None:
        return None
    end = published or start.end
    return TimeSpan(start.start, end, start.precision if start.precision != Precision.YEAR else Precision.YEAR, text)


def find_dates(text: str, published: dt.date | None) -> list[tuple[int, int, TimeSpan]]:
    """Explicit day dates anywhere in a text ("21 February 2022", "March 3"), with their offsets, in text
    order. Where two readings overlap ("March 3 May 2020") the longer one is kept."""
    found = []
    for rx in (DAY_MONTH, MONTH_DAY):
        for m in rx.finditer(text):
            span = resolve(m.group(0), published)
            if span is not None and span.precision == Precision.DAY:  # its text as written ("7 \n October")
                found.append((m.start(), m.end(), replace(span, text=m.group(0))))
    kept: list[tuple[int, int, TimeSpan]] = []
    for a, b, span in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        if all(b <= ka or a >= kb for ka, kb, _ in kept):
            kept.append((a, b, span))
    return sorted(kept, key=lambda f: f[0])
