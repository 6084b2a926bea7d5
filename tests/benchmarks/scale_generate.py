"""Generator of a service organisation's database at size (issue #16, item 2).

Run through ``scripts/bench.sh --only scale --scale-tickets 100000,1000000``, which
creates one fresh database per size (the five addons, no demo data) and calls this
script on it before ``bench_scale.py`` measures it.

What it builds, on top of the fresh install:

- with the ORM (the product's own rules, sequences, activation events): a company
  calendar, three SLA policies (Gold, Silver, Bronze: response and resolution
  targets per priority), a satisfaction survey, 30 technicians in two teams, a
  service manager (``scale.manager``), 1,000 customers and 1,000 active contracts
  over five years (a fixed penalty clause each, a monthly cap of 10 % of the
  contract value), among them one large customer with about 5 % of all tickets and
  a portal user (``scale.portal``);
- with SQL (INSERT ... SELECT in the database, the ORM being far too slow for a
  million tickets on two cores), the columns the ORM writes, for N tickets spread
  evenly over the five years, ids growing with time:
  tickets (stored computed fields ``sla_status``, ``sla_deadline``, ``is_paused``,
  ``is_first_time_fix``, ``commercial_partner_id`` computed here the way the
  product computes them), their response and resolution clocks
  (``aftersales.ticket.sla``, 24x7 like the other benchmarks: elapsed is wall time),
  about ten ledger events per ticket (reported, assigned, responded, arrived,
  paused, resumed, resolved, accepted, closed, plus warnings, breaches and
  penalties where they happened), the penalties of the breached clocks and an
  answered satisfaction survey for one closed ticket in five;
- the open backlog (a fixed number of the newest tickets, 3,000 by default): 45 % on
  track (a third not yet answered), 10 % at risk (past their warning, before their
  deadline), 5 % overdue by a few minutes (the SLA watch has not booked them yet),
  20 % breached and booked, 20 % paused (waiting for parts);
- the events are inserted unsealed and recorded now (the insert guard accepts
  nothing else: a historic import), then sealed by the product's own sealer, so that
  ``verify_ledger`` passes;
- VACUUM ANALYZE at the end.

``--check`` recomputes the stored computed fields of a sample of tickets with the
ORM and compares, and verifies the ledger: the generated database is what the
product would have written.

The timings go to a JSON file beside the database's other benchmark state, read by
``bench_scale.py`` for its report.
"""

import argparse
import json
import os
import threading
import time
from datetime import datetime, timedelta

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

LABEL = "Scale"
YEARS = 5
CONTRACTS = 1000
TECHNICIANS = 30
#: The large customer's share of the tickets.
LARGE_SHARE = 0.05
PASSWORD = "scale-bench"
MANAGER_LOGIN = "scale.manager"
PORTAL_LOGIN = "scale.portal"
CHUNK = 50_000

#: Response and resolution targets (hours) per priority, scaled per policy.
TARGET_HOURS = {
    "0": (8, 72),
    "1": (4, 48),
    "2": (2, 24),
    "3": (1, 8),
}
POLICIES = (("Gold", 0.5), ("Silver", 1.0), ("Bronze", 2.0))

SUMMARIES = [
    "Door lock does not open",
    "Air conditioner leaks water",
    "Elevator stops between floors",
    "Printer jams on every page",
    "Compressor makes a loud noise",
    "Control panel shows error E04",
    "Pump pressure too low",
    "Boiler does not ignite",
    "Conveyor belt slips",
    "Access badge reader offline",
    "门禁无法开启",
    "空调漏水",
    "电梯困人",
    "打印机卡纸",
    "设备报警 E04",
    "水泵压力不足",
]


def env_for(dbname):
    registry = Registry(dbname)
    return api.Environment(registry.cursor(), SUPERUSER_ID, {})


# ----------------------------------------------------------------------------------
# Reference data (ORM)


def setup_reference(env):
    """Create (once) the reference data; return what the SQL generation needs."""
    Users = env["res.users"].with_context(no_reset_password=True)
    manager = Users.search([("login", "=", MANAGER_LOGIN)])
    if not manager:
        _create_reference(env, Users)
        env.cr.commit()
        manager = Users.search([("login", "=", MANAGER_LOGIN)])
    contracts = env["aftersales.contract"].search(
        [("title", "=like", f"{LABEL} %")], order="id"
    )
    large = contracts.filtered(lambda c: c.title == f"{LABEL} large customer")
    others = contracts - large
    technicians = Users.search([("login", "=like", "scale.tech%")], order="id")
    teams = env["aftersales.team"].search([("name", "=like", f"{LABEL} team%")])
    return {
        "manager": manager,
        "contracts": large + others,
        "technicians": technicians,
        "teams": teams,
    }


