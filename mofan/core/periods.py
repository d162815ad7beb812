"""The one period type: a half-open date range [start, end), usually whole months.

Compliance, facts, dues and scheduling all speak of a month, a quarter, a year or any stretch
of days through `Span`; its `label` is what pages and exports print ("2026年第1季度").
"""

from dataclasses import dataclass
from datetime import date, timedelta

from mofan.core.dates import add_months

MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Span:
    """[start, end): `end` is the first day after the span."""

    start: date
    end: date

    def __post_init__(self):
        if self.end <= self.start:
            raise ValueError(f"empty span {self.start} – {self.end}")

    @classmethod
    def month(cls, year: int, month: int) -> "Span":
        start = date(year, month, 1)
        return cls(start, add_months(start, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Span":
        start = date(year, 3 * (quarter - 1) + 1, 1)
        return cls(start, add_months(start, 3))

    @classmethod
    def year(cls, year: int) -> "Span":
        return cls(date(year, 1, 1), date(year + 1, 1, 1))

    @classmethod
    def between(cls, first: date, last: date) -> "Span":
        """Any date range, both ends included (as a user types it: 3月5日 至 4月10日)."""
        return cls(first, last + timedelta(days=1))

    @classmethod
    def month_of(cls, day: date) -> "Span":
        return cls.month(day.year, day.month)

    @classmethod
    def quarter_of(cls, day: date) -> "Span":
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @property
    def last(self) -> date:
        """The span's last day (end is the first day after it)."""
        return self.end - timedelta(days=1)

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end.day == 1

    @property
    def month_count(self) -> int:
        """Months from start's month to end's month (a whole-month span's length)."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    @property
    def months(self) -> list[int]:
        """The month numbers of a whole-month span, in order (a year: 1 … 12)."""
        return [add_months(self.start, i).month for i in range(self.month_count)]

    @property
    def month_starts(self) -> list[date]:
        """The first day of every month that begins inside the span."""
        first = self.start if self.start.day == 1 else add_months(self.start.replace(day=1), 1)
        starts = []
        while first < self.end:
            starts.append(first)
            first = add_months(first, 1)
        return starts

    @property
    def whole_months(self) -> "Span | None":
        """The whole months inside the span, as one span (None when it holds none)."""
        full = [start for start in self.month_starts if add_months(start, 1) <= self.end]
        return Span(full[0], add_months(full[-1], 1)) if full else None

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    __contains__ = contains

    def periods(self, period: str) -> list["Span"]:
        """The span cut into back-to-back months, quarters or years from its start; a period
        longer than the span gives none."""
        step = MONTHS_IN[period]
        if step > self.month_count:
            return []
        return [
            Span(add_months(self.start, i), add_months(self.start, i + step))
            for i in range(0, self.month_count, step)
        ]

    @property
    def label(self) -> str:
        if self.is_whole_months:
            return self._months_label()
        return f"{_day(self.start)}至{_day(self.last)}"

    def _months_label(self) -> str:
        start, count = self.start, self.month_count
        if count == 1:
            return f"{start.year}年{start.month}月"
        if count == 3 and start.month % 3 == 1:
            return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
        if count == 12 and start.month == 1:
            return f"{start.year}年"
        last = self.last
        if last.year == start.year:
            return f"{start.year}年{start.month}月至{last.month}月"
        return f"{start.year}年{start.month}月至{last.year}年{last.month}月"


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def span_of(year: int, quarter: int | None = None, month: int | None = None) -> Span:
    """The month, else the quarter, else the whole year (as the period filters ask for it)."""
    if month:
        return Span.month(year, month)
    if quarter:
        return Span.quarter(year, quarter)
    return Span.year(year)


def periods_in(span: Span, period: str) -> list[Span]:
    return span.periods(period)
