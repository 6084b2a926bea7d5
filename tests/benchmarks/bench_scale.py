"""Interactive speed at size: the screens people use, over the real HTTP interface.

Run through ``scripts/bench.sh --only scale --scale-tickets 100000,1000000`` after
``scale_generate.py`` built one database per size; results go to docs/benchmarks.md
between the ``scale`` markers.

For each database an Odoo server is started as in production (``--workers 2``, no
cron, its own ports) and driven like the Odoo 18 web client drives it: log in as the
service manager (``/web/session/authenticate``), read the views once
(``get_views``, cached by the browser), then JSON-RPC with the specification the
client derives from each view:

- ticket kanban (the action's default filter "Open", grouped by stage:
  ``web_read_group`` then ``web_search_read`` of 40 cards per unfolded column, in
  parallel as the browser does) and ticket list (``web_search_read``, 80 rows,
  count limit 10,001), with the default filter and with each SLA filter of the
  search view added (breached, at risk, paused);
- a ticket form and the contract form (``web_read`` with the form's specification,
  then the chatter's ``/mail/thread/data`` and ``/mail/thread/messages``);
- the penalties pivot (its four ``read_group`` calls, rows by contract, columns by
  month, in parallel);
- the portal ticket list of the large customer, as its portal user
  (``GET /my/aftersales/tickets``);
- PDFs: the large customer's contract with annexes, its SLA statement of last month,
  and its evaluation of last quarter (``action_compute`` through
  ``/web/dataset/call_button`` and the form reload, then its PDF).

Each screen is warmed up, then measured ``--rounds`` times (the ticket form cycles
through a sample of tickets); the median and 95th percentile of its wall time are
reported per size, with the ratio of the largest size to the smallest.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import requests
from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import report  # noqa: E402
from scale_generate import MANAGER_LOGIN, PASSWORD, PORTAL_LOGIN  # noqa: E402

ODOO_SRC = os.environ.get("ODOO_SRC", "/opt/odoo18")

#: odoo-bin, except that the prefork server's long-polling process (gevent, which
#: the project does not install: the benchmark has no bus) is a placeholder process
#: rather than a crashing one respawned every second.
LAUNCHER = """
import subprocess, sys
sys.path.insert(0, sys.argv.pop(1))
import odoo
from odoo.service import server
def long_polling_spawn(self):
    self.long_polling_pid = subprocess.Popen(["sleep", "86400"]).pid
server.PreforkServer.long_polling_spawn = long_polling_spawn
odoo.cli.main()
"""

#: Goals of issue #16: p95 of a screen, p95 of a PDF, growth from the smallest size.
GOAL_SCREEN_S = 0.300
GOAL_PDF_S = 3.0
GOAL_RATIO = 1.5

OPEN = [("state", "=", "open")]
SLA_FILTERS = {
    "breached": ["|", ("sla_status", "=", "breached"), ("sla_overdue", "=", True)],
    "at risk": [("sla_at_risk", "=", True)],
    "paused": [("is_paused", "=", True)],
}


class Client:
    """A browser session: cookies, JSON-RPC and plain GETs."""

    def __init__(self, base, db):
        self.base = base
        self.db = db
        self.http = requests.Session()
        self.context = {}
        self._id = 0

    def clone(self):
        other = Client(self.base, self.db)
        other.http.cookies.update(self.http.cookies)
        other.context = self.context
        return other

    def rpc(self, path, params):
        self._id += 1
        response = self.http.post(
            self.base + path,
            json={"jsonrpc": "2.0", "method": "call", "id": self._id, "params": params},
            timeout=300,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            error = body["error"]
            raise RuntimeError(
                f"{path}: {error.get('data', {}).get('message') or error['message']}"
            )
        return body["result"]

    def login(self, login, password):
        result = self.rpc(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )
        self.context = dict(result["user_context"])
        self.context["allowed_company_ids"] = (
            [result["user_companies"]["current_company"]]
            if result.get("user_companies")
            else []
        )
        return result

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def button(self, model, method, ids):
        return self.rpc(
            f"/web/dataset/call_button/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": [ids],
                "kwargs": {"context": self.context},
            },
        )

    def get(self, path, expect=None):
        response = self.http.get(self.base + path, timeout=300)
        response.raise_for_status()
        if expect and expect not in response.headers.get("Content-Type", ""):
            raise RuntimeError(f"{path}: {response.headers.get('Content-Type')}")
        return response.content


def parallel(calls):
    """Run the calls at once, as the browser sends them; return their results."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]