def _create_reference(env, Users):
    group_user = env.ref("aftersales_sla.group_aftersales_user")
    group_manager = env.ref("aftersales_sla.group_aftersales_manager")
    Users.create(
        {
            "name": "Scale Service Manager",
            "login": MANAGER_LOGIN,
            "password": PASSWORD,
            "tz": "Asia/Shanghai",
            "groups_id": [(4, group_manager.id)],
        }
    )
    technicians = Users.create(
        [
            {
                "name": f"Technician {n:02d}",
                "login": f"scale.tech{n:02d}",
                "password": PASSWORD,
                "tz": "Asia/Shanghai",
                "groups_id": [(4, group_user.id)],
            }
            for n in range(1, TECHNICIANS + 1)
        ]
    )
    half = TECHNICIANS // 2
    env["aftersales.team"].create(
        [
            {"name": f"{LABEL} team North", "member_ids": technicians[:half].ids},
            {"name": f"{LABEL} team South", "member_ids": technicians[half:].ids},
        ]
    )
    calendar = env["resource.calendar"].create(
        {"name": f"{LABEL} business hours", "tz": "Asia/Shanghai"}
    )
    policies = env["aftersales.sla.policy"].create(
        [
            {
                "name": f"{LABEL} {name}",
                "target_ids": [
                    (
                        0,
                        0,
                        {
                            "metric": metric,
                            "priority": priority,
                            "target_hours": hours[index] * factor,
                        },
                    )
                    for priority, hours in TARGET_HOURS.items()
                    for index, metric in enumerate(("response", "resolution"))
                ],
            }
            for name, factor in POLICIES
        ]
    )
    survey = env["survey.survey"].create({"title": f"{LABEL} satisfaction survey"})
    start = (datetime.now() - timedelta(days=365 * YEARS + 30)).date()
    customers = env["res.partner"].create(
        [{"name": f"{LABEL} large customer Group Ltd.", "is_company": True}]
        + [
            {
                "name": f"{LABEL} customer {n:04d} Co., Ltd.",
                "is_company": True,
                "city": ("Shanghai", "Suzhou", "Hangzhou", "Nanjing")[n % 4],
            }
            for n in range(1, CONTRACTS)
        ]
    )
    large = customers[0]
    contact = env["res.partner"].create(
        {
            "name": "Large customer contact",
            "parent_id": large.id,
            "email": "it@large.example",
        }
    )
    Users.create(
        {
            "name": contact.name,
            "login": PORTAL_LOGIN,
            "password": PASSWORD,
            "partner_id": contact.id,
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        }
    )
    for offset in range(0, CONTRACTS, 100):
        contracts = env["aftersales.contract"].create(
            [
                {
                    "partner_id": customer.id,
                    "title": (
                        f"{LABEL} large customer"
                        if customer == large
                        else f"{LABEL} contract {customer.name}"
                    ),
                    "date_start": start,
                    "date_end": "2099-12-31",
                    "amount_value": 2_000_000 if customer == large else 200_000,
                    "penalty_cap_percent": 10,
                    "calendar_id": calendar.id,
                    "sla_policy_id": policies[index % len(policies)].id,
                    "survey_id": survey.id,
                    "penalty_rule_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Per breach",
                                "rule_type": "fixed",
                                "amount": 100 * (1 + index % 5),
                            },
                        )
                    ],
                }
                for index, customer in enumerate(
                    customers[offset : offset + 100], start=offset
                )
            ]
        )
        contracts.action_activate()
        env.cr.commit()


# ----------------------------------------------------------------------------------
# Bulk data (SQL)

