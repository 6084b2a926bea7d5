"""Checks of values that reach business methods and writes from outside (RPC,
forms, imports): each refuses a malformed value with a clear, translated error
instead of a raw traceback further down, before anything is written.

Plain functions taking the environment (for the translation of the messages).
"""

import math
from datetime import date, datetime, timezone

from odoo import fields, models
from odoo.exceptions import ValidationError

#: Dates and times outside these years are refused: the calendars, SLA clocks and
#: PostgreSQL's timestamp arithmetic of the product have no use for them.
MIN_YEAR = 1970
MAX_YEAR = 2200

#: Longest one-line text (a name, a reason) and longest free text (a description,
#: a note), in characters.
MAX_CHAR = 1000
MAX_TEXT = 100_000

#: Largest amount or number accepted (about 10^15: what a monetary column holds
#: with its decimals without losing cents).
MAX_NUMBER = 1e15

_INT_MAX = 2**31 - 1


def to_datetime(env, value, label, required=False):
    """A naive UTC datetime from a datetime, date or ``YYYY-MM-DD[ HH:MM:SS]`` text,
    or None when empty (unless ``required``)."""
    if value in (None, False, ""):
        if required:
            raise ValidationError(env._("%s is required.", label))
        return None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            result = fields.Datetime.to_datetime(value.strip())
        except ValueError:
            result = None
        if result is None:
            raise ValidationError(
                env._(
                    "%(label)s: %(value)r is not a date and time "
                    "(YYYY-MM-DD HH:MM:SS, UTC).",
                    label=label,
                    value=_short(value),
                )
            )
    else:
        raise ValidationError(
            env._(
                "%(label)s must be a date and time (YYYY-MM-DD HH:MM:SS, UTC), "
                "not %(value)r.",
                label=label,
                value=_short(value),
            )
        )
    if result.tzinfo is not None:
        result = result.astimezone(timezone.utc).replace(tzinfo=None)
    _check_year(env, result.year, label)
    return result


def to_date(env, value, label, required=False):
    """A date from a date or ``YYYY-MM-DD`` text, or None when empty."""
    if value in (None, False, ""):
        if required:
            raise ValidationError(env._("%s is required.", label))
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, str):
        try:
            result = fields.Date.to_date(value.strip()[:10])
        except ValueError:
            result = None
        if result is None or len(value.strip()) not in (10, 19):
            raise ValidationError(
                env._(
                    "%(label)s: %(value)r is not a date (YYYY-MM-DD).",
                    label=label,
                    value=_short(value),
                )
            )
    else:
        raise ValidationError(
            env._(
                "%(label)s must be a date (YYYY-MM-DD), not %(value)r.",
                label=label,
                value=_short(value),
            )
        )
    _check_year(env, result.year, label)
    return result


def _check_year(env, year, label):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            env._(
                "%(label)s: the year %(year)s is out of range (%(min)s to %(max)s).",
                label=label,
                year=year,
                min=MIN_YEAR,
                max=MAX_YEAR,
            )
        )


