import re
import unicodedata
from datetime import date


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


class TypedDateError(ValueError):
    """A typed date that cannot be read. `reason` says why in words a user understands, or is
    empty when the text is not written like a date at all."""

    def __init__(self, reason: str = ""):
        super().__init__(reason or "not a date")
        self.reason = reason


# 2019-07-01, 2019-7-1, 2019/7/1, 2019.7.1, 2019年7月1日 (or 号), with or without spaces.
_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_typed_date(text: str) -> date:
    """The date a person typed in one of the ways dates are written in offices: 2019-07-01,
    2019-7-1, 2019/7/1, 2019.7.1, 2019年7月1日 or 20190701 (full-width digits too, as Chinese
    input methods type them). Raises TypedDateError for text that is not such a date."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _SEPARATED.fullmatch(cleaned) or _COMPACT.fullmatch(cleaned)
    if not match:
        raise TypedDateError()
    year, month, day = (int(part) for part in match.groups())
    if year < 1900:
        raise TypedDateError(f"年份{year}不对")
    if not 1 <= month <= 12:
        raise TypedDateError(f"没有{month}月")
    try:
        return date(year, month, day)
    except ValueError:
        raise TypedDateError(f"{year}年{month}月没有{day}日") from None