#: The chunk's tickets with their draws and derived times (seconds from reported).
STAGE_SQL = """
CREATE TEMP TABLE scale_t ON COMMIT DROP AS
WITH draw AS (
    SELECT g,
           nextval('aftersales_ticket_id_seq')::int AS id,
           CASE WHEN random() < %(large_share)s THEN 1
                ELSE 2 + floor(random() * (%(contracts)s - 1))::int END AS ci,
           (ARRAY['0','1','1','1','1','2','2','3'])[1 + floor(random() * 8)::int]
               AS priority,
           random() AS u1, random() AS u2, random() AS u3, random() AS u4,
           random() AS u5, random() AS u6,
           CASE WHEN g > %(n)s - %(open)s THEN 'open'
                WHEN g > %(n)s - %(open)s - %(resolved)s THEN 'resolved'
                ELSE 'closed' END AS life
      FROM generate_series(%(lo)s, %(hi)s) AS g
), kinds AS (
    SELECT d.*, c.contract_id, c.partner_id, c.policy_id, c.rule_id, c.amount,
           rt.seconds AS resp_t, st.seconds AS res_t,
           rt.target_id AS resp_target, st.target_id AS res_target,
           CASE WHEN d.life <> 'open' THEN d.life
                WHEN d.u5 < 0.30 THEN 'new'
                WHEN d.u5 < 0.45 THEN 'track'
                WHEN d.u5 < 0.55 THEN 'risk'
                WHEN d.u5 < 0.60 THEN 'overdue'
                WHEN d.u5 < 0.80 THEN 'breached'
                ELSE 'paused' END AS kind
      FROM draw d
      JOIN scale_c c ON c.ci = d.ci
      JOIN scale_tg rt ON rt.policy_id = c.policy_id AND rt.priority = d.priority
                      AND rt.metric = 'response'
      JOIN scale_tg st ON st.policy_id = c.policy_id AND st.priority = d.priority
                      AND st.metric = 'resolution'
), timed AS (
    SELECT k.*,
           -- When it was reported: history evenly over the years, the open backlog
           -- placed against now so that each kind is what its name says.
           date_trunc('second', CASE k.kind
               WHEN 'new' THEN %(now)s - make_interval(secs => k.u1 * 0.5 * k.resp_t)
               WHEN 'track' THEN %(now)s - make_interval(secs => k.u1 * 0.5 * k.res_t)
               WHEN 'risk' THEN %(now)s
                   - make_interval(secs => (0.82 + 0.15 * k.u1) * k.res_t)
               WHEN 'overdue' THEN %(now)s
                   - make_interval(secs => k.res_t + 60 + k.u1 * 600)
               WHEN 'breached' THEN %(now)s
                   - make_interval(secs => (1.2 + 4 * k.u1) * k.res_t)
               WHEN 'paused' THEN %(now)s
                   - make_interval(secs => (0.3 + 0.5 * k.u1) * k.res_t)
               -- Resolved within the last day, not yet accepted.
               WHEN 'resolved' THEN %(now)s
                   - make_interval(secs => 1.2 * k.res_t + k.u1 * 86400)
               ELSE %(t0)s + make_interval(
                   secs => (k.g - 1 + k.u1) * %(span)s
                           / (%(n)s - %(open)s - %(resolved)s))
           END) AS reported,
           -- Response delay: 5 %% of the answers come late.
           round(k.resp_t * (0.05 + 1.0 * power(k.u2, 1.5)))::int AS resp_d
      FROM kinds k
)
SELECT t.*,
       greatest(t.resp_d + 600, round(t.res_t * (0.1 + power(t.u3, 1.3))))::int
           AS res_d,
       -- Waiting for parts between arrival and resolution (the clock stands still).
       0 AS pause_len
  FROM timed t
"""

#: Derived per-ticket times and states (one more pass keeps STAGE_SQL readable).
DERIVE_SQL = """
CREATE TEMP TABLE scale_d ON COMMIT DROP AS
SELECT t.*,
       t.reported + make_interval(secs => t.resp_d) AS responded,
       t.reported + make_interval(secs => t.resp_d + (t.res_d - t.resp_d) * 0.3)
           AS arrived,
       t.reported + make_interval(secs => t.resp_d + (t.res_d - t.resp_d) * 0.35)
           AS paused_at,
       p.len AS paused_len,
       t.reported + make_interval(secs => t.res_d) AS resolved,
       -- Counted resolution time: wall time less the pause.
       t.res_d - p.len AS res_elapsed,
       (t.resp_d > t.resp_t) AS resp_late,
       (t.res_d - p.len > t.res_t) AS res_late,
       nextval('aftersales_ticket_sla_id_seq')::int AS resp_line,
       nextval('aftersales_ticket_sla_id_seq')::int AS res_line
  FROM scale_t t,
       LATERAL (SELECT round((t.res_d - t.resp_d) * 0.5 * t.u4)::int AS len) p
"""

#: Open tickets: what is done and what runs, relative to now.
OPEN_SQL = """
CREATE TEMP TABLE scale_o ON COMMIT DROP AS
SELECT d.id,
       extract(epoch FROM %(now)s - d.reported)::int AS age,
       (d.kind <> 'new') AS answered,
       least(d.resp_d, greatest(60, extract(epoch FROM %(now)s - d.reported)::int / 4))
           AS resp_done
  FROM scale_d d WHERE d.life = 'open'
"""

