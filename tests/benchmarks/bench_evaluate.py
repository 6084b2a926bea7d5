"""Evaluation benchmark: a period's KPIs cost what happened in the period, not the
contract's history.

Run through ``scripts/bench.sh --only evaluate`` (in the benchmark database of
``bench.sh``); results go to docs/benchmarks.md between the ``evaluate`` markers.

Generator (SQL, outside the timings): for each scenario a contract with tickets
reported evenly over its history (about 2,500 a quarter), each resolved two hours
later, with a response clock (met after one hour, one in ten breached) and a
resolution clock (met), and one answered satisfaction survey for every fourth ticket.

Scenarios: the evaluation of the last full quarter of
- a contract with one year of history (10,000 tickets);
- a contract with ten years of history (100,000 tickets);
each computed five times (the median is reported), then the technician and team
scorecards of that quarter for both contracts' tickets.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import report  # noqa: E402

#: The quarter evaluated: the last full one before the generated histories end.
QUARTER_START = date(2026, 7, 1)
QUARTER_END = date(2026, 9, 30)
HISTORY_END = datetime(2026, 10, 1)


def env_for(dbname):
    registry = Registry(dbname)
    return api.Environment(registry.cursor(), SUPERUSER_ID, {})


def setup(env, label, years):
    """A customer and an active contract whose term covers ``years`` of history."""
    name = f"Benchmark: evaluate {label}"
    customer = env["res.partner"].search([("name", "=", name)], limit=1)
    if customer:
        return env["aftersales.contract"].search([("partner_id", "=", customer.id)])
    customer = env["res.partner"].create({"name": name, "is_company": True})
    policy = env["aftersales.sla.policy"].create(
        {
            "name": f"Evaluate {label}",
            "target_ids": [
                (0, 0, {"metric": metric, "priority": "1", "target_hours": hours})
                for metric, hours in (("response", 4), ("resolution", 24))
            ],
        }
    )
    survey = env["survey.survey"].create({"title": f"Benchmark survey {label}"})
    contract = env["aftersales.contract"].create(
        {
            "partner_id": customer.id,
            "title": f"Evaluation benchmark {label}",
            "date_start": HISTORY_END.date().replace(year=HISTORY_END.year - years),
            "date_end": "2099-12-31",
            "amount_value": 1_000_000,
            "calendar_id": env.company.resource_calendar_id.id,
            "sla_policy_id": policy.id,
            "survey_id": survey.id,
            "kpi_threshold_ids": [
                (0, 0, {"kpi": "sla_response", "threshold": 95}),
                (0, 0, {"kpi": "satisfaction_index", "threshold": 80}),
            ],
        }
    )
    contract.action_activate()
    env.cr.commit()
    return contract


def generate(env, contract, count, years, label):
    """Insert ``count`` tickets spread over ``years`` before HISTORY_END."""
    if env["aftersales.ticket"].search_count([("contract_id", "=", contract.id)]):
        return 0.0
    started = time.perf_counter()
    users = env["res.users"].search([("share", "=", False)], limit=5)
    team = env["aftersales.team"].create({"name": f"Benchmark team {label}"})
    params = {
        "label": label,
        "count": count,
        "company": env.company.id,
        "partner": contract.partner_id.id,
        "contract": contract.id,
        "service_type": env.ref("aftersales_sla.service_type_repair").id,
        "stage": env.ref("aftersales_sla.ticket_stage_new").id,
        "end": HISTORY_END,
        "span": years * 365 * 86400,
        "users": users.ids,
        "user_count": len(users),
        "team": team.id,
        "survey": contract.survey_id.id,
    }
    cr = env.cr
    cr.execute(
        """
        INSERT INTO aftersales_ticket
            (number, name, company_id, partner_id, commercial_partner_id,
             service_type_id, priority, channel, reported_at, responded_at,
             resolved_at, closed_at, state, stage_id, contract_id, contract_match,
             user_id, team_id, sla_status, reopen_count, is_paused,
             is_first_time_fix, create_uid, create_date, write_uid, write_date)
        SELECT %(label)s || g, %(label)s || ' ticket ' || g, %(company)s,
               %(partner)s, %(partner)s, %(service_type)s, '1', 'phone',
               r.at, r.at + interval '1 hour', r.at + interval '2 hours',
               r.at + interval '3 hours', 'closed', %(stage)s, %(contract)s,
               'matched', (%(users)s::int[])[1 + g %% %(user_count)s],
               %(team)s, 'met', CASE WHEN g %% 20 = 0 THEN 1 ELSE 0 END, false,
               g %% 20 <> 0, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %(count)s) AS g,
               LATERAL (SELECT %(end)s::timestamp
                        - make_interval(secs => %(span)s::float * g / %(count)s)
                        AS at) r
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO aftersales_ticket_sla
            (ticket_id, company_id, metric, target_seconds, state, deadline,
             elapsed_seconds, paused_seconds, lateness_seconds, met_at, breached_at,
             as_of, create_uid, create_date, write_uid, write_date)
        SELECT t.id, %(company)s, m.metric, m.target,
               CASE WHEN m.metric = 'response' AND t.id %% 10 = 0
                    THEN 'breached' ELSE 'met' END,
               t.reported_at + make_interval(secs => m.target),
               m.elapsed, 0, 0, t.reported_at + make_interval(secs => m.elapsed),
               CASE WHEN m.metric = 'response' AND t.id %% 10 = 0
                    THEN t.reported_at + make_interval(secs => m.target) END,
               t.closed_at, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM aftersales_ticket t,
               (VALUES ('response', 14400, 3600), ('resolution', 86400, 7200))
                   AS m(metric, target, elapsed)
         WHERE t.contract_id = %(contract)s
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO survey_user_input
            (survey_id, state, access_token, partner_id, aftersales_contract_id,
             aftersales_ticket_id, aftersales_trigger, aftersales_sent_at,
             end_datetime, aftersales_scored, aftersales_index, aftersales_user_id,
             aftersales_team_id, create_uid, create_date, write_uid, write_date)
        SELECT %(survey)s, 'done', md5(t.id::text || %(label)s), %(partner)s,
               %(contract)s, t.id, 'ticket_closed', t.closed_at,
               t.closed_at + interval '1 day', true, 60 + (t.id %% 40), t.user_id,
               t.team_id, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM aftersales_ticket t
         WHERE t.contract_id = %(contract)s AND t.id %% 4 = 0
        """,
        params,
    )
    for table in ("aftersales_ticket", "aftersales_ticket_sla", "survey_user_input"):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    return time.perf_counter() - started


def evaluate(env, contract, runs=5):
    """Median time and queries of computing the quarter's evaluation."""
    Evaluation = env["aftersales.evaluation"]
    evaluation = Evaluation.search(
        [("contract_id", "=", contract.id), ("date_from", "=", QUARTER_START)]
    ) or Evaluation.create(
        {
            "contract_id": contract.id,
            "period_type": "quarter",
            "date_from": QUARTER_START,
            "date_to": QUARTER_END,
        }
    )
    env.cr.commit()
    seconds, queries = [], []
    for _run in range(runs):
        env.invalidate_all()
        before = env.cr.sql_log_count
        started = time.perf_counter()
        evaluation._compute_figures()
        env.flush_all()
        seconds.append(time.perf_counter() - started)
        queries.append(env.cr.sql_log_count - before)
        env.cr.commit()
    figures = evaluation._kpi_figures()
    return {
        "seconds": statistics.median(seconds),
        "queries": int(statistics.median(queries)),
        "sla_response": figures["sla_response"],
        "satisfaction_index": figures["satisfaction_index"],
        "tickets": env["aftersales.ticket"].search_count(
            [("contract_id", "=", contract.id)]
        ),
        "in_period": env["aftersales.ticket"].search_count(
            [
                ("contract_id", "=", contract.id),
                (
                    "reported_at",
                    ">=",
                    datetime.combine(QUARTER_START, datetime.min.time()),
                ),
                (
                    "reported_at",
                    "<",
                    datetime.combine(
                        QUARTER_END + timedelta(days=1), datetime.min.time()
                    ),
                ),
            ]
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", os.environ["ODOO_RC"]], setup_logging=False)
    env = env_for(args.db)
    results = []
    for label, years, count in (("EV1-", 1, 10_000), ("EV10-", 10, 100_000)):
        contract = setup(env, label, years)
        generated = generate(env, contract, count, years, label)
        measured = evaluate(env, contract)
        measured.update(years=years, generate_s=generated)
        results.append(measured)
        print(
            f"evaluation over {measured['tickets']:,} tickets ({years} y), "
            f"{measured['in_period']:,} in the quarter: {measured['seconds']:.3f} s, "
            f"{measured['queries']} queries",
            flush=True,
        )
    started = time.perf_counter()
    cards = env["aftersales.scorecard"]._generate("quarter", QUARTER_START)
    env.flush_all()
    scorecards = {"seconds": time.perf_counter() - started, "count": len(cards)}
    env.cr.commit()
    env.cr.close()
    report.write(
        args.output, {"evaluate": report.evaluate_section(results, scorecards)}
    )


if __name__ == "__main__":
    main()
