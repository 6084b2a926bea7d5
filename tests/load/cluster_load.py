"""The checks of the two-server set-up (scripts/cluster-test.sh runs them).

Talks to the two Odoo servers as the web client does (a session from
``/web/session/authenticate``, then ``/web/dataset/call_kw`` and
``/web/dataset/call_button``: the routes on which Odoo 18 sends ``@api.readonly``
methods to the replica), to PostgreSQL (the primary for the SQL checks, the
replica for its statistics), and prepares its load through the ORM in this
process (``--odoo-conf``): a customer with a 24x7 contract (4 h response, a fixed
penalty per breach) and, for the cron checks, tickets whose response clocks are
past their deadline (tests/benchmarks/bench_watch.py's generator).

Sub-commands (each exits non-zero when its check fails, and prints JSON):

- ``replica``: verification and the penalty pivot over JSON-RPC on server 2 read
  the replica (its ``pg_stat_database`` counts the rows the verification read);
- ``throughput``: ticket intake and milestones (create, acknowledge, resolve) by
  N clients for S seconds against one server, then against both;
- ``crons``: every aftersales scheduled action triggered on both servers at once,
  many rounds, while their cron workers run them too and users acknowledge some
  of the late tickets; then nothing booked twice;
- ``kill``: SIGKILL the server whose cron worker runs the SLA watch over many due
  clocks, mid-run; the other one finishes; every breach booked exactly once;
- ``final``: the double-booking checks over the whole database and the
  verification (on the replica).
"""

import argparse
import json
import os
import random
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

import psycopg2
import requests

PROJECT = Path(__file__).resolve().parents[2]
CUSTOMER = "Cluster test customer"
ADDONS = (
    "aftersales_sla",
    "aftersales_survey",
    "aftersales_repair",
    "aftersales_field",
    "aftersales_complaint",
)
LOCKED = ("currently being executed", "cannot be modified right now")
_CONFIGURED = []


class RpcError(RuntimeError):
    pass


class WebClient:
    """A web client session on one server."""

    def __init__(self, url, db, login="admin", password="admin"):
        self.url = url
        self.session = requests.Session()
        reply = self.session.post(
            f"{url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": db, "login": login, "password": password},
            },
            timeout=120,
        ).json()
        if reply.get("error"):
            raise RpcError(json.dumps(reply["error"])[:1000])
        self.uid = reply["result"]["uid"]

    def _post(self, route, model, method, args, kwargs):
        reply = self.session.post(
            f"{self.url}{route}/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": random.randint(1, 10**9),
                "params": {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": kwargs or {},
                },
            },
            timeout=900,
        ).json()
        if reply.get("error"):
            error = reply["error"]
            message = error.get("data", {}).get("message") or error.get("message")
            raise RpcError(str(message)[:1000])
        return reply["result"]

    def call(self, model, method, *args, **kwargs):
        return self._post("/web/dataset/call_kw", model, method, args, kwargs)

    def button(self, model, method, ids):
        return self._post("/web/dataset/call_button", model, method, [ids], {})


# ----------------------------------------------------------------------------
# Database helpers
# ----------------------------------------------------------------------------


def connect(args, port):
    connection = psycopg2.connect(
        host="localhost",
        port=port,
        dbname=args.db,
        user=os.environ.get("PGUSER_ODOO", "odoo"),
        password=os.environ.get("PGPASSWORD_ODOO", "odoo"),
    )
    connection.autocommit = True
    return connection


def query(connection, sql, params=None):
    with connection.cursor() as cr:
        cr.execute(sql, params or [])
        return cr.fetchall() if cr.description else None


def replica_stats(args):
    with connect(args, args.replica_port) as connection:
        return dict(
            zip(
                ("tup_returned", "tup_fetched", "xacts"),
                query(
                    connection,
                    """SELECT tup_returned, tup_fetched, xact_commit + xact_rollback
                         FROM pg_stat_database WHERE datname = %s""",
                    [args.db],
                )[0],
                strict=True,
            )
        )