TICKET_SQL = """
INSERT INTO aftersales_ticket
    (id, number, name, company_id, partner_id, commercial_partner_id, contract_id,
     contract_match, service_type_id, priority, channel, reported_at,
     responded_at, arrived_at, resolved_at, accepted_at, acceptance, closed_at,
     user_id, team_id, stage_id, reopen_count, is_first_time_fix, pause_reason_id,
     is_paused, state, sla_status, sla_deadline, sla_unmatched,
     create_uid, create_date, write_uid, write_date)
SELECT d.id,
       'T' || to_char(d.reported, 'YYYY') || lpad(d.g::text, 7, '0'),
       (%(summaries)s::text[])[1 + d.g %% %(summary_count)s],
       %(company)s, d.partner_id, d.partner_id, d.contract_id, 'matched',
       (%(service_types)s::int[])[1 + floor(d.u6 * %(service_type_count)s)::int],
       d.priority,
       (ARRAY['phone','phone','email','portal','onsite'])[1 + d.g %% 5],
       d.reported,
       CASE WHEN d.life <> 'open' OR o.answered
            THEN d.reported + make_interval(secs => coalesce(o.resp_done, d.resp_d))
       END,
       CASE WHEN d.life <> 'open' THEN d.arrived
            WHEN d.kind IN ('breached', 'paused', 'risk') THEN
                d.reported + make_interval(secs => o.age / 2) END,
       CASE WHEN d.life <> 'open' THEN d.resolved END,
       CASE WHEN d.life = 'closed' THEN d.resolved + interval '1 day' END,
       CASE WHEN d.life = 'closed' THEN
           (CASE WHEN d.g %% 3 = 0 THEN 'automatic' ELSE 'customer' END) END,
       CASE WHEN d.life = 'closed' THEN d.resolved + interval '1 day' END,
       (%(technicians)s::int[])[1 + d.g %% %(technician_count)s],
       (%(teams)s::int[])[1 + (d.g %% %(technician_count)s) * %(team_count)s
                                / %(technician_count)s],
       CASE WHEN d.life = 'closed' THEN %(stage_closed)s
            WHEN d.life = 'resolved' THEN %(stage_resolved)s
            WHEN d.kind = 'new' THEN %(stage_new)s
            WHEN d.kind = 'paused' THEN %(stage_parts)s
            ELSE %(stage_progress)s END,
       0,
       d.life <> 'open',
       CASE WHEN d.kind = 'paused' THEN %(pause_parts)s END,
       d.kind = 'paused',
       CASE WHEN d.life = 'open' THEN 'open' ELSE d.life END,
       -- _compute_sla_summary: breached > running > paused > met.
       CASE WHEN d.life <> 'open' THEN
                (CASE WHEN d.resp_late OR d.res_late THEN 'breached' ELSE 'met' END)
            WHEN d.kind = 'breached' THEN 'breached'
            WHEN d.kind = 'paused' THEN 'paused'
            ELSE 'running' END,
       CASE WHEN d.life <> 'open' OR d.kind IN ('breached', 'paused') THEN NULL
            WHEN d.kind = 'new' THEN d.reported + make_interval(secs => d.resp_t)
            ELSE d.reported + make_interval(secs => d.res_t) END,
       false,
       %(author)s, d.reported, %(author)s,
       coalesce(CASE WHEN d.life = 'closed' THEN d.resolved + interval '1 day' END,
                d.resolved, d.reported)
  FROM scale_d d LEFT JOIN scale_o o ON o.id = d.id
"""

