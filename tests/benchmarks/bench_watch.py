"""SLA watch benchmark: work grows with what is due, not with what exists.

Run through ``scripts/bench.sh --only watch`` (a fresh database of its own, since the
ledger cannot be cleaned up); results go to docs/benchmarks.md between the ``watch``
markers.

Generator: running response clocks (24x7, 4 h target) of tickets, inserted by SQL
together with their ``ticket.reported`` events (then sealed by the product's sealer,
outside the timings), so that the watch replays real tickets. 99 % of the clocks are
due in the future, 1 % are past their deadline.

Scenarios:
- the SLA watch over 100,000 running clocks of which 1,000 are due;
- the same with 1,000,000 running clocks and the same 1,000 due;
  each run until nothing is left (batches of 500, committed as Odoo's cron loop does):
  wall time, SQL queries, breaches booked and penalties assessed (a fixed clause);
- assessing 10,000 breaches (the watch over 10,000 due clocks), confirming the 10,000
  penalties, and crediting them (credit notes grouped by partner).
"""

import argparse
import os
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import report  # noqa: E402

TARGET_SECONDS = 4 * 3600


def env_for(dbname):
    registry = Registry(dbname)
    return api.Environment(registry.cursor(), SUPERUSER_ID, {})


def setup(env):
    """Customer, 24x7 policy, active contract with a fixed penalty clause."""
    customer = env["res.partner"].search([("name", "=", "Benchmark: watch")], limit=1)
    if customer:
        contract = env["aftersales.contract"].search([("partner_id", "=", customer.id)])
        return customer, contract, contract.sla_policy_id.target_ids
    customer = env["res.partner"].create(
        {"name": "Benchmark: watch", "is_company": True}
    )
    policy = env["aftersales.sla.policy"].create(
        {
            "name": "Watch 4 h 24x7",
            "target_ids": [
                (0, 0, {"metric": "response", "priority": "1", "target_hours": 4}),
            ],
        }
    )
    contract = env["aftersales.contract"].create(
        {
            "partner_id": customer.id,
            "title": "Watch benchmark",
            "date_start": "2020-01-01",
            "date_end": "2099-12-31",
            "amount_value": 10_000_000,
            "penalty_cap_percent": 0,
            "calendar_id": env.company.resource_calendar_id.id,
            "sla_policy_id": policy.id,
            "penalty_rule_ids": [
                (0, 0, {"name": "Per breach", "rule_type": "fixed", "amount": 100})
            ],
        }
    )
    contract.action_activate()
    env.cr.commit()
    return customer, contract, policy.target_ids


def generate(env, customer, contract, target, count, due, label):
    """Insert ``count`` tickets with running clocks, ``due`` of them overdue."""
    started = time.perf_counter()
    stage = env.ref("aftersales_sla.ticket_stage_new")
    service_type = env.ref("aftersales_sla.service_type_repair")
    chain = env["aftersales.event.chain"].search([("company_id", "=", env.company.id)])
    params = {
        "label": label,
        "count": count,
        "due": due,
        "company": env.company.id,
        "partner": customer.id,
        "contract": contract.id,
        "service_type": service_type.id,
        "stage": stage.id,
        "target": target.id,
        "seconds": TARGET_SECONDS,
        "chain": chain.id,
    }
    cr = env.cr
    cr.execute(
        """
        INSERT INTO aftersales_ticket
            (number, name, company_id, partner_id, commercial_partner_id,
             service_type_id, priority, channel, reported_at, state, stage_id,
             contract_id, contract_match,
             sla_status, sla_deadline, reopen_count, is_paused, is_first_time_fix,
             create_uid, create_date, write_uid, write_date)
        SELECT %(label)s || g, %(label)s || ' ticket ' || g, %(company)s, %(partner)s,
               %(partner)s, %(service_type)s, '1', 'phone', r.reported, 'open',
               %(stage)s,
               %(contract)s, 'matched', 'running',
               r.reported + make_interval(secs => %(seconds)s), 0, false, false,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %(count)s) AS g,
               LATERAL (SELECT date_trunc('second', now() AT TIME ZONE 'UTC')
                        - CASE WHEN g <= %(due)s THEN interval '5 hours'
                               ELSE interval '1 hour' END
                        - (g %% 600) * interval '1 second' AS reported) AS r
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO aftersales_event
            (chain_id, company_id, event_type, occurred_at, recorded_at, author_id,
             res_model, res_id, reason, payload, create_uid, create_date, write_uid,
             write_date)
        SELECT %(chain)s, %(company)s, 'ticket.reported', t.reported_at,
               now() AT TIME ZONE 'UTC', 1, 'aftersales.ticket', t.id, NULL,
               '{"channel":"phone","contract":' || %(contract)s
               || ',"contract_match":"matched","customer":' || %(partner)s
               || ',"priority":"1","service_type":"repair","targets":[{"calendar":null,'
               || '"metric":"response","pause_reasons":[],"seconds":' || %(seconds)s
               || ',"target":' || %(target)s || ',"warning":80.0}],"ticket":"'
               || t.number || '"}',
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM aftersales_ticket t WHERE t.number LIKE %(label)s || '%%'
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO aftersales_ticket_sla
            (ticket_id, company_id, target_id, metric, calendar_id, target_seconds,
             state,
             deadline, warning_at, warning_percent, elapsed_seconds, paused_seconds,
             lateness_seconds, as_of, create_uid, create_date, write_uid, write_date)
        SELECT t.id, %(company)s, %(target)s, 'response', NULL, %(seconds)s, 'running',
               t.reported_at + make_interval(secs => %(seconds)s), NULL, 80.0, 0, 0, 0,
               t.reported_at, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM aftersales_ticket t WHERE t.number LIKE %(label)s || '%%'
        """,
        params,
    )
    cr.execute("ANALYZE aftersales_ticket")
    cr.execute("ANALYZE aftersales_ticket_sla")
    cr.execute("ANALYZE aftersales_event")
    cr.commit()
    generated = time.perf_counter() - started
    started = time.perf_counter()
    env["aftersales.event"]._seal_chains(chain, batch_size=20000, commit=True)
    cr.commit()
    return {"generate_s": generated, "seal_s": time.perf_counter() - started}