def to_number(env, value, label, minimum=None, maximum=MAX_NUMBER, integer=False):
    """A finite number (int or float, not a boolean) within the bounds."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str):
            try:
                value = float(value.strip()) if not integer else int(value.strip())
            except ValueError:
                value = None
        else:
            value = None
        if value is None:
            raise ValidationError(
                env._("%(label)s must be a number.", label=label)
                if not integer
                else env._("%(label)s must be a whole number.", label=label)
            )
    if integer and isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(
                env._("%(label)s must be a whole number.", label=label)
            )
        value = int(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(
            env._(
                "%(label)s must be a finite number, not %(value)s.",
                label=label,
                value=value,
            )
        )
    if integer:
        maximum = min(maximum if maximum is not None else _INT_MAX, _INT_MAX)
        minimum = max(minimum if minimum is not None else -_INT_MAX, -_INT_MAX)
    if minimum is not None and value < minimum:
        raise ValidationError(
            env._(
                "%(label)s must be at least %(minimum)s (got %(value)s).",
                label=label,
                minimum=minimum,
                value=value,
            )
        )
    if maximum is not None and value > maximum:
        raise ValidationError(
            env._(
                "%(label)s must be at most %(maximum)s (got %(value)s).",
                label=label,
                maximum=maximum,
                value=value,
            )
        )
    return value


def to_text(env, value, label, required=False, max_length=MAX_CHAR):
    """Stripped text, or None when empty (unless ``required``)."""
    if value in (None, False):
        value = ""
    if not isinstance(value, str):
        raise ValidationError(
            env._(
                "%(label)s must be text, not %(value)r.",
                label=label,
                value=_short(value),
            )
        )
    value = value.strip()
    if not value:
        if required:
            raise ValidationError(env._("%s is required.", label))
        return None
    if len(value) > max_length:
        raise ValidationError(
            env._(
                "%(label)s is too long (%(length)s characters; at most %(max)s).",
                label=label,
                length=len(value),
                max=max_length,
            )
        )
    return value


def to_record(env, model, value, label, required=True):
    """One existing record of ``model`` from a record or an id."""
    Model = env[model]
    if isinstance(value, models.BaseModel):
        if value._name != model or len(value) > 1:
            value = None
        else:
            value = value.exists() or (None if required else Model)
    elif isinstance(value, int) and not isinstance(value, bool) and value > 0:
        value = Model.browse(value).exists() or None
    elif value in (None, False) and not required:
        value = Model
    else:
        value = None
    if value is None:
        raise ValidationError(env._("%(label)s: no such record.", label=label))
    return value


def _short(value):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_vals(record_model, vals):
    """Refuse malformed values of a ``create``/``write`` of ``record_model`` with a
    translated error naming the field: unknown fields, types, selection values,
    numbers that are not finite or out of range, dates that do not parse or lie
    out of range, texts beyond their limits. Relational values are left to the ORM
    (which reports a missing record as a validation error)."""
    env = record_model.env
    model_fields = record_model._fields
    for name, value in vals.items():
        field = model_fields.get(name)
        if field is None:
            raise ValidationError(
                env._(
                    "%(model)s has no field %(field)r.",
                    model=record_model._description,
                    field=_short(name),
                )
            )
        label = field._description_string(env)
        if value is False or value is None:
            continue
        if field.type == "selection" and not callable(field.selection):
            allowed = dict(field._description_selection(env))
            if value not in allowed:
                raise ValidationError(
                    env._(
                        "%(field)s: %(value)r is not one of the choices (%(choices)s).",
                        field=label,
                        value=_short(value),
                        choices=", ".join(str(key) for key in allowed),
                    )
                )
        elif field.type == "selection":
            allowed = dict(field._description_selection(env))
            if isinstance(value, str) and value not in allowed:
                raise ValidationError(
                    env._(
                        "%(field)s: %(value)r is not one of the choices (%(choices)s).",
                        field=label,
                        value=_short(value),
                        choices=", ".join(str(key) for key in allowed),
                    )
                )
        elif field.type in ("float", "monetary"):
            to_number(env, value, label, minimum=-MAX_NUMBER)
        elif field.type == "integer":
            to_number(env, value, label, integer=True)
        elif field.type == "datetime":
            to_datetime(env, value, label)
        elif field.type == "date":
            to_date(env, value, label)
        elif field.type == "char":
            to_text(env, value, label, max_length=MAX_CHAR)
        elif field.type == "text":
            to_text(env, value, label, max_length=MAX_TEXT)
        elif field.type == "many2one":
            if isinstance(value, bool) or not isinstance(value, int | models.BaseModel):
                raise ValidationError(
                    env._(
                        "%(field)s must be the id of a record, not %(value)r.",
                        field=label,
                        value=_short(value),
                    )
                )