SLA_SQL = """
INSERT INTO aftersales_ticket_sla
    (id, ticket_id, company_id, target_id, metric, calendar_id, target_seconds,
     ceiling_seconds, state, deadline, warning_at, warning_percent,
     elapsed_seconds, paused_seconds, lateness_seconds, met_at, breached_at, as_of,
     create_uid, create_date, write_uid, write_date)
-- Response clocks.
SELECT d.resp_line, d.id, %(company)s, d.resp_target, 'response', NULL::int,
       d.resp_t, 0,
       CASE WHEN d.kind = 'new' THEN 'running'
            WHEN d.resp_late THEN 'breached' ELSE 'met' END,
       d.reported + make_interval(secs => d.resp_t),
       d.reported + make_interval(secs => d.resp_t * 0.8), 80.0,
       CASE WHEN d.kind = 'new' THEN 0 ELSE d.resp_d END, 0,
       CASE WHEN d.kind = 'new' THEN 0 ELSE greatest(0, d.resp_d - d.resp_t) END,
       CASE WHEN d.kind <> 'new' THEN d.responded END,
       CASE WHEN d.kind <> 'new' AND d.resp_late
            THEN d.reported + make_interval(secs => d.resp_t) END,
       CASE WHEN d.kind = 'new' THEN d.reported ELSE d.responded END,
       %(author)s, d.reported, %(author)s, d.reported
  FROM scale_d d
 WHERE d.life <> 'open' OR d.kind = 'new'
UNION ALL
-- Open tickets already answered: met on time (the backlog's lateness is in
-- its resolution).
SELECT d.resp_line, d.id, %(company)s, d.resp_target, 'response', NULL::int,
       d.resp_t, 0,
       'met', d.reported + make_interval(secs => d.resp_t),
       d.reported + make_interval(secs => d.resp_t * 0.8), 80.0,
       o.resp_done, 0, 0, d.reported + make_interval(secs => o.resp_done),
       NULL::timestamp,
       d.reported + make_interval(secs => o.resp_done),
       %(author)s, d.reported, %(author)s, d.reported
  FROM scale_d d JOIN scale_o o ON o.id = d.id
 WHERE d.kind <> 'new'
UNION ALL
-- Resolution clocks.
SELECT d.res_line, d.id, %(company)s, d.res_target, 'resolution', NULL::int,
       d.res_t, 0,
       CASE WHEN d.life <> 'open' THEN
                (CASE WHEN d.res_late THEN 'breached' ELSE 'met' END)
            WHEN d.kind = 'breached' THEN 'breached'
            WHEN d.kind = 'paused' THEN 'paused'
            ELSE 'running' END,
       CASE WHEN d.kind = 'paused' THEN NULL
            WHEN d.life <> 'open'
                THEN d.reported + make_interval(secs => d.res_t + d.paused_len)
            ELSE d.reported + make_interval(secs => d.res_t) END,
       d.reported + make_interval(secs => d.res_t * 0.8), 80.0,
       CASE WHEN d.life <> 'open' THEN d.res_elapsed
            WHEN d.kind = 'breached' THEN d.res_t
            WHEN d.kind = 'paused' THEN o.age / 2
            ELSE 0 END,
       CASE WHEN d.life <> 'open' THEN d.paused_len ELSE 0 END,
       CASE WHEN d.life <> 'open' THEN greatest(0, d.res_elapsed - d.res_t)
            ELSE 0 END,
       CASE WHEN d.life <> 'open' THEN d.resolved END,
       CASE WHEN (d.life <> 'open' AND d.res_late)
            THEN d.reported + make_interval(secs => d.res_t + d.paused_len)
            WHEN d.kind = 'breached' THEN d.reported + make_interval(secs => d.res_t)
       END,
       CASE WHEN d.life <> 'open' THEN d.resolved
            WHEN d.kind = 'breached' THEN d.reported + make_interval(secs => d.res_t)
            WHEN d.kind = 'paused' THEN d.reported + make_interval(secs => o.age / 2)
            ELSE d.reported END,
       %(author)s, d.reported, %(author)s, d.reported
  FROM scale_d d LEFT JOIN scale_o o ON o.id = d.id
"""

#: The ledger events of the chunk's tickets, in the order they happened per ticket.
EVENT_SQL = """
CREATE TEMP TABLE scale_e ON COMMIT DROP AS
SELECT nextval('aftersales_event_id_seq')::int AS id, x.*
  FROM (
    SELECT d.id AS ticket_id, s.step, s.event_type,
           least(s.at, %(now)s) AS occurred_at,
           s.author, s.line, s.payload
      FROM scale_d d LEFT JOIN scale_o o ON o.id = d.id,
      LATERAL (VALUES
        (1, 'ticket.reported', d.reported, %(author)s, NULL::int,
         '{"channel":"phone","contract":' || d.contract_id
         || ',"contract_match":"matched","customer":' || d.partner_id
         || ',"priority":"' || d.priority || '","ticket":"T' || d.g || '"}'),
        (2, 'ticket.assigned', d.reported + interval '5 minutes', %(author)s, NULL,
         '{"user":' || (%(technicians)s::int[])[1 + d.g %% %(technician_count)s]
         || '}'),
        (3, CASE WHEN d.life <> 'open' OR o.answered THEN 'ticket.responded' END,
         d.reported + make_interval(secs => coalesce(o.resp_done, d.resp_d)),
         (%(technicians)s::int[])[1 + d.g %% %(technician_count)s], NULL, '{}'),
        (4, CASE WHEN d.life <> 'open' OR d.kind IN ('breached', 'paused', 'risk')
                 THEN 'ticket.arrived' END,
         CASE WHEN d.life <> 'open' THEN d.arrived
              ELSE d.reported + make_interval(secs => o.age / 2) END,
         (%(technicians)s::int[])[1 + d.g %% %(technician_count)s], NULL, '{}'),
        (5, CASE WHEN d.life <> 'open' OR d.kind = 'paused' THEN 'ticket.paused' END,
         CASE WHEN d.life <> 'open' THEN d.paused_at
              ELSE d.reported + make_interval(secs => o.age / 2) END,
         (%(technicians)s::int[])[1 + d.g %% %(technician_count)s], NULL,
         '{"reason":"waiting_parts"}'),
        (6, CASE WHEN d.life <> 'open' THEN 'ticket.resumed' END,
         d.paused_at + make_interval(secs => d.paused_len),
         (%(technicians)s::int[])[1 + d.g %% %(technician_count)s], NULL, '{}'),
        (7, CASE WHEN d.life <> 'open' AND d.resp_late THEN 'sla.breached' END,
         d.reported + make_interval(secs => d.resp_t), %(author)s, d.resp_line,
         '{"metric":"response"}'),
        (8, CASE WHEN (d.life <> 'open' AND d.res_elapsed > 0.8 * d.res_t)
                   OR d.kind IN ('risk', 'breached', 'overdue') THEN 'sla.warning' END,
         d.reported + make_interval(secs => 0.8 * d.res_t), %(author)s, d.res_line,
         '{"metric":"resolution"}'),
        (9, CASE WHEN (d.life <> 'open' AND d.res_late) OR d.kind = 'breached'
                 THEN 'sla.breached' END,
         d.reported + make_interval(secs => d.res_t
                                    + CASE WHEN d.life <> 'open'
                                           THEN d.paused_len ELSE 0 END),
         %(author)s, d.res_line, '{"metric":"resolution"}'),
        (10, CASE WHEN d.life <> 'open' THEN 'ticket.resolved' END, d.resolved,
         (%(technicians)s::int[])[1 + d.g %% %(technician_count)s], NULL, '{}'),
        (11, CASE WHEN d.life = 'closed' THEN 'ticket.accepted' END,
         d.resolved + interval '1 day', %(author)s, NULL, '{}'),
        (12, CASE WHEN d.life = 'closed' THEN 'ticket.closed' END,
         d.resolved + interval '1 day', %(author)s, NULL, '{}')
      ) AS s(step, event_type, at, author, line, payload)
     WHERE s.event_type IS NOT NULL
     ORDER BY d.id, s.at, s.step
  ) x
"""