# ----------------------------------------------------------------------------------
# Specifications, as the web client derives them from the views


def spec_of(node, model, models):
    """The ``specification`` of the fields under an arch node (subviews included)."""
    fields = models[model]["fields"]
    spec = {}
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag != "field":
            spec.update(spec_of(child, model, models))
            continue
        name = child.get("name")
        field = fields.get(name)
        if not field:
            continue
        kind = field["type"]
        if kind in ("many2one", "many2one_reference", "reference"):
            spec[name] = {"fields": {"display_name": {}}} if kind == "many2one" else {}
        elif kind in ("one2many", "many2many"):
            sub = next(
                (s for s in child if s.tag in ("list", "kanban")),
                None,
            )
            if sub is not None and field["relation"] in models:
                spec[name] = {
                    "fields": spec_of(sub, field["relation"], models),
                    "limit": 40,
                    "order": "",
                }
            else:
                spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def views(client, model, types):
    result = client.call(
        model,
        "get_views",
        [[False, view_type] for view_type in types],
        options={"load_filters": True, "toolbar": True},
    )
    specs = {}
    for view_type in types:
        arch = etree.fromstring(result["views"][view_type]["arch"].encode())
        specs[view_type] = spec_of(arch, model, result["models"])
        if view_type == "form":
            specs[view_type]["display_name"] = {}
    return specs


# ----------------------------------------------------------------------------------
# Screens


def screens(manager, portal, ids):
    """The measured screens: name -> (kind, function(round) doing its calls)."""
    ticket_specs = views(manager, "aftersales.ticket", ["kanban", "list", "form"])
    contract_spec = views(manager, "aftersales.contract", ["form"])["form"]
    evaluation_spec = views(manager, "aftersales.evaluation", ["form"])["form"]
    kanban, listing, form = (
        ticket_specs["kanban"],
        ticket_specs["list"],
        ticket_specs["form"],
    )
    kanban.setdefault("stage_id", {"fields": {"display_name": {}}})

    def ticket_kanban(domain):
        def run(_round):
            groups = manager.call(
                "aftersales.ticket",
                "web_read_group",
                domain,
                [],
                ["stage_id"],
                orderby="",
                lazy=True,
                offset=0,
                limit=80,
            )["groups"]
            calls = [
                (
                    lambda group=group: manager.clone().call(
                        "aftersales.ticket",
                        "web_search_read",
                        group["__domain"],
                        kanban,
                        offset=0,
                        limit=40,
                        order="",
                    )
                )
                for group in groups
                if group["stage_id_count"] and not group.get("__fold")
            ]
            return parallel(calls) if calls else []

        return run

    def ticket_list(domain):
        def run(_round):
            return manager.call(
                "aftersales.ticket",
                "web_search_read",
                domain,
                listing,
                offset=0,
                limit=80,
                order="",
                count_limit=10001,
            )

        return run

    def with_chatter(model, record_id, spec):
        manager.call(model, "web_read", [record_id], specification=spec)
        params = {"thread_model": model, "thread_id": record_id}
        return parallel(
            [
                lambda: manager.clone().rpc(
                    "/mail/thread/data",
                    dict(
                        params,
                        request_list=[
                            "activities",
                            "attachments",
                            "followers",
                            "scheduledMessages",
                            "suggestedRecipients",
                        ],
                    ),
                ),
                lambda: manager.clone().rpc(
                    "/mail/thread/messages", dict(params, limit=30)
                ),
            ]
        )

    def ticket_form(run_round):
        sample = ids["tickets"]
        return with_chatter("aftersales.ticket", sample[run_round % len(sample)], form)

    def contract_form(_round):
        return with_chatter("aftersales.contract", ids["contract"], contract_spec)

    def penalties_pivot(_round):
        measures = ["amount:sum", "__count"]
        return parallel(
            [
                (
                    lambda groupby=groupby: manager.clone().call(
                        "aftersales.penalty",
                        "read_group",
                        [],
                        measures,
                        groupby,
                        lazy=False,
                    )
                )
                # What the pivot view asks at first: rows by month, columns by
                # state (aftersales_penalty_view_pivot).
                for groupby in (
                    [],
                    ["assessed_at:month"],
                    ["state"],
                    ["assessed_at:month", "state"],
                )
            ]
        )

    def portal_tickets(_round):
        return portal.get("/my/aftersales/tickets", expect="text/html")

    def annex_pdf(_round):
        return manager.get(
            f"/report/pdf/aftersales_sla.report_aftersales_contract/{ids['contract']}",
            expect="application/pdf",
        )

    def statement_pdf(_round):
        options = json.dumps(ids["month"])
        return manager.get(
            f"/report/pdf/aftersales_sla.report_sla_statement/{ids['contract']}"
            f"?options={requests.utils.quote(options)}",
            expect="application/pdf",
        )

    def evaluation(_round):
        manager.button("aftersales.evaluation", "action_compute", [ids["evaluation"]])
        manager.call(
            "aftersales.evaluation",
            "web_read",
            [ids["evaluation"]],
            specification=evaluation_spec,
        )
        return manager.get(
            "/report/pdf/aftersales_survey.report_aftersales_evaluation/"
            f"{ids['evaluation']}",
            expect="application/pdf",
        )

    result = {
        "Ticket kanban (open)": ("screen", ticket_kanban(OPEN)),
        "Ticket list (open)": ("screen", ticket_list(OPEN)),
    }
    for name, domain in SLA_FILTERS.items():
        result[f"Ticket kanban (open, {name})"] = (
            "screen",
            ticket_kanban(["&", *OPEN, *domain]),
        )
        result[f"Ticket list (open, {name})"] = (
            "screen",
            ticket_list(["&", *OPEN, *domain]),
        )
    result.update(
        {
            "Ticket form": ("screen", ticket_form),
            "Contract form (large customer)": ("screen", contract_form),
            "Penalties pivot": ("screen", penalties_pivot),
            "Portal ticket list (large customer)": ("screen", portal_tickets),
            "Contract with annexes (PDF)": ("pdf", annex_pdf),
            "SLA statement, last month (PDF)": ("pdf", statement_pdf),
            "Evaluation, last quarter (compute + PDF)": ("pdf", evaluation),
        }
    )
    return result


