"""Silence odoo.sql_db's report of a query the caller expects to fail, in this
thread only.

A stale snapshot (serialization failure), a row another worker holds, a deadlock:
some queries are expected to fail under concurrency and are handled by their caller
(retried, skipped, left to the next run). ``odoo.tools.mute_logger`` would hide their
"bad query" line, but it swaps the logger's handlers for the whole process: with two
threads (threaded workers, post-commit hooks, concurrency tests), one thread leaving
its block restores the handlers while the other is still inside its own, and the
expected failure is logged as an ERROR after all. This filter looks at a context
variable of the thread (or task) that runs the query instead.
"""

import contextvars
import logging
from contextlib import contextmanager

_QUIET = contextvars.ContextVar("aftersales_quiet_sql", default=False)


class _QuietSqlFilter(logging.Filter):
    def filter(self, record):
        return not _QUIET.get()


_FILTER = _QuietSqlFilter()
if not any(
    isinstance(f, _QuietSqlFilter) for f in logging.getLogger("odoo.sql_db").filters
):
    logging.getLogger("odoo.sql_db").addFilter(_FILTER)


@contextmanager
def quiet_sql():
    """odoo.sql_db logs nothing in this thread during the block."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)