def odoo_env(args):
    """An ORM environment in this process (superuser), for preparing load."""
    import odoo  # noqa: PLC0415 (Odoo is imported only where the ORM is used)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    if not _CONFIGURED:  # Odoo's configuration is parsed once a process
        odoo.tools.config.parse_config(["-c", args.odoo_conf], setup_logging=False)
        _CONFIGURED.append(True)
    registry = Registry(args.db)
    return api.Environment(registry.cursor(), SUPERUSER_ID, {})


def ensure_customer(args):
    """The customer under contract (24x7, 4 h response, 100 per breach); the
    administrator made an After-Sales manager (verification, buttons)."""
    env = odoo_env(args)
    try:
        admin = env.ref("base.user_admin")
        manager = env.ref("aftersales_sla.group_aftersales_manager")
        if manager not in admin.groups_id:
            admin.write({"groups_id": [(4, manager.id)]})
        customer = env["res.partner"].search([("name", "=", CUSTOMER)], limit=1)
        if not customer:
            customer = env["res.partner"].create({"name": CUSTOMER, "is_company": True})
            policy = env["aftersales.sla.policy"].create(
                {
                    "name": "Cluster test 4 h 24x7",
                    "target_ids": [
                        (
                            0,
                            0,
                            {"metric": "response", "priority": "1", "target_hours": 4},
                        ),
                    ],
                }
            )
            contract = env["aftersales.contract"].create(
                {
                    "partner_id": customer.id,
                    "title": "Cluster test",
                    "date_start": "2020-01-01",
                    "date_end": "2099-12-31",
                    "amount_value": 100_000_000,
                    "penalty_cap_percent": 0,
                    "calendar_id": env.company.resource_calendar_id.id,
                    "sla_policy_id": policy.id,
                    "penalty_rule_ids": [
                        (
                            0,
                            0,
                            {"name": "Per breach", "rule_type": "fixed", "amount": 100},
                        )
                    ],
                }
            )
            contract.action_activate()
        env.cr.commit()
        return customer.id
    finally:
        env.cr.close()


def generate_due(args, count, label):
    """``count`` tickets of the customer whose response clocks are past their
    deadline (reported 5 h ago, 4 h target), with their ``ticket.reported``
    events, sealed."""
    sys.path.insert(0, str(PROJECT / "tests" / "benchmarks"))
    import bench_watch  # noqa: PLC0415

    ensure_customer(args)
    env = odoo_env(args)
    try:
        customer = env["res.partner"].search([("name", "=", CUSTOMER)], limit=1)
        contract = env["aftersales.contract"].search([("partner_id", "=", customer.id)])
        target = contract.sla_policy_id.target_ids
        bench_watch.generate(env, customer, contract, target, count, count, label)
    finally:
        env.cr.close()


# ----------------------------------------------------------------------------
# The double-booking checks
# ----------------------------------------------------------------------------


