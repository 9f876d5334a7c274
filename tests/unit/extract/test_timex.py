"""Time expressions resolved against the publication date."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warwire.extract import timex
from warwire.types import Precision, TimeSpan

D = dt.date
FRI = D(2024, 2, 2)  # a Friday
SAT = D(2024, 2, 3)
THU = D(2024, 3, 14)  # a Thursday

DAY, WEEK, MONTH, YEAR = Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.YEAR

CASES = [
    # text, published, start, end, precision
    ("on Friday", FRI, FRI, FRI, DAY),                     # the story's own day, not a week back
    ("Friday", SAT, FRI, FRI, DAY),                        # the day before
    ("on Tuesday", THU, D(2024, 3, 12), D(2024, 3, 12), DAY),
    ("last Friday", FRI, D(2024, 1, 26), D(2024, 1, 26), DAY),
    ("next Monday", FRI, D(2024, 2, 5), D(2024, 2, 5), DAY),
    ("last week", FRI, D(2024, 1, 22), D(2024, 1, 28), WEEK),   # Monday to Sunday of the week before
    ("Last week", THU, D(2024, 3, 4), D(2024, 3, 10), WEEK),
    ("October 7", D(2024, 2, 10), D(2023, 10, 7), D(2023, 10, 7), DAY),  # the last one before publication
    ("7 October", D(2023, 10, 20), D(2023, 10, 7), D(2023, 10, 7), DAY),
    ("the 7th of October", D(2024, 2, 10), D(2023, 10, 7), D(2023, 10, 7), DAY),
    ("in 2020", FRI, D(2020, 1, 1), D(2020, 12, 31), YEAR),
    ("2020", None, D(2020, 1, 1), D(2020, 12, 31), YEAR),
    ("3 January 2022", FRI, D(2022, 1, 3), D(2022, 1, 3), DAY),
    ("January 3, 2022", FRI, D(2022, 1, 3), D(2022, 1, 3), DAY),
    ("Jan. 3, 2022", None, D(2022, 1, 3), D(2022, 1, 3), DAY),
    ("2022-01-03", None, D(2022, 1, 3), D(2022, 1, 3), DAY),
    ("in March 2019", FRI, D(2019, 3, 1), D(2019, 3, 31), MONTH),
    ("March", FRI, D(2023, 3, 1), D(2023, 3, 31), MONTH),
    ("this weekend", FRI, D(2024, 2, 3), D(2024, 2, 4), WEEK),
    ("last weekend", D(2024, 2, 6), D(2024, 2, 3), D(2024, 2, 4), WEEK),
    ("a few days ago", FRI, D(2024, 1, 26), D(2024, 2, 1), WEEK),
    ("yesterday", FRI, D(2024, 2, 1), D(2024, 2, 1), DAY),
    ("today", FRI, FRI, FRI, DAY),
    ("last month", D(2024, 1, 15), D(2023, 12, 1), D(2023, 12, 31), MONTH),
    ("last year", FRI, D(2023, 1, 1), D(2023, 12, 31), YEAR),
    ("two days ago", FRI, D(2024, 1, 31), D(2024, 1, 31), DAY),
]


@pytest.mark.parametrize("text, published, start, end, precision", CASES, ids=[c[0] for c in CASES])
def test_resolve(text, published, start, end, precision):
    span = timex.resolve(text, published)
    assert span == TimeSpan(start, end, precision, text)


@pytest.mark.parametrize("text, published", [
    ("hello", FRI), ("", FRI), ("the group", FRI), ("Friday", None), ("yesterday", None),
    ("October 7", None), ("October", None),  # no publication date: the year is unknown, not guessed
    ("February 30, 2023", FRI), ("99999999 days ago", FRI),
    ("yesterday", D(1, 1, 1)), ("October", D(1, 2, 1)), ("tomorrow", D(9999, 12, 31)),
])
def test_no_date_is_none(text, published):
    assert timex.resolve(text, published) is None


def test_since_runs_to_publication():
    start = timex.resolve("October", D(2024, 2, 2))
    span = timex.since(start, D(2024, 2, 2), "since October")
    assert (span.start, span.end, span.text) == (D(2023, 10, 1), D(2024, 2, 2), "since October")
    assert timex.since(None, FRI, "since the war began") is None


def _valid(span) -> bool:
    if span is None:
        return True
    if not isinstance(span, TimeSpan) or span.precision not in Precision:
        return False
    return span.start is None or span.end is None or span.start <= span.end


TIME_WORDS = st.sampled_from(
    ["on", "in", "last", "next", "this", "since", "the", "of", "ago", "days", "weeks", "a", "few", "several",
     "Friday", "Sunday", "October", "Feb.", "Sept", "7", "31", "29th", "2020", "1999", "0000", "9999", "-", ",",
     "weekend", "yesterday", "year", "month", "early", "late", "mid-", "99999999", "\u00e9", "\n"])
PUBLISHED = st.none() | st.dates()


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60) | st.lists(TIME_WORDS, max_size=6).map(" ".join), published=PUBLISHED)
def test_resolve_never_raises(text, published):
    assert _valid(timex.resolve(text, published))


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=40) | st.lists(TIME_WORDS, max_size=5).map(" ".join), published=PUBLISHED)
def test_fallback_never_raises(text, published):
    assert _valid(timex.fallback(text, published))


@pytest.mark.parametrize("text, published, expected", [
    ("Fighting began on 21 February 2022 and resumed March 3.", D(2024, 4, 2),
     [("21 February 2022", D(2022, 2, 21)), ("March 3", D(2024, 3, 3))]),
    ("the 12 May attack", D(2024, 4, 2), [("12 May", D(2023, 5, 12))]),
    ("between March 3 May 2020", D(2024, 4, 2), [("3 May 2020", D(2020, 5, 3))]),  # overlapping: the longer
    ("in May 2020 and last week", D(2024, 4, 2), []),  # not day dates
    ("March 3", None, []),  # no year and no publication date: unknown
])
def test_find_dates(text, published, expected):
    found = timex.find_dates(text, published)
    assert [(text[a:b], span.start) for a, b, span in found] == expected
    assert all(span.text == text[a:b] for a, b, span in found)


@settings(max_examples=200, deadline=None)
@given(text=st.lists(TIME_WORDS, max_size=12).map(" ".join) | st.text(max_size=80), published=PUBLISHED)
def test_find_dates_offsets_in_order_and_disjoint(text, published):
    found = timex.find_dates(text, published)
    ends = -1
    for a, b, span in found:
        assert ends <= a < b <= len(text) and span.text == text[a:b] and _valid(span)
        ends = b


def test_found_dates_keep_their_text_as_written():
    """A date broken over a line keeps its own characters as evidence (Hypothesis found "7 \\n October")."""
    text = "The raid of 7 \n October was the second."
    [(a, b, span)] = timex.find_dates(text, dt.date(2023, 11, 1))
    assert span.text == text[a:b] == "7 \n October"
    assert span.start == dt.date(2023, 10, 7)
