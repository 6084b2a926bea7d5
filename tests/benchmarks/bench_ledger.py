"""Ledger benchmarks: append throughput and verification speed and memory.

Run through ``scripts/bench.sh`` (which sets up the machine and the benchmark
database); results go to docs/benchmarks.md between this scenario's markers.

Scenarios
---------
append   Worker processes append events on ONE company's chain, each in its own
         transactions of 10 events (a business action appends a few), committing each
         (post-commit sealing included). One worker, then two at once: the events/s
         show whether appends queue behind each other.
verify   Chains of 100k and 1M events, inserted by SQL (the generator) then sealed by
         the product's own sealer; ``verify_ledger`` then runs in a fresh process that
         reports its wall time and peak resident memory, against the streaming limit
         (rows of about 200 bytes streamed and SHA-256 hashed in one Python loop)
         measured in the same run.
"""

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import report  # noqa: E402


def env_for(dbname):
    registry = Registry(dbname)
    cr = registry.cursor()
    return api.Environment(cr, SUPERUSER_ID, {})


def bench_company(env, name):
    company = env["res.company"].search([("name", "=", name)], limit=1)
    if not company:
        company = env["res.company"].create({"name": name})
        env.cr.commit()
    return company


# ----------------------------------------------------------------------------------
# append


def _append_worker(dbname, company_id, transactions, batch, queue):
    odoo.tools.config.parse_config(["-c", os.environ["ODOO_RC"]], setup_logging=False)
    env = env_for(dbname)
    Event = env["aftersales.event"]
    started = time.perf_counter()
    for number in range(transactions):
        Event._append_events(
            [
                {
                    "event_type": "ledger.note",
                    "company": company_id,
                    "payload": {
                        "worker": os.getpid(),
                        "tx": number,
                        "n": n,
                        "备注": "压测",
                    },
                }
                for n in range(batch)
            ]
        )
        env.cr.commit()  # runs the post-commit sealing too
    queue.put(time.perf_counter() - started)
    env.cr.close()


def _append_round(env, dbname, company, chain, workers, transactions, batch):
    env.cr.execute(
        "SELECT count(*) FROM aftersales_event WHERE chain_id = %s", [chain.id]
    )
    before = env.cr.fetchone()[0]
    env.cr.commit()
    queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=_append_worker, args=(dbname, company.id, transactions, batch, queue)
        )
        for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    times = [queue.get() for _ in procs]
    env["aftersales.event"]._seal_chains(chain)
    env.cr.commit()
    env.cr.execute(
        "SELECT count(*), count(*) FILTER (WHERE hash IS NULL) "
        "FROM aftersales_event WHERE chain_id = %s",
        [chain.id],
    )
    total, unsealed = env.cr.fetchone()
    events = workers * transactions * batch
    return {
        "events": events,
        "added": total - before,
        "unsealed_after": unsealed,
        # All workers run the whole time: the slowest one bounds the throughput.
        "events_per_s": events / max(times),
    }


