"""The audit log as people read it: each changed field under its Chinese label (the model field's
verbose_name) and each value under its display label (choice labels, 是/否, names instead of ids,
dates as 2026-03-01).

Core imports no app: the fields are found through Django's app registry from the record's
`target_type` ("orgs.org"). Ids of related objects are collected over a batch of records and
resolved with one query per related model, never one per row.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from mofan.core.registry import audit_value_words

EMPTY = "（空）"

# Keys some services write that are not a field of the target model.
EXTRA_LABELS = {
    "committee": "班子成员",
    "grant": "角色授权",
    "usernames": "账号",
    "username": "用户名",
    "user": "登录账号",
    "parent": "上级组织",
    "term_end": "本届任期届满",
}


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str


def _model(target_type: str):
    if not target_type:
        return None
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def target_label(target_type: str) -> str:
    """The Chinese name of a record's target model ("orgs.org" → 党组织)."""
    model = _model(target_type)
    return str(model._meta.verbose_name) if model is not None else target_type


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(field, name: str) -> str:
    verbose = getattr(field, "verbose_name", None)
    if verbose and str(verbose) != name.replace("_", " "):
        return str(verbose)
    return EXTRA_LABELS.get(name, name)


def _related_model(field):
    if field is not None and field.is_relation and (field.many_to_one or field.one_to_one):
        return field.related_model
    return None


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Names:
    """Names of related objects, fetched per model in one query each."""

    def __init__(self):
        self.wanted: dict = defaultdict(set)
        self.found: dict = {}

    def want(self, model, value) -> None:
        if model is not None and _is_id(value):
            self.wanted[model].add(value)

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            manager = model._default_manager
            if _field(model, "name") is not None:
                names = dict(manager.filter(pk__in=ids).values_list("pk", "name"))
            else:
                names = {pk: str(obj) for pk, obj in manager.in_bulk(ids).items()}
            self.found[model] = names

    def name(self, model, value):
        return self.found.get(model, {}).get(value)


def _text(field, value, names: _Names) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    related = _related_model(field)
    if related is not None and _is_id(value):
        return names.name(related, value) or f"（编号 {value}）"
    choices = getattr(field, "flatchoices", None)
    if choices:
        labels = {str(key): str(label) for key, label in choices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return _datetime_text(value)
    if isinstance(field, models.TimeField) and isinstance(value, str):
        return value[:5]
    if isinstance(value, list) and all(not isinstance(v, list | dict) for v in value):
        return "、".join(_text(None, v, names) for v in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _datetime_text(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _fields_of(record) -> list:
    model = _model(record.target_type)
    return [
        (name, pair, _field(model, name), audit_value_words(record.target_type, name))
        for name, pair in (record.changes or {}).items()
    ]


def _value_text(field, words, value, names: _Names) -> str:
    if words is not None and value not in (None, "", []):
        try:
            return words(value)
        except (TypeError, ValueError):
            pass  # a value of an older shape: shown as stored
    return _text(field, value, names)


def describe_changes(records: Iterable) -> None:
    """Set `change_lines` (a list of ChangeLine) on each record; one query per related model."""
    records = list(records)
    names = _Names()
    parsed = []
    for record in records:
        fields = _fields_of(record)
        for _name, pair, field, _words in fields:
            for value in _pair(pair):
                names.want(_related_model(field), value)
        parsed.append(fields)
    names.fetch()
    for record, fields in zip(records, parsed, strict=True):
        lines = (
            ChangeLine(
                _label(field, name), *(_value_text(field, words, v, names) for v in _pair(pair))
            )
            for name, pair, field, words in fields
        )
        # A new record's blank fields (None → "") read as （空） → （空）: nothing to show.
        record.change_lines = [line for line in lines if line.before != line.after]


def _pair(pair) -> tuple:
    if isinstance(pair, list | tuple) and len(pair) == 2:
        return pair[0], pair[1]
    return None, pair


def change_text(record) -> str:
    """The change lines of a described record as one cell of text."""
    return "\n".join(f"{line.label}：{line.before} → {line.after}" for line in record.change_lines)
