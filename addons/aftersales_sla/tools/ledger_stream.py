"""Keyset pages of a query, the next one fetched while the caller works on this one.

Verification spends its time in two places that can overlap: PostgreSQL reading and
sending a page of events (its own process), and Python hashing the page before. With
:func:`prefetched_pages` the query for page *n + 1* runs in a helper thread while the
caller's loop hashes page *n*: psycopg2 releases the GIL while it waits for the server,
so the server works on another core meanwhile.

Both use the caller's own connection (psycopg2 serialises its use between threads and
only one query is in flight at a time, since the caller does not query while it works
on a page): the same transaction and snapshot, what the caller's transaction wrote
included, nothing written, no second connection, so it runs as well on a read replica.
Memory holds two pages at most.
"""

from concurrent.futures import ThreadPoolExecutor


def prefetched_pages(connection, query, params, key, page_size, after=0):
    """Yield the pages of ``query`` (lists of row tuples) in keyset order.

    :param connection: the psycopg2 connection to read on (``env.cr.connection``);
        the caller must not use it while it holds a page.
    :param query: SQL with a placeholder ``%(after)s`` for the last key of the
        previous page and ``%(limit)s`` for the page size, ordered by the key.
    :param params: the query's other parameters (a dict).
    :param key: function giving a row's key (the value of ``after`` for the next page).
    :param page_size: rows per page; a shorter page is the last one.
    :param after: the key the first page starts after.
    """

    def fetch(after):
        with connection.cursor() as cursor:
            cursor.execute(query, dict(params, after=after, limit=page_size))
            return cursor.fetchall()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-page") as pool:
        rows = fetch(after)
        while rows:
            following = (
                pool.submit(fetch, key(rows[-1])) if len(rows) >= page_size else None
            )
            try:
                yield rows
            finally:
                if following is not None and not following.done():
                    # The caller stopped early (or failed): let the query end before
                    # the connection is used again.
                    following.exception()
            rows = following.result() if following is not None else []