def sample_ids(manager):
    """The records the screens open (looked up through the interface too)."""
    contract = manager.call(
        "aftersales.contract",
        "search_read",
        [("title", "=", "Scale large customer")],
        ["id"],
        limit=1,
    )[0]["id"]
    tickets = [
        row["id"]
        for row in manager.call(
            "aftersales.ticket",
            "search_read",
            [("contract_id", "=", contract), ("state", "=", "open")],
            ["id"],
            limit=10,
        )
    ] + [
        row["id"]
        for row in manager.call(
            "aftersales.ticket",
            "search_read",
            [("state", "=", "closed")],
            ["id"],
            limit=10,
            order="reported_at desc",
        )
    ]
    today = date.today()
    month_end = today.replace(day=1) - timedelta(days=1)
    month = {
        "date_from": month_end.replace(day=1).isoformat(),
        "date_to": month_end.isoformat(),
    }
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    previous_end = quarter_start - timedelta(days=1)
    previous_start = date(previous_end.year, previous_end.month - 2, 1)
    found = manager.call(
        "aftersales.evaluation",
        "search_read",
        [
            ("contract_id", "=", contract),
            ("date_from", "=", previous_start.isoformat()),
        ],
        ["id"],
        limit=1,
    )
    evaluation = (
        found[0]["id"]
        if found
        else manager.call(
            "aftersales.evaluation",
            "create",
            [
                {
                    "contract_id": contract,
                    "period_type": "quarter",
                    "date_from": previous_start.isoformat(),
                    "date_to": previous_end.isoformat(),
                }
            ],
        )[0]
    )
    return {
        "contract": contract,
        "tickets": tickets,
        "month": month,
        "evaluation": evaluation,
    }