def double_booking(args, label=None):
    """Everything booked twice, by kind (empty lists when all is well); with
    ``label``, also the state of that run's clocks."""
    with connect(args, args.primary_port) as connection:
        found = {
            # One breach per clock, and per (ticket, metric).
            "breach_events_per_clock": query(
                connection,
                """SELECT payload::jsonb->>'line', count(*) FROM aftersales_event
                    WHERE event_type = 'sla.breached'
                 GROUP BY 1 HAVING count(*) > 1 LIMIT 20""",
            ),
            "breach_events_per_ticket_metric": query(
                connection,
                """SELECT res_id, payload::jsonb->>'metric', count(*)
                     FROM aftersales_event
                    WHERE event_type = 'sla.breached'
                      AND res_model = 'aftersales.ticket'
                 GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 20""",
            ),
            "warning_events_per_clock": query(
                connection,
                """SELECT payload::jsonb->>'line', count(*) FROM aftersales_event
                    WHERE event_type = 'sla.warning'
                 GROUP BY 1 HAVING count(*) > 1 LIMIT 20""",
            ),
            # One penalty per breach and clause.
            "penalties_per_breach": query(
                connection,
                """SELECT event_id, rule_id, count(*) FROM aftersales_penalty
                    WHERE parent_id IS NULL
                 GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 20""",
            ),
            "penalties_per_clock": query(
                connection,
                """SELECT sla_line_id, rule_id, count(*) FROM aftersales_penalty
                    WHERE parent_id IS NULL
                 GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 20""",
            ),
            # The same event twice: same subject, type and payload.
            "duplicate_events": query(
                connection,
                """SELECT res_model, res_id, event_type, count(*)
                     FROM aftersales_event
                    WHERE res_model IS NOT NULL
                 GROUP BY res_model, res_id, event_type, payload
                   HAVING count(*) > 1 LIMIT 20""",
            ),
            # A sequence number twice in a chain, or a gap (sealed events; the
            # others wait for the sealer).
            "chain_sequences": query(
                connection,
                """SELECT chain_id, count(sequence), count(DISTINCT sequence),
                          max(sequence)
                     FROM aftersales_event GROUP BY chain_id
                   HAVING count(sequence) <> count(DISTINCT sequence)
                       OR count(sequence) <> coalesce(max(sequence), 0)""",
            ),
        }
        state = None
        if label:
            (row,) = query(
                connection,
                """SELECT count(*),
                          count(*) FILTER (WHERE l.state = 'running'
                                           AND l.deadline <= now() AT TIME ZONE 'UTC'),
                          count(*) FILTER (WHERE l.breach_event_id IS NOT NULL),
                          (SELECT count(*) FROM aftersales_event e
                             JOIN aftersales_ticket t2 ON t2.id = e.res_id
                            WHERE e.res_model = 'aftersales.ticket'
                              AND e.event_type = 'sla.breached'
                              AND t2.number LIKE %(label)s),
                          (SELECT count(*) FROM aftersales_penalty p
                             JOIN aftersales_ticket t3 ON t3.id = p.ticket_id
                            WHERE p.parent_id IS NULL AND t3.number LIKE %(label)s)
                     FROM aftersales_ticket_sla l
                     JOIN aftersales_ticket t ON t.id = l.ticket_id
                    WHERE t.number LIKE %(label)s""",
                {"label": f"{label}%"},
            )
            state = dict(
                zip(
                    ("clocks", "still_due", "booked", "breach_events", "penalties"),
                    row,
                    strict=True,
                )
            )
    problems = {kind: rows for kind, rows in found.items() if rows}
    if state and not (
        state["still_due"] == 0
        and state["booked"] == state["clocks"]
        and state["breach_events"] == state["clocks"]
        and state["penalties"] == state["clocks"]
    ):
        problems["this_run"] = state
    return problems, state


def still_due(args, label):
    with connect(args, args.primary_port) as connection:
        return query(
            connection,
            """SELECT count(*) FROM aftersales_ticket_sla l
                 JOIN aftersales_ticket t ON t.id = l.ticket_id
                WHERE t.number LIKE %s AND l.state = 'running'
                  AND l.deadline <= now() AT TIME ZONE 'UTC'""",
            [f"{label}%"],
        )[0][0]


def aftersales_crons(args):
    with connect(args, args.primary_port) as connection:
        return query(
            connection,
            """SELECT c.id, c.cron_name, c.active FROM ir_cron c
                 JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
                WHERE d.module = ANY(%s) ORDER BY c.id""",
            [list(ADDONS)],
        )


def wake_crons(args, cron_ids):
    """Trigger the crons now (as ``ir.cron._trigger`` does: a trigger row, which a
    job running at the moment keeps for its next run) and wake the cron workers
    of both servers."""
    with connect(args, args.primary_port) as connection:
        query(
            connection,
            """INSERT INTO ir_cron_trigger
                   (cron_id, call_at, create_uid, create_date, write_uid, write_date)
               SELECT id, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC', 1,
                      now() AT TIME ZONE 'UTC'
                 FROM ir_cron WHERE id = ANY(%s) AND active""",
            [list(cron_ids)],
        )
        query(connection, "SELECT pg_notify('cron_trigger', %s)", [args.db])