def run_watch(env, batch_size=500):
    """Run the SLA watch until nothing is due, committing each batch."""
    cr = env.cr
    Sla = env["aftersales.ticket.sla"]
    Penalty = env["aftersales.penalty"]
    penalties_before = Penalty.search_count([])
    queries = cr.sql_log_count
    started = time.perf_counter()
    booked = batches = 0
    while True:
        result = Sla._cron_sla_watch(batch_size=batch_size)
        booked += len(result["breached"])
        batches += 1
        cr.commit()
        if not result["remaining"]:
            break
    elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "queries": cr.sql_log_count - queries,
        "breaches": booked,
        "batches": batches,
        "penalties": Penalty.search_count([]) - penalties_before,
    }


def count_running(env):
    env.cr.execute("SELECT count(*) FROM aftersales_ticket_sla WHERE state = 'running'")
    return env.cr.fetchone()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--penalties", type=int, default=10_000)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", os.environ["ODOO_RC"]], setup_logging=False)
    env = env_for(args.db)
    # A debug-level SQL logger would count queries; Odoo counts them anyway.
    customer, contract, target = setup(env)
    results = []
    for label, running in (("S", args.small), ("L", args.large)):
        already = count_running(env)
        timings = generate(
            env, customer, contract, target, running - already, args.due, f"WB{label}-"
        )
        running_now = count_running(env)
        measured = run_watch(env)
        measured.update(timings, running=running_now, due=args.due)
        results.append(measured)
        print(
            f"watch over {running_now:,} running clocks, {args.due} due: "
            f"{measured['seconds']:.2f} s, {measured['queries']} queries",
            flush=True,
        )
    # Assessing, confirming and crediting penalties.
    timings = generate(
        env, customer, contract, target, args.penalties, args.penalties, "WBP-"
    )
    assess = run_watch(env)
    penalties = env["aftersales.penalty"].search(
        [
            ("contract_id", "=", contract.id),
            ("state", "=", "assessed"),
            ("ticket_id.number", "like", "WBP-%"),
        ]
    )
    started = time.perf_counter()
    penalties.action_confirm()
    env.cr.commit()
    confirm_s = time.perf_counter() - started
    credit = {}
    if hasattr(penalties, "_create_credit_notes"):
        started = time.perf_counter()
        moves = penalties._create_credit_notes(post=True)
        env.flush_all()
        env.cr.commit()
        credit = {
            "seconds": time.perf_counter() - started,
            "moves": len(moves),
            "lines": len(moves.invoice_line_ids),
            "total": sum(moves.mapped("amount_total")),
        }
    print(
        f"penalties: assessed {assess['penalties']} in {assess['seconds']:.2f} s, "
        f"confirmed in {confirm_s:.2f} s, credited {credit}",
        flush=True,
    )
    env.cr.close()
    section = report.watch_section(
        results,
        {
            "assess": assess,
            "confirm_s": confirm_s,
            "credit": credit,
            "count": args.penalties,
        },
        timings,
    )
    report.write(args.output, {"watch": section})


if __name__ == "__main__":
    main()