def percentile(values, fraction):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(sizes, rounds, warmup, only=None):
    """Each screen on every size in turn, round by round (the order of the sizes
    reversed every other round), so that the machine's drift (another process, the
    page cache, autovacuum) weighs on all sizes alike and their ratio is the
    screen's own. Fills each size's ``screens`` with p50 and p95 (seconds)."""
    for name in sizes[0]["map"]:
        if only and only.lower() not in name.lower():
            continue
        for entry in sizes:
            for number in range(warmup):
                entry["map"][name][1](number)
        times = [[] for _entry in sizes]
        for number in range(rounds):
            order = list(range(len(sizes)))
            if number % 2:
                order.reverse()
            for index in order:
                started = time.perf_counter()
                sizes[index]["map"][name][1](number)
                times[index].append(time.perf_counter() - started)
        for entry, values in zip(sizes, times, strict=True):
            entry["screens"][name] = {
                "kind": entry["map"][name][0],
                "p50": statistics.median(values),
                "p95": percentile(values, 0.95),
                "rounds": rounds,
            }
        print(
            f"  {name}: "
            + "; ".join(
                f"{entry['size']:,}: p50 {entry['screens'][name]['p50'] * 1000:.0f} ms,"
                f" p95 {entry['screens'][name]['p95'] * 1000:.0f} ms"
                for entry in sizes
            ),
            flush=True,
        )


# ----------------------------------------------------------------------------------
# Server