def run_append(dbname, transactions, batch, rounds=3):
    env = env_for(dbname)
    company = bench_company(env, "Benchmark: append")
    chain = env["aftersales.event.chain"].search([("company_id", "=", company.id)])
    # Start from a quiet table: no autovacuum of an earlier bulk load meanwhile.
    env.cr.commit()
    env.cr._cnx.autocommit = True
    env.cr.execute("VACUUM ANALYZE aftersales_event")
    env.cr._cnx.autocommit = False
    results = []
    for workers in (1, 2):
        runs = [
            _append_round(env, dbname, company, chain, workers, transactions, batch)
            for _round in range(rounds)
        ]
        runs.sort(key=lambda run: run["events_per_s"])
        median = runs[len(runs) // 2]
        result = env["aftersales.event"].verify_ledger(chain)
        env.cr.commit()
        results.append(
            dict(
                median,
                workers=workers,
                rounds=rounds,
                all_events_per_s=[run["events_per_s"] for run in runs],
                chain_ok=result["ok"],
                unsealed_after=max(run["unsealed_after"] for run in runs),
                lost=sum(run["events"] - run["added"] for run in runs),
            )
        )
        print(
            f"append: {workers} worker(s): "
            f"median {median['events_per_s']:.0f} events/s",
            flush=True,
        )
    env.cr.close()
    return results


# ----------------------------------------------------------------------------------
# verify

GENERATE_SQL = """
INSERT INTO aftersales_event
    (chain_id, company_id, event_type, occurred_at, recorded_at, author_id,
     res_model, res_id, reason, payload, create_uid, create_date, write_uid, write_date)
SELECT %(chain)s, %(company)s,
       (ARRAY['ticket.reported','ticket.responded','ticket.resolved','sla.breached',
              'penalty.assessed'])[1 + g %% 5],
       ts - (%(size)s - g) * interval '1 second', ts, 1, 'res.partner',
       1 + g %% 1000,
       CASE WHEN g %% 10 = 0 THEN '电话报修, 补录' END,
       '{"n":' || g || ',"priority":"' || (g %% 3)
           || '","note":"客户报修: 门锁无法开启"}',
       1, ts, 1, ts
  FROM generate_series(%(start)s, %(stop)s) AS g,
       -- Recorded now (the insert guard refuses any other recording time); the
       -- business times a second apart, the last one now (never after it: 10M
       -- events go back about four months).
       LATERAL (SELECT date_trunc('second', now() AT TIME ZONE 'UTC') AS ts) AS t
"""


def ensure_chain_of(env, size):
    company = bench_company(env, f"Benchmark: verify {size}")
    chain = env["aftersales.event.chain"].search([("company_id", "=", company.id)])
    env.cr.execute(
        "SELECT count(*) FROM aftersales_event WHERE chain_id = %s", [chain.id]
    )
    have = env.cr.fetchone()[0]
    timings = {}
    if have < size:
        started = time.perf_counter()
        step = 100_000
        for start in range(have + 1, size + 1, step):
            stop = min(start + step - 1, size)
            env.cr.execute(
                GENERATE_SQL,
                {
                    "chain": chain.id,
                    "company": company.id,
                    "start": start,
                    "stop": stop,
                    "size": size,
                },
            )
            env.cr.commit()
        timings["generate_s"] = time.perf_counter() - started
    # What autovacuum does soon after a bulk load; without statistics PostgreSQL
    # plans the first pages of a fresh chain badly.
    env.cr.execute("ANALYZE aftersales_event")
    env.cr.commit()
    started = time.perf_counter()
    sealed = env["aftersales.event"]._seal_chains(chain, batch_size=20000, commit=True)
    env.cr.commit()
    if sealed:
        timings["seal_s"] = time.perf_counter() - started
        timings["sealed"] = sealed
        print(f"verify {size}: sealed {sealed} events", flush=True)
    return chain, timings


# One measurement in a fresh process: "stream" is the streaming limit of issue #16
# (the floor verification is measured against): one text of about 200 bytes per
# event streamed in keyset pages and SHA-256 hashed in one Python loop; "limit"
# streams the chain's hashed columns and builds and hashes each canonical record
# in one Python loop with no checks, "limit-sql" the same with the record built
# by PostgreSQL; "verify" runs verify_ledger. Each reports wall time, its own CPU
# (with that of the processes it waited for: verification's workers) and that of
# its PostgreSQL backend (same machine), and its peak resident memory.
MEASURE_CHILD = """
import json, os, resource, sys, time
from hashlib import sha256
import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(["-c", os.environ["ODOO_RC"]], setup_logging=False)
mode, dbname, chain_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
registry = Registry(dbname)
from odoo.addons.aftersales_sla.tools import ledger_hash
from odoo.addons.aftersales_sla.tools.ledger_verify_worker import RECORD_SQL_ISO
TICK = os.sysconf("SC_CLK_TCK")

def cpu_of(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except OSError:  # PostgreSQL on another machine
        return float("nan")

PAGE = '''WHERE e.chain_id = %s AND e.sequence > %s
          ORDER BY e.chain_id, e.sequence LIMIT %s'''
JSON = "coalesce(to_json({})::text, 'null')"
SQL_RECORD = "concat(" + ", ".join([
    "'{\\"author\\":'", "coalesce(e.author_id::text, 'null')",
    "',\\"chain\\":'", "coalesce(e.chain_id::text, 'null')",
    "',\\"company\\":'", "coalesce(e.company_id::text, 'null')",
    "',\\"event_type\\":'", JSON.format("e.event_type::text"),
    "',\\"occurred_at\\":'",
    JSON.format("to_char(e.occurred_at, 'YYYY-MM-DD HH24:MI:SS')"),
    "',\\"payload\\":'", JSON.format("e.payload"),
    "',\\"reason\\":'", JSON.format("e.reason::text"),
    "',\\"recorded_at\\":'",
    JSON.format("to_char(e.recorded_at, 'YYYY-MM-DD HH24:MI:SS')"),
    "',\\"res_id\\":'", "coalesce(e.res_id::text, 'null')",
    "',\\"res_model\\":'", JSON.format("e.res_model::text"),
    "',\\"sequence\\":'", "coalesce(e.sequence::text, 'null')", "'}'",
]) + ")"

def stream(cr):
    # The stored link, the stored hash and the payload, concatenated by PostgreSQL
    # (no JSON escaping): about 200 bytes per event.
    last, count, size = 0, 0, 0
    while True:
        cr.execute("SELECT e.sequence, concat(e.previous_hash, e.hash, e.payload) "
                   f"FROM aftersales_event e {PAGE}", [chain_id, last, 20000])
        rows = cr.fetchall()
        if not rows:
            return count, size / max(count, 1)
        for _sequence, text in rows:
            data = text.encode()
            size += len(data)
            sha256(data).hexdigest()
        count += len(rows)
        last = rows[-1][0]

def limit(cr):
    # What verification's loop does (ChainVerifier.feed_rows), without the checks.
    enc = ledger_hash.encode_basestring
    last, count = 0, 0
    while True:
        cr.execute(f"SELECT {RECORD_SQL_ISO}, e.sequence "
                   f"FROM aftersales_event e {PAGE}", [chain_id, last, 20000])
        rows = cr.fetchall()
        if not rows:
            return count
        for au, ch, co, et, oa, pl, re, ra, ri, rm, sq in rows:
            sha256((
                f'{{"author":{au:d},"chain":{ch:d},"company":{co:d},'
                f'"event_type":{enc(et)},"occurred_at":{enc(oa)},"payload":{enc(pl)},'
                f'"reason":{"null" if re is None else enc(re)},'
                f'"recorded_at":{enc(ra)},"res_id":{"null" if ri is None else ri},'
                f'"res_model":{"null" if rm is None else enc(rm)},"sequence":{sq:d}}}'
            ).encode()).hexdigest()
        count += len(rows)
        last = rows[-1][-1]

def limit_sql(cr):
    last, count = 0, 0
    while True:
        cr.execute(f"SELECT e.sequence, {SQL_RECORD} FROM aftersales_event e {PAGE}",
                   [chain_id, last, 20000])
        rows = cr.fetchall()
        if not rows:
            return count
        for _sequence, record in rows:
            sha256(record.encode()).hexdigest()
        count += len(rows)
        last = rows[-1][0]

with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    cr.execute("SELECT pg_backend_pid()")
    backend = cr.fetchone()[0]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = env["aftersales.event.chain"]._verify_parallel_settings()[0]

    def cpu_self_and_children():
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    backend_before, cpu_before = cpu_of(backend), cpu_self_and_children()
    started = time.perf_counter()
    row_bytes = None
    if mode == "verify":
        result = env["aftersales.event"].verify_ledger(chain_id)
        checked, ok = result["checked"], result["ok"]
    elif mode == "stream":
        (checked, row_bytes), ok = stream(cr), None
    else:
        checked, ok = (limit if mode == "limit" else limit_sql)(cr), None
    elapsed = time.perf_counter() - started
    client_cpu, backend_cpu = cpu_self_and_children() - cpu_before, cpu_of(backend)
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"mode": mode, "elapsed_s": elapsed, "checked": checked, "ok": ok,
                  "client_cpu_s": client_cpu,
                  "backend_cpu_s": backend_cpu - backend_before,
                  "rss_before_kib": rss_before, "rss_peak_kib": rss_peak,
                  "workers": workers,
                  "row_bytes": row_bytes}))
"""

MODES = ("stream", "limit", "limit-sql", "verify")


def measure(dbname, chain_id, mode):
    output = subprocess.run(
        [sys.executable, "-c", MEASURE_CHILD, mode, dbname, str(chain_id)],
        check=False,
        capture_output=True,
        text=True,
    )
    if output.returncode:
        raise RuntimeError(f"{mode} failed:\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def run_verify(dbname, sizes, rounds=2):
    """For each size: ``rounds`` rounds of the streaming limits and the
    verification, interleaved (the machine's load then weighs on all alike); each
    keeps its fastest round."""
    env = env_for(dbname)
    results = []
    for size in sizes:
        chain, timings = ensure_chain_of(env, size)
        env.cr.commit()
        runs = {mode: [] for mode in MODES}
        for _round in range(rounds):
            for mode in MODES:
                runs[mode].append(measure(dbname, chain.id, mode))
        best = {
            mode: min(runs[mode], key=lambda run: run["elapsed_s"]) for mode in MODES
        }
        verify = best["verify"]
        floor = best["stream"]["elapsed_s"]
        measured = dict(
            verify,
            **timings,
            size=size,
            rounds=rounds,
            events_per_s=verify["checked"] / verify["elapsed_s"],
            stream=best["stream"],
            limit=best["limit"],
            limit_sql=best["limit-sql"],
            limit_s=floor,
            ratio=verify["elapsed_s"] / floor,
            all_s={mode: [run["elapsed_s"] for run in runs[mode]] for mode in MODES},
            rss_peak_kib=max(run["rss_peak_kib"] for run in runs["verify"]),
            ok=all(run["ok"] for run in runs["verify"]),
        )
        results.append(measured)
        print(
            f"verify {size}: {verify['elapsed_s']:.2f} s (stream limit {floor:.2f} s "
            f"of {best['stream']['row_bytes']:.0f}-byte rows, ratio "
            f"{measured['ratio']:.2f}; limit {best['limit']['elapsed_s']:.2f} s, "
            f"limit-sql {best['limit-sql']['elapsed_s']:.2f} s), "
            f"{verify['workers']} workers, peak RSS "
            f"{measured['rss_peak_kib'] / 1024:.0f} MiB, ok {measured['ok']}",
            flush=True,
        )
    env.cr.close()
    return results


def _cpu(run):
    return f"{run['client_cpu_s']:.2f} + {run['backend_cpu_s']:.2f}"


def verify_section(results):
    lines = [
        "## Ledger: verification",
        "",
        f"Machine: {report.machine()}.",
        "",
        "Events generated by SQL and sealed by the product's sealer. Four "
        "measurements, each in a fresh process, interleaved in rounds on the same "
        "chain in the same run (the fastest round of each is shown):",
        "",
        "- *stream*: the streaming limit of issue #16, the floor verification is "
        "measured against: one text per event, the stored link, the stored hash and "
        "the payload concatenated by PostgreSQL (`concat(previous_hash, hash, "
        "payload)`, no JSON escaping; "
        + ", ".join(f"{r['stream']['row_bytes']:.0f} bytes" for r in results)
        + " on average), read in keyset pages of 20,000 events and SHA-256 hashed "
        "in one Python loop;",
        "- *limit*: the chain's hashed columns in the same pages, each event's "
        "canonical record formatted (as verification's loop does) and hashed in one "
        "Python loop, no checks;",
        "- *limit (SQL record)*: the same with the canonical record built by "
        "PostgreSQL (`to_json` per text column) and only hashed in Python;",
        "- *verify*: `verify_ledger` on the chain (hashes, links, sequence, head, "
        "unhashed columns, personal-data vault, checkpoints, guards); a chain of "
        "200,000 events or more is verified in ranges by worker processes "
        "(`aftersales_sla.ledger_verify_workers`, default the number of CPUs up "
        "to 4: "
        + ", ".join(str(r["workers"]) for r in results)
        + " here) reading the caller's snapshot.",
        "",
        "The ratio is verify over *stream* (the goal: at most 1.5). CPU is the "
        "process's own with its workers', plus its own PostgreSQL backend's "
        "(seconds; the workers' backends are not counted). Peak RSS is the "
        "verifying process's maximum resident memory, Odoo's registry included "
        "(each worker is a small process of its own: psycopg2 and two pages).",
        "",
        "| events | stream (s) | verify (s) | ratio | limit (s) | "
        "limit, SQL record (s) | events/s | CPU stream | CPU verify | "
        "peak RSS (MiB) | intact | sealing (events/s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|",
    ]
    for r in results:
        seal = (
            f"{r['sealed'] / r['seal_s']:,.0f}"
            if r.get("sealed", 0) > 1000
            else "(earlier)"
        )
        lines.append(
            f"| {r['size']:,} | {r['stream']['elapsed_s']:.2f} | "
            f"{r['elapsed_s']:.2f} | {r['ratio']:.2f} | "
            f"{r['limit']['elapsed_s']:.2f} | {r['limit_sql']['elapsed_s']:.2f} | "
            f"{r['events_per_s']:,.0f} | {_cpu(r['stream'])} | {_cpu(r)} | "
            f"{r['rss_peak_kib'] / 1024:.0f} | "
            f"{'yes' if r['ok'] else 'NO'} | {seal} |"
        )
    lines += ["", "Every round (s):", ""]
    for r in results:
        rounds = "; ".join(
            f"{mode} {', '.join(f'{value:.2f}' for value in values)}"
            for mode, values in r["all_s"].items()
        )
        lines.append(f"- {r['size']:,} events: {rounds}.")
    if len(results) > 1:
        small, large = results[0], results[-1]
        lines += [
            "",
            f"Memory: peak RSS {small['rss_peak_kib'] / 1024:.0f} MiB at "
            f"{small['size']:,} events and {large['rss_peak_kib'] / 1024:.0f} MiB at "
            f"{large['size']:,}: the verifying process and each worker hold "
            f"two pages of 20,000 events (the one being hashed, the next one being "
            f"read) and the previous hash, so memory does not grow with the ledger.",
        ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--transactions", type=int, default=200)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--output", required=True)
    parser.add_argument("--only", choices=["append", "verify"])
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", os.environ["ODOO_RC"]], setup_logging=False)
    sections = {}
    if args.only in (None, "append"):
        sections["ledger-append"] = report.append_section(
            run_append(args.db, args.transactions, args.batch),
            args.transactions,
            args.batch,
        )
    if args.only in (None, "verify"):
        sizes = [int(size) for size in args.sizes.split(",")]
        sections["ledger-verify"] = verify_section(
            run_verify(args.db, sizes, args.rounds)
        )
    report.write(args.output, sections)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    main()
