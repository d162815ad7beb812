"""Helpers for the floors of the bench operations (`mofan bench --floor`).

A floor is the minimal SQL that returns what a page or API shows: the same rows, in the same
order, with the same counts (the data, not the HTML). It reads through a raw cursor into plain
tuples: no model instances, no schema validation, no templates, no middleware. The ratio
operation / floor says how much the application adds on top of the database's own work.
"""

from django.db import connection


def rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def one(sql: str, params=()):
    return rows(sql, params)[0][0]


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def under(column: str) -> str:
    """SQL: `column` (an org path) starts with the parameter `prefix(path)`. GLOB on SQLite
    (case-sensitive, so it can use the path index; LIKE there is case-insensitive and cannot);
    LIKE on PostgreSQL (Django gives unique text columns a pattern-ops index)."""
    return f"{column} GLOB %s" if connection.vendor == "sqlite" else f"{column} LIKE %s"


def prefix(path: str) -> str:
    """The parameter for `under`: paths use only 0-9 and A-Z, so nothing needs escaping."""
    return path + ("*" if connection.vendor == "sqlite" else "%")


def placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def month_of(column: str) -> str:
    """SQL: the month number (1–12) of a date column, computed by the database itself."""
    if connection.vendor == "sqlite":
        return f"CAST(strftime('%%m', {column}) AS INTEGER)"
    return f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"


def page(page_number: int, size: int) -> str:
    return f"LIMIT {int(size)} OFFSET {(int(page_number) - 1) * int(size)}"


def context_rows(key: str):
    """`shown` for a page: the length of a context variable (a Page's object_list or a list)."""

    def shown(response) -> int:
        value = response.context[key]
        return len(getattr(value, "object_list", value))

    return shown


def json_rows(key: str | None = None):
    """`shown` for an API: the length of the JSON list (or of its `key`)."""

    def shown(response) -> int:
        body = response.json()
        return len(body[key] if key else body)

    return shown