EVENT_INSERT_SQL = """
INSERT INTO aftersales_event
    (id, chain_id, company_id, event_type, occurred_at, recorded_at, author_id,
     res_model, res_id, reason, payload, create_uid, create_date, write_uid,
     write_date)
SELECT e.id, %(chain)s, %(company)s, e.event_type, e.occurred_at,
       date_trunc('second', now() AT TIME ZONE 'UTC'), e.author,
       'aftersales.ticket', e.ticket_id, NULL, e.payload,
       e.author, date_trunc('second', now() AT TIME ZONE 'UTC'), e.author,
       date_trunc('second', now() AT TIME ZONE 'UTC')
  FROM scale_e e ORDER BY e.id
"""

#: Each breach booked the clock's event and a penalty under the contract's clause
#: (assessed when booked; confirmed once the month is over).
PENALTY_SQL = """
WITH breach AS (
    UPDATE aftersales_ticket_sla l SET breach_event_id = e.id
      FROM scale_e e
     WHERE e.event_type = 'sla.breached' AND l.id = e.line
 RETURNING l.id AS line, l.ticket_id, e.id AS event, e.occurred_at
)
INSERT INTO aftersales_penalty
    (name, contract_id, company_id, currency_id, ticket_id, sla_line_id, event_id,
     rule_id, partner_id, direction, amount, amount_computed, amount_clipped,
     period_start, assessed_at, state, create_uid, create_date, write_uid,
     write_date)
SELECT 'LD' || to_char(b.occurred_at, 'YYYY') || '/' || lpad(b.line::text, 7, '0'),
       d.contract_id, %(company)s, %(currency)s, d.id, b.line, b.event, d.rule_id,
       d.partner_id, 'payable', d.amount, d.amount, 0,
       date_trunc('month', b.occurred_at)::date, b.occurred_at,
       CASE WHEN b.occurred_at < date_trunc('month', %(now)s) THEN 'confirmed'
            ELSE 'assessed' END,
       %(author)s, b.occurred_at, %(author)s, b.occurred_at
  FROM breach b JOIN scale_d d ON d.id = b.ticket_id
"""

SURVEY_SQL = """
INSERT INTO survey_user_input
    (survey_id, state, access_token, partner_id, aftersales_contract_id,
     aftersales_ticket_id, aftersales_trigger, aftersales_sent_at, end_datetime,
     aftersales_scored, aftersales_index, aftersales_user_id, aftersales_team_id,
     create_uid, create_date, write_uid, write_date)
SELECT %(survey)s, 'done', md5('scale' || t.id), t.partner_id, t.contract_id, t.id,
       'ticket_closed', t.closed_at, t.closed_at + interval '1 day', true,
       55 + (t.id::bigint * 7919 %% 45), t.user_id, t.team_id,
       %(author)s, t.closed_at, %(author)s, t.closed_at + interval '1 day'
  FROM aftersales_ticket t JOIN scale_d d ON d.id = t.id
 WHERE d.life = 'closed' AND d.g %% 5 = 0
"""


