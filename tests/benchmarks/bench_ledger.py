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
         reports its wall time and peak resident memory.
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
       ts - interval '30 days' + g * interval '1 second', ts, 1, 'res.partner',
       1 + g %% 1000,
       CASE WHEN g %% 10 = 0 THEN '电话报修, 补录' END,
       '{"n":' || g || ',"priority":"' || (g %% 3)
           || '","note":"客户报修: 门锁无法开启"}',
       1, ts, 1, ts
  FROM generate_series(%(start)s, %(stop)s) AS g,
       -- Recorded now (the insert guard refuses any other recording time); the
       -- business times spread over the last month.
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


VERIFY_CHILD = """
import json, os, resource, sys, time
import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(["-c", os.environ["ODOO_RC"]], setup_logging=False)
registry = Registry(sys.argv[1])
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = env["aftersales.event"].verify_ledger(int(sys.argv[2]))
    elapsed = time.perf_counter() - started
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"elapsed_s": elapsed, "checked": result["checked"],
                  "ok": result["ok"], "rss_before_kib": rss_before,
                  "rss_peak_kib": rss_peak}))
"""


def run_verify(dbname, sizes):
    env = env_for(dbname)
    results = []
    for size in sizes:
        chain, timings = ensure_chain_of(env, size)
        output = subprocess.run(
            [sys.executable, "-c", VERIFY_CHILD, dbname, str(chain.id)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        measured = json.loads(output.strip().splitlines()[-1])
        measured.update(
            timings, size=size, events_per_s=measured["checked"] / measured["elapsed_s"]
        )
        results.append(measured)
        print(
            f"verify {size}: {measured['elapsed_s']:.2f} s, "
            f"{measured['events_per_s']:.0f} events/s, peak RSS "
            f"{measured['rss_peak_kib'] / 1024:.0f} MiB",
            flush=True,
        )
    env.cr.close()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--transactions", type=int, default=200)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--sizes", default="100000,1000000")
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
        sections["ledger-verify"] = report.verify_section(run_verify(args.db, sizes))
    report.write(args.output, sections)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    main()