def wait_booked(args, label, cron_ids, stalled=300):
    """Wait until no clock of ``label`` is due any more, waking the cron workers
    now and then; give up when no clock at all (the watch books the oldest
    deadlines first, earlier runs' included) was booked for ``stalled`` seconds
    (a batch takes a minute or more on a loaded machine)."""
    left, left_all = still_due(args, label), still_due(args, "")
    progress_at = time.monotonic()
    while left and time.monotonic() - progress_at < stalled:
        wake_crons(args, cron_ids)
        time.sleep(5)
        now_left, now_all = still_due(args, label), still_due(args, "")
        if now_left < left or now_all < left_all:
            progress_at = time.monotonic()
        left, left_all = now_left, now_all
    return left


def verify_on(url, args):
    client = WebClient(url, args.db)
    result = client.call("aftersales.event", "verify_ledger")
    return {
        "ok": result["ok"],
        "checked": result["checked"],
        "unsealed": result["unsealed"],
        "break_count": result["break_count"],
        "guards": result["guards"],
    }


# ----------------------------------------------------------------------------
# Sub-commands
# ----------------------------------------------------------------------------


def cmd_replica(args):
    ensure_customer(args)
    before = replica_stats(args)
    client = WebClient(args.url2, args.db)
    verified = client.call("aftersales.event", "verify_ledger")
    pivot = client.call(
        "aftersales.penalty",
        "read_group",
        [],
        ["amount:sum"],
        ["contract_id"],
        lazy=False,
    )
    # The replica's statistics are flushed by its backends within seconds.
    after = before
    for _attempt in range(40):
        after = replica_stats(args)
        if after["tup_returned"] - before["tup_returned"] >= verified["checked"]:
            break
        time.sleep(0.5)
    with connect(args, args.replica_port) as connection:
        in_recovery = query(connection, "SELECT pg_is_in_recovery()")[0][0]
        odoo_backends = query(
            connection,
            """SELECT count(*) FROM pg_stat_activity
                WHERE datname = %s AND usename = current_user""",
            [args.db],
        )[0][0]
    result = {
        "verification_ok": verified["ok"],
        "events_checked": verified["checked"],
        "pivot_groups": len(pivot),
        "replica_in_recovery": in_recovery,
        "replica_rows_read": after["tup_returned"] - before["tup_returned"],
        "replica_transactions": after["xacts"] - before["xacts"],
        "odoo_connections_on_replica": odoo_backends,
    }
    print(json.dumps({"replica": result}, indent=2))
    ok = (
        verified["ok"]
        and in_recovery
        and odoo_backends > 0
        and result["replica_rows_read"] >= verified["checked"] > 0
    )
    return 0 if ok else 1


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def cycle(client, customer, name):
    """A ticket's intake and milestones, as the web client sends them."""
    ticket = client.call(
        "aftersales.ticket",
        "create",
        {"name": name, "partner_id": customer, "priority": "1"},
    )
    client.button("aftersales.ticket", "action_acknowledge", [ticket])
    client.button("aftersales.ticket", "action_resolve", [ticket])


