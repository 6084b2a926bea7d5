"""The one door: the state, milestone, amount and party fields of tickets, contracts
and penalties change only through the business methods that append their ledger
events.

Those models refuse ``create`` and ``write`` of their guarded fields for every user
(the administrator and the superuser included) unless a business method opened the
door for them::

    with door.opened("aftersales.ticket"):
        tickets.write({"state": "closed", "closed_at": when})

or, for a whole method, ``@door.opens("aftersales.ticket")``.

The door is a :class:`contextvars.ContextVar`, never a context key: an RPC caller
controls the context it sends, not the variables of the thread that serves it. It is
open for the duration of the ``with`` block only, in the thread (or task) that opened
it.
"""

import contextvars
import functools
from contextlib import contextmanager

_OPEN = contextvars.ContextVar("aftersales_door_open", default=frozenset())


@contextmanager
def opened(*model_names):
    """Open the door for ``model_names`` during the block."""
    token = _OPEN.set(_OPEN.get() | frozenset(model_names))
    try:
        yield
    finally:
        _OPEN.reset(token)


def opens(*model_names):
    """Decorator: the door is open for ``model_names`` while the method runs."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(*args, **kwargs):
            with opened(*model_names):
                return method(*args, **kwargs)

        return wrapper

    return decorate


def is_open(model_name):
    """Whether a business method opened the door for ``model_name``."""
    return model_name in _OPEN.get()


def refuse(records, field_names, hint=None):
    """Raise the translated error refusing a direct write of ``field_names``."""
    from odoo.exceptions import UserError

    env = records.env
    labels = ", ".join(
        sorted(
            records._fields[name].get_description(env)["string"]
            for name in field_names
            if name in records._fields
        )
    )
    # sudo: the model's (translated) label only, for the message.
    model_label = env["ir.model"].sudo()._get(records._name).name or records._name
    message = env._(
        "%(fields)s of %(model)s change only through its actions, which record "
        "them in the service ledger; they cannot be written directly.",
        fields=labels,
        model=model_label,
    )
    if hint:
        message = f"{message} {hint}"
    raise UserError(message)


def is_empty(value):
    """Whether a create value leaves a field empty (False, 0, "", no relation)."""
    if isinstance(value, list | tuple):
        # x2many commands: only [(6, 0, [])] or [(5,)] leave the relation empty.
        return all(
            isinstance(command, list | tuple)
            and (command[0] == 5 or (command[0] == 6 and not command[2]))
            for command in value
        )
    return not value