def start_server(conf, db, port, log_file):
    command = [
        sys.executable,
        "-c",
        LAUNCHER,
        ODOO_SRC,
        "-c",
        conf,
        "-d",
        db,
        "--db-filter",
        f"^{db}$",
        "--http-port",
        str(port),
        "--gevent-port",
        str(port + 1),
        "--workers",
        "2",
        "--max-cron-threads",
        "0",
        "--logfile",
        log_file,
        "--log-level",
        "warn",
    ]
    process = subprocess.Popen(command, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Odoo server stopped: see {log_file}")
        try:
            if requests.get(base + "/web/login", timeout=10).status_code == 200:
                return process, base
        except requests.RequestException:
            pass
        time.sleep(1)
    stop_server(process)
    raise RuntimeError(f"the Odoo server did not answer on {base}: see {log_file}")


def stop_server(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def run_sizes(specs, port, rounds, warmup, only=None):
    """Every size on a server of its own (ports ``port``, ``port + 2``...), all
    running at once and measured in turn (:func:`measure`)."""
    sizes, processes = [], []
    try:
        for index, spec in enumerate(specs):
            size, db, conf, state = spec.split(":")
            with open(state, encoding="utf-8") as handle:
                generated = json.load(handle)
            log_file = os.path.join(os.path.dirname(state), f"bench-scale-{db}.log")
            process, base = start_server(conf, db, port + 2 * index, log_file)
            processes.append(process)
            manager = Client(base, db)
            manager.login(MANAGER_LOGIN, PASSWORD)
            portal = Client(base, db)
            portal.login(PORTAL_LOGIN, PASSWORD)
            sizes.append(
                {
                    "size": int(size),
                    "db": db,
                    "generated": generated,
                    "map": screens(manager, portal, sample_ids(manager)),
                    "screens": {},
                }
            )
        print(
            ", ".join(f"{entry['size']:,} tickets ({entry['db']})" for entry in sizes)
            + ":",
            flush=True,
        )
        measure(sizes, rounds, warmup, only)
    finally:
        for process in processes:
            stop_server(process)
    return [
        {key: value for key, value in entry.items() if key != "map"} for entry in sizes
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="+", help="size:db:odoo.conf:generator.json")
    parser.add_argument("--port", type=int, default=8184)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--output", required=True)
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument(
        "--only", help="measure only the screens whose name contains this (no report)"
    )
    args = parser.parse_args()
    runs = run_sizes(args.sizes, args.port, args.rounds, args.warmup, args.only)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(runs, handle, indent=1, default=str)
    if args.only:
        return
    report.write(args.output, {"scale": scale_section(runs)})


def _ms(seconds):
    return f"{seconds * 1000:,.0f}"


def scale_section(runs):
    runs = sorted(runs, key=lambda run: run["size"])
    small, large = runs[0], runs[-1]
    lines = [
        "## At size: the screens over HTTP",
        "",
        f"Machine: {report.machine()}.",
        "",
        "Databases built by `tests/benchmarks/scale_generate.py` on a fresh install of "
        "the five addons: 1,000 contracts over five years, tickets spread evenly over "
        "them (the newest open: on track, at risk, overdue, breached, paused), their "
        "SLA clocks, about nine sealed ledger events per ticket, the penalties of the "
        "breaches and a satisfaction survey for one closed ticket in five; one large "
        "customer has about 5 % of the tickets. Each is measured through an Odoo "
        "server of its own started with `--workers 2` (no cron), the sizes in turn "
        "round by round (the machine's drift weighs on all alike), as the web "
        "client calls it "
        "(JSON-RPC with each view's specification; the calls a screen sends at "
        "once run in parallel) and as the portal user reads its ticket list; "
        f"{small['screens'][next(iter(small['screens']))]['rounds']} rounds after "
        "a warm-up, milliseconds.",
        "",
        "| data | " + " | ".join(f"{run['size']:,} tickets" for run in runs) + " |",
        "|---|" + "---:|" * len(runs),
    ]
    for key, label in (
        ("tickets", "tickets"),
        ("open", "open tickets"),
        ("sla_lines", "SLA clocks"),
        ("events", "ledger events"),
        ("penalties", "penalties"),
        ("surveys", "survey answers"),
        ("db_size", "database size"),
    ):
        cells = []
        for run in runs:
            value = run["generated"].get("counts", {}).get(key, "")
            cells.append(f"{value:,}" if isinstance(value, int) else str(value))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for key, label in (
        ("insert_s", "generation: SQL inserts (s)"),
        ("seal_s", "generation: sealing (s)"),
        ("total_s", "generation: total with ORM setup and VACUUM (s)"),
    ):
        cells = []
        for run in runs:
            value = run["generated"].get(key)
            cells.append(f"{value:,.0f}" if isinstance(value, int | float) else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    checks = []
    for run in runs:
        check = run["generated"].get("check")
        if check:
            checks.append(
                f"{run['size']:,}: {check['sample']} tickets recomputed by the ORM, "
                f"{check['difference_count']} differences; ledger "
                f"{'verified' if check['ledger_ok'] else 'BROKEN'} "
                f"({check['ledger_checked']:,} events, {check['verify_s']:.0f} s"
                + (
                    f", resident memory {check['verify_rss_start_mib']:.0f} MiB "
                    f"before, {check['verify_rss_peak_mib']:.0f} MiB at most"
                    if "verify_rss_peak_mib" in check
                    else ""
                )
                + ")"
            )
    if checks:
        lines += ["", "Checks of the generated data: " + "; ".join(checks) + "."]
    for run in runs:
        if run["generated"].get("note"):
            lines += ["", f"{run['size']:,} tickets: {run['generated']['note']}"]
    header = "| screen |"
    rule = "|---|"
    for run in runs:
        header += f" p50 {run['size']:,} | p95 {run['size']:,} |"
        rule += "---:|---:|"
    header += f" p95 ratio {large['size']:,} / {small['size']:,} | goal met |"
    rule += "---:|---|"
    lines += ["", header, rule]
    met_all = True
    for name, small_result in small["screens"].items():
        row = f"| {name} |"
        for run in runs:
            result = run["screens"][name]
            row += f" {_ms(result['p50'])} | {_ms(result['p95'])} |"
        large_result = large["screens"][name]
        ratio = large_result["p95"] / small_result["p95"] if small_result["p95"] else 0
        limit = GOAL_PDF_S if small_result["kind"] == "pdf" else GOAL_SCREEN_S
        met = large_result["p95"] < limit and (len(runs) == 1 or ratio < GOAL_RATIO)
        met_all = met_all and met
        row += f" {ratio:.2f} | {'yes' if met else 'NO'} |"
        lines.append(row)
    lines += [
        "",
        f"Goals (issue #16): every screen under {GOAL_SCREEN_S * 1000:.0f} ms at the "
        f"95th percentile, PDFs under {GOAL_PDF_S:.0f} s, and under {GOAL_RATIO}x "
        f"the time at the smallest size. "
        + ("All met." if met_all else "Not all met: see the rows marked NO.")
        + " Server log of each run: `.state/bench-scale-<database>.log`.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