def load_run(args, urls, customer):
    """N clients, each on one server (round robin), for S seconds: create a
    ticket, acknowledge it, resolve it. Returns the measures."""
    lock = threading.Lock()
    latencies = {"create": [], "acknowledge": [], "resolve": []}
    errors = []
    done = [0]
    # Sessions first, and every worker of every server warmed up (its registry
    # loaded) by one untimed cycle: the clock starts when all clients are ready.
    clients = [
        WebClient(urls[index % len(urls)], args.db) for index in range(args.clients)
    ]
    warm = [
        threading.Thread(target=cycle, args=(client, customer, f"warm-up {index}"))
        for index, client in enumerate(clients)
    ]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    deadline = time.monotonic() + args.seconds

    def client_run(index):
        client = clients[index]
        number = 0
        while time.monotonic() < deadline:
            number += 1
            try:
                started = time.perf_counter()
                ticket = client.call(
                    "aftersales.ticket",
                    "create",
                    {
                        "name": f"Cluster load {index}-{number}",
                        "partner_id": customer,
                        "priority": "1",
                    },
                )
                created = time.perf_counter()
                client.button("aftersales.ticket", "action_acknowledge", [ticket])
                acknowledged = time.perf_counter()
                client.button("aftersales.ticket", "action_resolve", [ticket])
                resolved = time.perf_counter()
            except (RpcError, requests.RequestException) as error:
                with lock:
                    errors.append(str(error)[:300])
                continue
            with lock:
                latencies["create"].append(created - started)
                latencies["acknowledge"].append(acknowledged - created)
                latencies["resolve"].append(resolved - acknowledged)
                done[0] += 1

    started = time.monotonic()
    threads = [
        threading.Thread(target=client_run, args=(index,))
        for index in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    result = {
        "servers": len(urls),
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "tickets": done[0],
        "tickets_per_s": round(done[0] / elapsed, 2),
        "requests_per_s": round(3 * done[0] / elapsed, 2),
        "errors": len(errors),
        "errors_sample": errors[:3],
        # The machine's load at the end: the servers share its cores with
        # PostgreSQL, the clients and whatever else runs.
        "load_average_1m": round(os.getloadavg()[0], 1),
    }
    for name, values in latencies.items():
        result[f"{name}_p50_ms"] = (
            round(1000 * statistics.median(values)) if values else None
        )
        result[f"{name}_p95_ms"] = (
            round(1000 * percentile(values, 0.95)) if values else None
        )
    return result


def cmd_throughput(args):
    customer = ensure_customer(args)
    results = [
        load_run(args, [args.url1], customer),
        load_run(args, [args.url1, args.url2], customer),
    ]
    print(json.dumps({"throughput": results}, indent=2))
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r["tickets"] and not r["errors"] for r in results) else 1