def generate(env, ref, count, open_count):
    """Insert ``count`` tickets (and the rest) in chunks; return the timings."""
    cr = env.cr
    cr.execute(
        "SELECT count(*) FROM aftersales_ticket WHERE contract_id = ANY(%s)",
        [ref["contracts"].ids],
    )
    done = cr.fetchone()[0]
    if done >= count:
        print("tickets already generated: skipping", flush=True)
        return None
    if done % CHUNK:
        raise SystemExit(f"{done} tickets: not a whole number of chunks, start afresh")
    contracts = ref["contracts"]
    now = datetime.now().replace(microsecond=0)
    cr.execute(
        "CREATE TEMP TABLE scale_c (ci int, contract_id int, partner_id int,"
        " policy_id int, rule_id int, amount numeric)"
    )
    rows = [
        (
            index,
            contract.id,
            contract.partner_id.id,
            contract.sla_policy_id.id,
            contract.penalty_rule_ids[:1].id,
            contract.penalty_rule_ids[:1].amount,
        )
        for index, contract in enumerate(contracts, start=1)
    ]
    cr.execute(
        "INSERT INTO scale_c VALUES " + ",".join(["%s"] * len(rows)),
        rows,
    )
    cr.execute(
        "CREATE TEMP TABLE scale_tg (policy_id int, priority text, metric text,"
        " target_id int, seconds int)"
    )
    targets = contracts.sla_policy_id.target_ids
    cr.execute(
        "INSERT INTO scale_tg VALUES " + ",".join(["%s"] * len(targets)),
        [
            (
                target.policy_id.id,
                target.priority,
                target.metric,
                target.id,
                round(target.target_hours * 3600),
            )
            for target in targets
        ],
    )
    chain = env["aftersales.event.chain"].search([("company_id", "=", env.company.id)])
    service_types = [
        env.ref(f"aftersales_sla.service_type_{code}").id
        for code in ("repair", "repair", "repair", "maintenance", "technical_support")
    ]
    params = {
        "n": count,
        "open": min(open_count, count // 10),
        "resolved": min(300, count // 100),
        "contracts": len(contracts),
        "large_share": LARGE_SHARE,
        "now": now,
        "t0": now - timedelta(days=365 * YEARS),
        # History ends ten days ago: its tickets are resolved and closed by now.
        "span": (365 * YEARS - 10) * 86400,
        "company": env.company.id,
        "currency": env.company.currency_id.id,
        "author": ref["manager"].id,
        "summaries": SUMMARIES,
        "summary_count": len(SUMMARIES),
        "service_types": service_types,
        "service_type_count": len(service_types),
        "technicians": ref["technicians"].ids,
        "technician_count": len(ref["technicians"]),
        "teams": ref["teams"].ids or [None],
        "team_count": max(len(ref["teams"]), 1),
        "stage_new": env.ref("aftersales_sla.ticket_stage_new").id,
        "stage_progress": env.ref("aftersales_sla.ticket_stage_in_progress").id,
        "stage_parts": env.ref("aftersales_sla.ticket_stage_waiting_parts").id,
        "stage_resolved": env.ref("aftersales_sla.ticket_stage_resolved").id,
        "stage_closed": env.ref("aftersales_sla.ticket_stage_closed").id,
        "pause_parts": env.ref("aftersales_sla.pause_reason_waiting_parts").id,
        "chain": chain.id,
        "survey": contracts[:1].survey_id.id,
    }
    cr.commit()
    timings = {"tickets": 0.0, "events": 0.0}
    started = time.perf_counter()
    # Each chunk commits on its own: an interrupted run goes on after the last one.
    cr.execute("SELECT setseed(%s)", [0.16 + done / count / 10])
    if done:
        print(f"{done:,} tickets there already: going on", flush=True)
    for lo in range(done + 1, count + 1, CHUNK):
        hi = min(lo + CHUNK - 1, count)
        chunk = dict(params, lo=lo, hi=hi)
        step = time.perf_counter()
        for sql in (STAGE_SQL, DERIVE_SQL, OPEN_SQL, TICKET_SQL, SLA_SQL):
            cr.execute(sql, chunk)
        timings["tickets"] += time.perf_counter() - step
        step = time.perf_counter()
        cr.execute(EVENT_SQL, chunk)
        cr.execute(EVENT_INSERT_SQL, chunk)
        timings["events"] += time.perf_counter() - step
        cr.execute(PENALTY_SQL, chunk)
        cr.execute(SURVEY_SQL, chunk)
        cr.commit()
        print(
            f"generated tickets {lo:,}-{hi:,} ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    timings["insert_s"] = time.perf_counter() - started
    for table in ("aftersales_ticket", "aftersales_ticket_sla", "aftersales_event"):
        cr.execute(f"ANALYZE {table}")
    cr.commit()
    started = time.perf_counter()
    sealed = env["aftersales.event"]._seal_chains(chain, batch_size=20000, commit=True)
    cr.commit()
    timings["seal_s"] = time.perf_counter() - started
    timings["sealed"] = sealed
    print(f"sealed {sealed:,} events in {timings['seal_s']:.0f} s", flush=True)
    return timings


def vacuum(env):
    started = time.perf_counter()
    env.cr.commit()
    env.cr._cnx.autocommit = True
    env.cr.execute("VACUUM ANALYZE")
    env.cr._cnx.autocommit = False
    return time.perf_counter() - started


def counts(env):
    cr = env.cr
    result = {}
    for key, sql in (
        ("tickets", "SELECT count(*) FROM aftersales_ticket"),
        ("open", "SELECT count(*) FROM aftersales_ticket WHERE state = 'open'"),
        ("sla_lines", "SELECT count(*) FROM aftersales_ticket_sla"),
        ("events", "SELECT count(*) FROM aftersales_event"),
        ("penalties", "SELECT count(*) FROM aftersales_penalty"),
        ("surveys", "SELECT count(*) FROM survey_user_input"),
        ("contracts", "SELECT count(*) FROM aftersales_contract"),
    ):
        cr.execute(sql)
        result[key] = cr.fetchone()[0]
    cr.execute(
        "SELECT pg_size_pretty(pg_database_size(current_database())),"
        " pg_database_size(current_database())"
    )
    result["db_size"], result["db_bytes"] = cr.fetchone()
    return result


def check(env, sample=300):
    """Recompute the stored computed fields of a sample with the ORM and compare;
    verify the ledger. Returns the differences found (none expected)."""
    Ticket = env["aftersales.ticket"]
    cr = env.cr
    cr.execute(
        "SELECT id FROM aftersales_ticket WHERE number LIKE 'T%%' "
        "ORDER BY state = 'open' DESC, md5(id::text) LIMIT %s",
        [sample],
    )
    tickets = Ticket.browse([row[0] for row in cr.fetchall()])
    fields = ["sla_status", "sla_deadline", "is_paused", "is_first_time_fix"]
    stored = {t.id: [t[name] for name in fields] for t in tickets}
    env.invalidate_all()
    tickets._compute_sla_summary()
    tickets._compute_is_paused()
    tickets._compute_is_first_time_fix()
    differences = [
        (ticket.id, name, stored[ticket.id][index], ticket[name])
        for ticket in tickets
        for index, name in enumerate(fields)
        if stored[ticket.id][index] != ticket[name]
    ]
    cr.rollback()  # the recomputed values are not written
    sampler = RssSampler()
    started = time.perf_counter()
    with sampler:
        result = env["aftersales.event"].verify_ledger()
    verify_s = time.perf_counter() - started
    cr.rollback()
    return {
        "sample": len(tickets),
        "differences": differences[:20],
        "difference_count": len(differences),
        "ledger_ok": bool(result["ok"]),
        "ledger_checked": result.get("checked"),
        "verify_s": verify_s,
        "verify_rss_start_mib": sampler.start / 1024,
        "verify_rss_peak_mib": sampler.peak / 1024,
    }


def _rss_kib():
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RssSampler:
    """This process's resident memory at the start of a block and its highest
    value during it (sampled every 20 ms on a thread): how much a verification
    of the whole ledger holds, whatever the ledger's size."""

    def __init__(self, interval=0.02):
        self.interval = interval
        self.start = self.peak = 0
        self._stop = threading.Event()
        self._thread = None

    def _run(self):
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, _rss_kib())

    def __enter__(self):
        self.start = self.peak = _rss_kib()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_kib())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--open", type=int, default=3000)
    parser.add_argument("--state", required=True, help="JSON file for the timings")
    parser.add_argument("--no-check", action="store_true")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", os.environ["ODOO_RC"]], setup_logging=False)
    env = env_for(args.db)
    summary = {"tickets_asked": args.tickets}
    if os.path.exists(args.state):
        with open(args.state, encoding="utf-8") as handle:
            summary = json.load(handle)
    started = time.perf_counter()
    ref = setup_reference(env)
    reference_s = time.perf_counter() - started
    timings = generate(env, ref, args.tickets, args.open)
    if timings is not None:
        summary.update(
            timings,
            reference_s=reference_s,
            vacuum_s=vacuum(env),
            total_s=time.perf_counter() - started,
        )
        print(f"generated in {summary['total_s']:.0f} s", flush=True)
    summary["counts"] = counts(env)
    if not args.no_check:
        summary["check"] = check(env)
        print(f"check: {json.dumps(summary['check'])}", flush=True)
    with open(args.state, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1, default=str)
    env.cr.close()


if __name__ == "__main__":
    main()
