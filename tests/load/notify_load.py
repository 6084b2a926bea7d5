"""Load test: no ledger event and no e-mail lost under concurrent clients.

Starts Odoo in multi-process mode (``--workers``) on a scratch database on loopback,
drives concurrent clients over JSON-RPC that report and resolve tickets of ONE
shared customer (the case that lost e-mails: every request posts on the same
customer), waits for the notification queue to drain, then counts:

- ledger events expected (``ticket.reported`` + ``ticket.resolved`` per ticket)
  against those present;
- e-mails expected (one "received" and one "resolved" notification per ticket)
  against notifications sent and ``mail.mail``/``mail.message`` rows queued.

Not part of the test command (it takes minutes and a free port). Run it from the
project directory, e.g.::

    VENV=/work/main/.venv .venv/bin/python tests/load/notify_load.py \\
        --template aftersales_test --clients 8 --tickets 75

``--template`` copies an existing database with both addons installed (fast);
without it the scratch database is created with ``-i aftersales_sla`` first. The
scratch database is dropped at the end unless ``--keep``. Prints the result as
JSON and exits non-zero if anything was lost.
"""

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def rpc(url, service, method, *args):
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
            "id": random.randint(1, 10**9),
        }
    ).encode()
    request = urllib.request.Request(
        f"{url}/jsonrpc", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        reply = json.loads(response.read())
    if reply.get("error"):
        raise RuntimeError(json.dumps(reply["error"])[:2000])
    return reply["result"]


class Client:
    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url, db, password
        self.uid = rpc(url, "common", "login", db, login, password)

    def call(self, model, method, *args, **kwargs):
        return rpc(
            self.url,
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(args, sql):
    env = dict(os.environ, PGPASSWORD=args.db_password)
    subprocess.run(
        [
            "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            args.db_host,
            "-U",
            args.db_user,
            "-d",
            "postgres",
            "-c",
            sql,
        ],
        check=True,
        env=env,
    )


def main():
    # Stopped (SIGTERM): still stop the server and drop the scratch database.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="aftersales_load")
    parser.add_argument("--template", help="database to copy (addons installed)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--tickets", type=int, default=75, help="per client")
    parser.add_argument("--drain-timeout", type=int, default=600)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--db-host", default="localhost")
    parser.add_argument("--db-user", default="odoo")
    parser.add_argument("--db-password", default="odoo")
    args = parser.parse_args()
    venv = Path(os.environ.get("VENV", PROJECT / ".venv"))
    odoo_src = Path(os.environ.get("ODOO_SRC", "/opt/odoo18"))
    addons = f"{odoo_src}/addons,{odoo_src}/odoo/addons,{PROJECT}/addons"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="aftersales-load-"))
    conf = workdir / "odoo.conf"
    conf.write_text(
        "[options]\n"
        f"addons_path = {addons}\n"
        f"db_host = {args.db_host}\ndb_user = {args.db_user}\n"
        f"db_password = {args.db_password}\n"
        f"data_dir = {workdir}/data\nadmin_passwd = admin\n"
        f"dbfilter = ^{args.db}$\nlist_db = False\n"
    )
    psql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    odoo = [str(venv / "bin/python"), str(odoo_src / "odoo-bin"), "-c", str(conf)]
    if args.template:
        psql(args, f'CREATE DATABASE "{args.db}" TEMPLATE "{args.template}"')
    else:
        subprocess.run(
            odoo + ["-d", args.db, "-i", "aftersales_sla", "--stop-after-init"],
            check=True,
        )
    log = open(workdir / "odoo.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        odoo
        + [
            "-d",
            args.db,
            f"--workers={args.workers}",
            "--max-cron-threads=1",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--limit-time-real=600",
            "--limit-time-cpu=600",
            "--limit-memory-soft=4294967296",
            "--limit-memory-hard=5368709120",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _wait in range(120):
            try:
                rpc(url, "common", "version")
                break
            except OSError:
                time.sleep(1)
        admin = Client(url, args.db, "admin", "admin")
        customer = admin.call(
            "res.partner",
            "create",
            {
                "name": "Load test estate",
                "is_company": True,
                "email": "load@estate.example.com",
            },
        )
        tickets, failures = [], []
        lock = threading.Lock()

        def client_run(index):
            client = Client(url, args.db, "admin", "admin")
            for number in range(args.tickets):
                try:
                    ticket = client.call(
                        "aftersales.ticket",
                        "create",
                        {"name": f"Load {index}-{number}", "partner_id": customer},
                    )
                    client.call(
                        "aftersales.ticket",
                        "action_resolve",
                        [ticket],
                        reason="load test",
                    )
                    with lock:
                        tickets.append(ticket)
                except RuntimeError as error:
                    with lock:
                        failures.append(str(error)[:300])

        started = time.monotonic()
        threads = [
            threading.Thread(target=client_run, args=(index,))
            for index in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        load_seconds = time.monotonic() - started
        # Drain: post-commit delivery and the scheduled action's retries.
        pending = None
        drain_started = time.monotonic()
        while time.monotonic() - drain_started < args.drain_timeout:
            pending = admin.call(
                "aftersales.event.notification",
                "search_count",
                [("state", "=", "pending"), ("res_id", "in", tickets)],
            )
            if not pending:
                break
            time.sleep(2)
        drain_seconds = time.monotonic() - drain_started
        domain = [("res_model", "=", "aftersales.ticket"), ("res_id", "in", tickets)]
        events = admin.call(
            "aftersales.event",
            "search_count",
            domain + [("event_type", "in", ["ticket.reported", "ticket.resolved"])],
        )
        notifications = admin.call(
            "aftersales.event.notification",
            "read_group",
            domain,
            ["attempts:sum"],
            ["state"],
            lazy=False,
        )
        by_state = {group["state"]: group["__count"] for group in notifications}
        retried = admin.call(
            "aftersales.event.notification",
            "search_count",
            domain + [("attempts", ">", 1)],
        )
        mail_domain = [("model", "=", "aftersales.ticket"), ("res_id", "in", tickets)]
        messages = admin.call(
            "mail.message",
            "search_count",
            mail_domain
            + ["|", ("subject", "ilike", "received"), ("subject", "ilike", "resolved")],
        )
        mails = admin.call(
            "mail.mail",
            "search_count",
            mail_domain
            + ["|", ("subject", "ilike", "received"), ("subject", "ilike", "resolved")],
        )
        expected = 2 * len(tickets)
        result = {
            "workers": args.workers,
            "clients": args.clients,
            "tickets": len(tickets),
            "failed_requests": len(failures),
            "failures_sample": failures[:3],
            "load_seconds": round(load_seconds, 1),
            "drain_seconds": round(drain_seconds, 1),
            "events_expected": expected,
            "events_present": events,
            "events_lost": expected - events,
            "emails_expected": expected,
            "notifications": by_state,
            "notifications_retried": retried,
            "messages_posted": messages,
            "mails_queued_or_sent": mails,
            "emails_lost": expected - by_state.get("sent", 0),
        }
        print(json.dumps(result, indent=2))
        lost = result["events_lost"] or result["emails_lost"] or failures
        lost = lost or messages != expected or mails != expected
        return 1 if lost else 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if not args.keep:
            time.sleep(1)
            psql(args, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        print(f"server log: {workdir / 'odoo.log'}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
