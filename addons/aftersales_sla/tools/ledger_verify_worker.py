"""One range of a ledger chain verified in a process of its own.

Verification of a large chain is split into ranges of sequence numbers verified at
once, each by this script in a plain Python process (the GIL rules out threads for
formatting and hashing records) with its own PostgreSQL connection. Every range is
read in the snapshot the calling transaction exported (``pg_export_snapshot()``),
so together the ranges see exactly what the caller's transaction sees.

Each event's check depends on its own row and the stored hash and sequence of the
event before it, so a range is seeded with the STORED hash and sequence of the last
event before it (as :class:`ledger_hash.ChainVerifier` goes on from stored values
after a break): the ranges' breaks, put end to end, are those of one sequential pass.

Run as ``python ledger_verify_worker.py`` with a JSON job on standard input (never
on the command line: it holds the connection's password)::

    {"connection": {libpq keywords: host, port, dbname, user, password...},
     "snapshot": "<id from pg_export_snapshot()>", "chain": <chain id>,
     "after": <range starts after this sequence>,
     "upto": <last sequence of the range, or null for the end of the chain>,
     "page_size": <events per page>, "max_breaks": <breaks described>}

It prints one JSON object: ``checked``, ``breaks`` (at most
``ledger_hash.MAX_BREAKS``, in sequence order), ``break_count``, ``last_sequence``
and ``last_hash`` (the stored values of the range's last event, or of the seed when
the range is empty). Any failure ends it with a non-zero status and the reason on
standard error. It imports only psycopg2 and the addon's plain-Python tools.
"""

import json
import sys
from operator import itemgetter

import psycopg2

if __package__:
    from . import ledger_hash, ledger_stream
else:  # run as a script: the addon's tools are its neighbours
    import ledger_hash
    import ledger_stream

#: The hashed values of an event as SQL, in ``ledger_hash.RECORD_ORDER`` order, with
#: timestamps as the text the hash uses. The sealer and the verifier both read this.
RECORD_SQL = """
    e.author_id, e.chain_id, e.company_id, e.event_type,
    to_char(e.occurred_at, 'YYYY-MM-DD HH24:MI:SS'), e.payload, e.reason,
    to_char(e.recorded_at, 'YYYY-MM-DD HH24:MI:SS'), e.res_id, e.res_model
"""


def iso_timestamp_sql(column):
    """SQL giving the same text as ``to_char(column, 'YYYY-MM-DD HH24:MI:SS')``,
    cheaper: with DateStyle ISO a timestamp of the years 1000 to 9999 is sent as
    exactly that text followed, at most, by its fraction of a second, which
    to_char drops too; other years (and infinities) still go through to_char."""
    return (
        f"CASE WHEN {column} >= '1000-01-01' AND {column} < '10000-01-01' "
        f"THEN left({column}::text, 19) "
        f"ELSE to_char({column}, 'YYYY-MM-DD HH24:MI:SS') END"
    )


#: RECORD_SQL with the cheaper timestamps, for a session in DateStyle ISO (what
#: psycopg2 sets on every connection it opens).
RECORD_SQL_ISO = f"""
    e.author_id, e.chain_id, e.company_id, e.event_type,
    {iso_timestamp_sql("e.occurred_at")}, e.payload, e.reason,
    {iso_timestamp_sql("e.recorded_at")}, e.res_id, e.res_model
"""

#: One keyset page of a chain for verification: ``(id, previous_hash, hash,
#: *record in RECORD_ORDER order)``, sequence last; ``%(upto)s`` NULL reads to the end.
PAGE_SQL = """
    SELECT e.id, e.previous_hash, e.hash, {record}, e.sequence
      FROM aftersales_event e
     WHERE e.chain_id = %(chain)s AND e.sequence > %(after)s
       AND (%(upto)s::integer IS NULL OR e.sequence <= %(upto)s::integer)
  ORDER BY e.chain_id, e.sequence LIMIT %(limit)s
"""

#: The stored state the sequential pass has reached at the start of a range: the
#: last event at or before the range's lower bound.
SEED_SQL = """
    SELECT sequence, hash FROM aftersales_event
     WHERE chain_id = %s AND sequence > 0 AND sequence <= %s
  ORDER BY chain_id, sequence DESC LIMIT 1
"""


def verify_range(connection, chain, after, upto, page_size):
    """Verify the events of ``chain`` with ``after < sequence <= upto`` (``upto``
    None: to the end) on ``connection``, in its current transaction."""
    seed_sequence, seed_hash = 0, None
    if after > 0:
        with connection.cursor() as cursor:
            cursor.execute(SEED_SQL, [chain, after])
            row = cursor.fetchone()
        if row is not None:
            seed_sequence, seed_hash = row
    with connection.cursor() as cursor:
        cursor.execute("SHOW DateStyle")
        iso = cursor.fetchone()[0].startswith("ISO")
    query = PAGE_SQL.format(record=RECORD_SQL_ISO if iso else RECORD_SQL)
    verifier = ledger_hash.ChainVerifier(seed_hash, seed_sequence + 1)
    last_sequence = seed_sequence
    for rows in ledger_stream.prefetched_pages(
        connection,
        query,
        {"chain": chain, "upto": upto},
        key=itemgetter(-1),
        page_size=page_size,
        after=after,
    ):
        verifier.feed_rows(rows)
        last_sequence = rows[-1][-1]
    return {
        "checked": verifier.checked,
        "breaks": verifier.breaks,
        "break_count": verifier.break_count,
        "last_sequence": last_sequence,
        "last_hash": verifier.previous_hash,
    }


def run(job):
    """Connect, import the snapshot, verify the range; the result as a dict."""
    # The caller's bound on described breaks (ChainVerifier reads it at each break).
    ledger_hash.MAX_BREAKS = job["max_breaks"]
    connection = psycopg2.connect(
        application_name="aftersales ledger verify", **job["connection"]
    )
    try:
        # The transaction is opened here, by hand: SET TRANSACTION SNAPSHOT must be
        # its first statement.
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [job["snapshot"]])
        result = verify_range(
            connection, job["chain"], job["after"], job["upto"], job["page_size"]
        )
        with connection.cursor() as cursor:
            cursor.execute("COMMIT")
        return result
    finally:
        connection.close()


def main():
    job = json.load(sys.stdin)
    try:
        result = run(job)
    except psycopg2.Error as error:
        sys.stderr.write(f"{type(error).__name__}: {str(error).strip()}\n")
        return 2
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