def cmd_crons(args):
    label = f"CLC{int(time.time())}-"
    generate_due(args, args.due, label)
    crons = aftersales_crons(args)
    cron_ids = [cron_id for cron_id, _name, _active in crons]
    clients = [WebClient(url, args.db) for url in (args.url1, args.url2)]
    outcome = {"ran": 0, "locked": 0, "errors": []}
    lock = threading.Lock()

    def trigger(client, cron_id):
        try:
            client.button("ir.cron", "method_direct_trigger", [cron_id])
            kind = "ran"
        except RpcError as error:
            if not any(text in str(error) for text in LOCKED):
                with lock:
                    outcome["errors"].append(str(error)[:300])
                return
            kind = "locked"
        with lock:
            outcome[kind] += 1

    # Users acknowledge some of the late tickets (on both servers) while the crons
    # book their breaches: the milestone reveals the breach too.
    with connect(args, args.primary_port) as connection:
        late = [
            row[0]
            for row in query(
                connection,
                "SELECT id FROM aftersales_ticket WHERE number LIKE %s ORDER BY id",
                [f"{label}%"],
            )
        ][: max(1, args.due // 10)]

    def users():
        for index, ticket in enumerate(late):
            try:
                clients[index % 2].button(
                    "aftersales.ticket", "action_acknowledge", [ticket]
                )
            except RpcError as error:
                with lock:
                    outcome["errors"].append(f"acknowledge: {error}"[:300])

    started = time.monotonic()
    user_thread = threading.Thread(target=users)
    user_thread.start()
    for _round in range(args.rounds):
        wake_crons(args, cron_ids)
        threads = [
            threading.Thread(target=trigger, args=(client, cron_id))
            for client in clients
            for cron_id in cron_ids
        ]
        random.shuffle(threads)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    user_thread.join()
    # Until the last due clock is booked (by whichever server's cron worker).
    wait_booked(args, label, cron_ids)
    problems, state = double_booking(args, label)
    verified = verify_on(args.url2, args)
    result = {
        "crons": [name for _id, name, _active in crons],
        "rounds": args.rounds,
        "direct_triggers_ran": outcome["ran"],
        "direct_triggers_refused_busy": outcome["locked"],
        "errors": outcome["errors"][:5],
        "acknowledged_while_late": len(late),
        "seconds": round(time.monotonic() - started, 1),
        "this_run": state,
        "double_booked": problems,
        "verification": verified,
    }
    print(json.dumps({"crons": result}, indent=2, default=str))
    return 0 if not problems and not outcome["errors"] and verified["ok"] else 1


def server_of(pid, pidfiles):
    """The server (1 or 2) whose process group holds ``pid``."""
    try:
        group = os.getpgid(pid)
    except ProcessLookupError:
        return None
    for number, pidfile in pidfiles.items():
        if int(Path(pidfile).read_text().strip()) == group:
            return number
    return None


def cmd_kill(args):
    label = f"CLK{int(time.time())}-"
    generate_due(args, args.due, label)
    with connect(args, args.primary_port) as connection:
        watch = [
            row[0]
            for row in query(
                connection,
                """SELECT c.id FROM ir_cron c JOIN ir_act_server a
                       ON a.id = c.ir_actions_server_id
                    WHERE a.code LIKE '%%_cron_sla_watch%%'""",
            )
        ]
    logs = {1: Path(args.log1), 2: Path(args.log2)}
    offsets = {n: path.stat().st_size for n, path in logs.items()}
    pidfiles = {1: args.pidfile1, 2: args.pidfile2}
    marker = f" ({watch[0]}) starting"
    wake_crons(args, watch)
    runner = runner_pid = None
    started = time.monotonic()
    while runner is None and time.monotonic() - started < 300:
        for number, path in logs.items():
            with path.open(encoding="utf-8", errors="replace") as handle:
                handle.seek(offsets[number])
                for line in handle:
                    if marker in line:
                        runner_pid = int(line.split()[2])
                        runner = server_of(runner_pid, pidfiles)
        if runner is None:
            time.sleep(0.2)
    if runner is None:
        print(json.dumps({"kill": {"error": "no cron worker started the SLA watch"}}))
        return 1
    total = args.due
    booked = 0
    while time.monotonic() - started < 600:
        booked = total - still_due(args, label)
        if booked >= 1:
            break
        time.sleep(0.1)
    server_pid = int(Path(pidfiles[runner]).read_text().strip())
    os.killpg(server_pid, signal.SIGKILL)
    killed_at = booked
    # The survivor's cron worker takes the job over (woken now and then).
    survivor = 2 if runner == 1 else 1
    wait_booked(args, label, watch)
    problems, state = double_booking(args, label)
    verified = verify_on(args.url2 if survivor == 2 else args.url1, args)
    result = {
        "due_clocks": total,
        "killed_server": runner,
        "killed_cron_worker_pid": runner_pid,
        "booked_when_killed": killed_at,
        "mid_batch": 0 < killed_at < total,
        "finished_by_server": survivor,
        "seconds": round(time.monotonic() - started, 1),
        "this_run": state,
        "double_booked": problems,
        "verification": verified,
    }
    print(json.dumps({"kill": result}, indent=2, default=str))
    ok = not problems and verified["ok"] and result["mid_batch"]
    return 0 if ok else 1


def cmd_final(args):
    problems, _state = double_booking(args)
    before = replica_stats(args)
    verified = verify_on(args.url2, args)
    after = before
    for _attempt in range(40):
        after = replica_stats(args)
        if after["tup_returned"] - before["tup_returned"] >= verified["checked"]:
            break
        time.sleep(0.5)
    result = {
        "double_booked": problems,
        "verification": verified,
        "replica_rows_read": after["tup_returned"] - before["tup_returned"],
    }
    print(json.dumps({"final": result}, indent=2, default=str))
    ok = (
        not problems
        and verified["ok"]
        and result["replica_rows_read"] >= verified["checked"]
    )
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command", choices=("replica", "throughput", "crons", "kill", "final")
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--url1", required=True)
    parser.add_argument("--url2", required=True)
    parser.add_argument("--primary-port", type=int, default=5432)
    parser.add_argument("--replica-port", type=int, default=5433)
    parser.add_argument("--state", required=True, help=".state/cluster")
    parser.add_argument("--odoo-conf", help="default: STATE/install.conf")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--output")
    parser.add_argument("--due", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--pidfile1")
    parser.add_argument("--pidfile2")
    parser.add_argument("--log1")
    parser.add_argument("--log2")
    args = parser.parse_args()
    args.odoo_conf = args.odoo_conf or str(Path(args.state) / "install.conf")
    return globals()[f"cmd_{args.command}"](args)


if __name__ == "__main__":
    sys.exit(main())
