"""Ticket benchmarks: batch creation with SLA lines and ledger events, and a milestone
on many tickets at once, side by side with the OCA addon helpdesk_mgmt_sla 18.0.

Run through ``scripts/bench.sh --only tickets`` (which sets up both benchmark
databases); results go to docs/benchmarks.md between the ``tickets`` markers.

Every measurement runs in a fresh process (this file with ``--child``) against its
database, as the administrator (access rules on), with chatter and tracking on. The
timed region is the ORM call plus ``env.flush_all()``; SQL queries are counted with
the cursor's ``sql_log_count``.

Ours (aftersales_sla)
    a calendar 08:00-22:00 every day in Asia/Shanghai with the 2026 China public
    holidays imported, an SLA policy (response 12 h and resolution 48 h, normal
    priority, on that calendar), one active contract for the customer;
    ``env["aftersales.ticket"].create(vals_list)`` of 1k and 10k tickets in one call
    (contract matching, one ``ticket.reported`` ledger event each, SLA lines), then
    ``action_acknowledge()`` on 1k tickets at once.
OCA (helpdesk_mgmt_sla)
    the same calendar (same attendances, the same holidays as global leaves), a team
    using SLA on it, one SLA of 12 h (reached at the stage "In Progress");
    ``env["helpdesk.ticket"].create(vals_list)`` of 1k and 10k tickets in the team,
    then ``write({"stage_id": in_progress})`` on 1k tickets at once.

The 1k batches are committed (commit time reported apart: for ours it includes the
post-commit sealing of the ledger events) and are the tickets of the milestone
scenario; the 10k batches and the milestones are rolled back after measuring.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as dtime

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import report  # noqa: E402

HOLIDAYS_CSV = os.path.join(
    PROJECT, "addons", "aftersales_sla", "data", "cn_public_holidays_2026.csv"
)
CALENDAR_NAME = "Benchmark: on-site 08:00-22:00 daily (Asia/Shanghai)"
TZ = "Asia/Shanghai"
CUSTOMER_NAME = "Benchmark: 深圳安居物业管理有限公司"
POLICY_NAME = "Benchmark: response 12 h, resolution 48 h"
TEAM_NAME = "Benchmark: on-site service"
SLA_NAME = "Benchmark: response 12 h"
TICKET_NAME = "门锁无法开启"
DESCRIPTION = "<p>客户报修: 门锁无法开启, 请尽快上门</p>"
RESPONSE_HOURS = 12
RESOLUTION_HOURS = 48


# ----------------------------------------------------------------------------------
# In the child process (Odoo loaded)


def child_env(rc, dbname):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", rc], setup_logging=False)
    registry = Registry(dbname)
    cr = registry.cursor()
    return api.Environment(cr, SUPERUSER_ID, {})


def calendar_values():
    return {
        "name": CALENDAR_NAME,
        "tz": TZ,
        "attendance_ids": [(5, 0, 0)]
        + [
            (
                0,
                0,
                {
                    "name": f"Day {day}",
                    "dayofweek": str(day),
                    "hour_from": 8,
                    "hour_to": 22,
                },
            )
            for day in range(7)
        ],
    }


def holiday_rows():
    with open(HOLIDAYS_CSV, encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["kind"] == "holiday"]


def timed(env, function, profile=None):
    """Run ``function()`` and flush; return (result, seconds, SQL queries)."""
    env.flush_all()
    queries = env.cr.sql_log_count
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    result = function()
    env.flush_all()
    elapsed = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    return result, elapsed, env.cr.sql_log_count - queries


def count_rows(env, table, column, ids, extra=""):
    env.cr.execute(
        f"SELECT count(*) FROM {table} WHERE {column} = ANY(%s) {extra}",  # noqa: S608
        [list(ids)],
    )
    return env.cr.fetchone()[0]


def count_messages(env, model, ids):
    return count_rows(env, "mail_message", "res_id", ids, f"AND model = '{model}'")


def finish(env, commit):
    """Commit (timed apart) or roll back the measured transaction."""
    if not commit:
        env.cr.rollback()
        return None
    started = time.perf_counter()
    env.cr.commit()
    return time.perf_counter() - started


# -- ours ------------------------------------------------------------------------


def ours_setup(env):
    """The calendar, policy, customer and active contract (idempotent, committed)."""
    calendar = env["resource.calendar"].search([("name", "=", CALENDAR_NAME)], limit=1)
    if not calendar:
        calendar = env["resource.calendar"].create(calendar_values())
    wizard = env["aftersales.holiday.import"].create(
        {"calendar_ids": [(6, 0, calendar.ids)]}
    )
    with open(HOLIDAYS_CSV, "rb") as handle:
        wizard._import_csv(handle.read())  # idempotent
    policy = env["aftersales.sla.policy"].search([("name", "=", POLICY_NAME)], limit=1)
    if not policy:
        policy = env["aftersales.sla.policy"].create(
            {
                "name": POLICY_NAME,
                "target_ids": [
                    (
                        0,
                        0,
                        {
                            "metric": metric,
                            "priority": "1",
                            "target_hours": hours,
                            "calendar_id": calendar.id,
                        },
                    )
                    for metric, hours in (
                        ("response", RESPONSE_HOURS),
                        ("resolution", RESOLUTION_HOURS),
                    )
                ],
            }
        )
    customer = env["res.partner"].search([("name", "=", CUSTOMER_NAME)], limit=1)
    if not customer:
        customer = env["res.partner"].create(
            {"name": CUSTOMER_NAME, "is_company": True}
        )
    today = date.today()
    contract = env["aftersales.contract"].search(
        [
            ("partner_id", "=", customer.id),
            ("state", "=", "active"),
            ("date_start", "<=", today),
            ("date_end", ">=", today),
        ]
    )
    if not contract:
        contract = env["aftersales.contract"].create(
            {
                "partner_id": customer.id,
                "title": "Benchmark: smart lock service",
                "date_start": date(today.year, 1, 1),
                "date_end": date(today.year + 2, 12, 31),
                "amount_value": 100000,
                "calendar_id": calendar.id,
                "sla_policy_id": policy.id,
            }
        )
        contract.action_activate()
    if len(contract) != 1:
        raise RuntimeError(f"expected one active contract, found {len(contract)}")
    env.cr.commit()
    return customer


def ours_create(env, args):
    customer = ours_setup(env)
    admin = env.ref("base.user_admin")
    Ticket = env["aftersales.ticket"].with_user(admin)
    vals_list = [
        {
            "name": f"{TICKET_NAME} #{number}",
            "partner_id": customer.id,
            "description": DESCRIPTION,
            "channel": "phone",
        }
        for number in range(1, args.n + 1)
    ]
    tickets, elapsed, queries = timed(
        env, lambda: Ticket.create(vals_list), args.profile
    )
    ids = tickets.ids
    result = {
        "tickets": len(ids),
        "elapsed_s": elapsed,
        "queries": queries,
        "matched": len(tickets.filtered(lambda t: t.contract_match == "matched")),
        "sla_lines": count_rows(env, "aftersales_ticket_sla", "ticket_id", ids),
        "events": count_rows(
            env,
            "aftersales_event",
            "res_id",
            ids,
            "AND res_model = 'aftersales.ticket' AND event_type = 'ticket.reported'",
        ),
        "messages": count_messages(env, "aftersales.ticket", ids),
    }
    result["commit_s"] = finish(env, args.commit)
    return result, ids


def ours_milestone(env, args):
    admin = env.ref("base.user_admin")
    tickets = env["aftersales.ticket"].with_user(admin).browse(args.ids)
    _result, elapsed, queries = timed(
        env, lambda: tickets.action_acknowledge(), args.profile
    )
    ids = tickets.ids
    result = {
        "tickets": len(ids),
        "elapsed_s": elapsed,
        "queries": queries,
        "met": count_rows(
            env,
            "aftersales_ticket_sla",
            "ticket_id",
            ids,
            "AND metric = 'response' AND state = 'met'",
        ),
        "events": count_rows(
            env,
            "aftersales_event",
            "res_id",
            ids,
            "AND res_model = 'aftersales.ticket' AND event_type = 'ticket.responded'",
        ),
    }
    result["commit_s"] = finish(env, False)
    return result, ids


# -- OCA -------------------------------------------------------------------------


def oca_setup(env):
    """The same calendar and holidays, a team using SLA, one 12 h SLA (committed)."""
    import pytz

    calendar = env["resource.calendar"].search([("name", "=", CALENDAR_NAME)], limit=1)
    if not calendar:
        calendar = env["resource.calendar"].create(calendar_values())
        tz = pytz.timezone(TZ)

        def utc(day, moment):
            local = tz.localize(datetime.combine(day, moment))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        env["resource.calendar.leaves"].create(
            [
                {
                    "name": row["name_en"],
                    "calendar_id": calendar.id,
                    "date_from": utc(date.fromisoformat(row["date_from"]), dtime.min),
                    "date_to": utc(
                        date.fromisoformat(row["date_to"]), dtime(23, 59, 59)
                    ),
                    "time_type": "leave",
                }
                for row in holiday_rows()
            ]
        )
    in_progress = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
    team = env["helpdesk.ticket.team"].search([("name", "=", TEAM_NAME)], limit=1)
    if not team:
        team = env["helpdesk.ticket.team"].create(
            {
                "name": TEAM_NAME,
                "use_sla": True,
                "resource_calendar_id": calendar.id,
                "user_ids": [(6, 0, env.ref("base.user_admin").ids)],
            }
        )
    sla = env["helpdesk.sla"].search([("name", "=", SLA_NAME)], limit=1)
    if not sla:
        sla = env["helpdesk.sla"].create(
            {
                "name": SLA_NAME,
                "team_ids": [(6, 0, team.ids)],
                "hours": RESPONSE_HOURS,
                "days": 0,
                "stage_id": in_progress.id,
            }
        )
    customer = env["res.partner"].search([("name", "=", CUSTOMER_NAME)], limit=1)
    if not customer:
        customer = env["res.partner"].create(
            {"name": CUSTOMER_NAME, "is_company": True}
        )
    env.cr.commit()
    return customer, team, in_progress


def oca_version(env):
    env.cr.execute(
        "SELECT latest_version FROM ir_module_module WHERE name = 'helpdesk_mgmt_sla'"
    )
    return env.cr.fetchone()[0]


def oca_create(env, args):
    customer, team, _stage = oca_setup(env)
    admin = env.ref("base.user_admin")
    Ticket = env["helpdesk.ticket"].with_user(admin)
    phone = env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
    vals_list = [
        {
            "name": f"{TICKET_NAME} #{number}",
            "partner_id": customer.id,
            "description": DESCRIPTION,
            "team_id": team.id,
            "priority": "1",
            "channel_id": phone.id,
        }
        for number in range(1, args.n + 1)
    ]
    tickets, elapsed, queries = timed(
        env, lambda: Ticket.create(vals_list), args.profile
    )
    ids = tickets.ids
    result = {
        "tickets": len(ids),
        "elapsed_s": elapsed,
        "queries": queries,
        "sla_lines": count_rows(env, "helpdesk_ticket_sla", "ticket_id", ids),
        "messages": count_messages(env, "helpdesk.ticket", ids),
        "version": oca_version(env),
    }
    result["commit_s"] = finish(env, args.commit)
    return result, ids


def oca_stage(env, args):
    _customer, _team, in_progress = oca_setup(env)
    admin = env.ref("base.user_admin")
    tickets = env["helpdesk.ticket"].with_user(admin).browse(args.ids)
    _result, elapsed, queries = timed(
        env, lambda: tickets.write({"stage_id": in_progress.id}), args.profile
    )
    ids = tickets.ids
    result = {
        "tickets": len(ids),
        "elapsed_s": elapsed,
        "queries": queries,
        "met": count_rows(
            env,
            "helpdesk_ticket_sla",
            "ticket_id",
            ids,
            "AND state = 'accomplished'",
        ),
    }
    result["commit_s"] = finish(env, False)
    return result, ids


CHILDREN = {
    "ours_create": ours_create,
    "ours_milestone": ours_milestone,
    "oca_create": oca_create,
    "oca_stage": oca_stage,
}


def run_child(args):
    if args.ids_in:
        with open(args.ids_in, encoding="utf-8") as handle:
            args.ids = json.load(handle)
    env = child_env(args.rc, args.db)
    try:
        result, ids = CHILDREN[args.child](env, args)
    finally:
        env.cr.close()
    if args.ids_out:
        with open(args.ids_out, "w", encoding="utf-8") as handle:
            json.dump(ids, handle)
    print("RESULT " + json.dumps(result), flush=True)


# ----------------------------------------------------------------------------------
# In the parent process (no Odoo)


class ChildFailed(RuntimeError):
    pass


def run_scenario(children, args):
    """In a child process of another benchmark: run its scenario ``args.child``
    (from ``children``) and print the result for the parent."""
    env = child_env(args.rc, args.db)
    try:
        result, _ids = children[args.child](env, args)
    finally:
        env.cr.close()
    print("RESULT " + json.dumps(result), flush=True)


def scenario_main(
    description, children, key, sizes, run, section, rounds=None, extra=()
):
    """The command line of a scenario benchmark (maintenance, settlement, service
    reports, erasure): as a child (``--child``), run one scenario and print its
    result; as the parent, ``run`` the sizes given by ``--<key>-sizes`` and write
    ``section`` of the results to ``--output`` (docs/benchmarks.md, section
    ``key``) or print it.

    :param rounds: the default of ``--rounds`` (None: the benchmark has none).
    :param extra: more options, ``(names, keyword arguments)`` of add_argument.
    """
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--rc", default=os.environ.get("ODOO_RC"))
    parser.add_argument(f"--{key}-sizes", default=sizes)
    if rounds is not None:
        parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument("--output")
    parser.add_argument("--child", choices=sorted(children), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile", help="child only: write a cProfile of the timed region here"
    )
    for names, options in extra:
        parser.add_argument(*names, **options)
    args = parser.parse_args()
    if args.child:
        run_scenario(children, args)
        return
    if not args.rc:
        parser.error("--rc (or ODOO_RC) is needed")
    chosen = getattr(args, f"{key.replace('-', '_')}_sizes")
    args.sizes = [int(size) for size in chosen.split(",")]
    text = section(run(args))
    if args.output:
        report.write(args.output, {key: text})
    else:
        print(text)


def spawn_rounds(args, child, script, check, describe, *keys):
    """For each of ``args.sizes``: ``args.rounds`` runs of the scenario ``child``
    of ``script``, each in a fresh process, checked (``check(result, size)``
    raises on a wrong result) and described on stdout (``describe(size,
    result)``); the median round of each size (:func:`median_round` of ``keys``).
    """
    results = []
    for size in args.sizes:
        rounds = []
        for _round in range(args.rounds):
            result = spawn(child, args.rc, args.db, n=size, script=script)
            check(result, size)
            print(describe(size, result), flush=True)
            rounds.append(result)
        results.append(median_round(rounds, *keys))
    return {"rounds": args.rounds, "sizes": results}


def median_round(rounds, *keys):
    """The round whose total (``elapsed_s``) is the median, with the medians of
    ``elapsed_s`` and ``keys`` over all rounds and every round's total."""
    ordered = sorted(rounds, key=lambda r: r["elapsed_s"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    for key in ("elapsed_s", *keys):
        chosen[key] = statistics.median(r[key] for r in rounds)
    chosen["all_s"] = [r["elapsed_s"] for r in rounds]
    return chosen


def spawn(name, rc, dbname, script=None, **options):
    """Run ``script`` (this file by default) with ``--child name`` in a fresh
    process: the dict it prints on its ``RESULT`` line."""
    command = [
        sys.executable,
        script or os.path.abspath(__file__),
        "--child",
        name,
        "--rc",
        rc,
        "--db",
        dbname,
    ]
    for key, value in options.items():
        if value is True:
            command.append("--" + key.replace("_", "-"))
        elif value not in (None, False):
            command += ["--" + key.replace("_", "-"), str(value)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [
        line for line in completed.stdout.splitlines() if line.startswith("RESULT ")
    ]
    if completed.returncode or not lines:
        tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
        raise ChildFailed(f"{name} failed (exit {completed.returncode}):\n{tail}")
    return json.loads(lines[-1][len("RESULT ") :])


def rate(result):
    result["tickets_per_s"] = result["tickets"] / result["elapsed_s"]
    return result


def say(label, result):
    print(
        f"tickets: {label}: {result['tickets']} in {result['elapsed_s']:.2f} s "
        f"({result['tickets'] / result['elapsed_s']:.0f}/s, "
        f"{result['queries']} queries)",
        flush=True,
    )


def run_tickets(args, workdir):
    results = {
        "sizes": args.sizes,
        "milestone_size": args.milestone_size,
        "ours": {"create": []},
        "oca": {"create": [], "error": args.oca_error},
    }
    oca_on = bool(args.oca_db) and not args.oca_error
    ours_ids = os.path.join(workdir, "ours-ids.json")
    oca_ids = os.path.join(workdir, "oca-ids.json")
    sizes = list(args.sizes)
    if args.milestone_size not in sizes:
        sizes.insert(0, args.milestone_size)
    for size in sizes:
        keep = size == args.milestone_size
        measured = rate(
            spawn(
                "ours_create",
                args.rc,
                args.db,
                n=size,
                commit=keep,
                ids_out=ours_ids if keep else None,
            )
        )
        say(f"ours create {size}", measured)
        if size in args.sizes:
            results["ours"]["create"].append(measured)
        if not oca_on:
            continue
        try:
            measured = rate(
                spawn(
                    "oca_create",
                    args.oca_rc,
                    args.oca_db,
                    n=size,
                    commit=keep,
                    ids_out=oca_ids if keep else None,
                )
            )
        except ChildFailed as error:
            results["oca"]["error"] = str(error)
            oca_on = False
            print(error, file=sys.stderr, flush=True)
            continue
        say(f"OCA create {size}", measured)
        results["oca"]["version"] = measured["version"]
        if size in args.sizes:
            results["oca"]["create"].append(measured)
    measured = rate(spawn("ours_milestone", args.rc, args.db, ids_in=ours_ids))
    say("ours acknowledge", measured)
    results["ours"]["milestone"] = measured
    if oca_on:
        try:
            measured = rate(
                spawn("oca_stage", args.oca_rc, args.oca_db, ids_in=oca_ids)
            )
            say("OCA stage move", measured)
            results["oca"]["stage"] = measured
        except ChildFailed as error:
            results["oca"]["error"] = str(error)
            print(error, file=sys.stderr, flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--rc", default=os.environ.get("ODOO_RC"))
    parser.add_argument("--oca-db")
    parser.add_argument("--oca-rc")
    parser.add_argument(
        "--oca-error-file", help="why the OCA reference could not be prepared"
    )
    parser.add_argument("--no-oca", action="store_true", help="measure ours only")
    parser.add_argument("--ticket-sizes", default="1000,10000")
    parser.add_argument("--milestone-size", type=int, default=1000)
    parser.add_argument("--output")
    parser.add_argument("--only", choices=["tickets"])
    # child process
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--commit", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ids-in", help=argparse.SUPPRESS)
    parser.add_argument("--ids-out", help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile", help="child only: write a cProfile of the timed region here"
    )
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    if not args.rc or not args.output:
        parser.error("--rc (or ODOO_RC) and --output are required")
    args.sizes = [int(size) for size in args.ticket_sizes.split(",")]
    args.oca_error = None
    if args.oca_error_file:
        with open(args.oca_error_file, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().strip().splitlines()
        args.oca_error = "\n".join(lines[-15:]) or "unknown error"
    if args.no_oca:
        args.oca_db = None
        args.oca_error = "not measured (--no-oca)"
    with tempfile.TemporaryDirectory(prefix="bench-tickets-") as workdir:
        results = run_tickets(args, workdir)
    report.write(args.output, {"tickets": report.tickets_section(results)})


if __name__ == "__main__":
    main()
