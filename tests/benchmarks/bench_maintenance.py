"""Planned maintenance benchmark: the daily generation over 10,000 and 100,000
covered units (the 10x growth), one quarterly plan covering them all.

Run through ``scripts/bench.sh --only maintenance`` (the benchmark database has every
project addon); results go to docs/benchmarks.md between the ``maintenance`` markers.

Data: a customer with an active service contract covering N units of an electric
water heater; one maintenance plan (every 3 months, 14 days' lead, all the units the
contract covers). Units and schedule rows are inserted by SQL (idempotent and
committed: the count is brought to exactly N before each measurement), their due
dates spread over the quarter, from 30 to 119 days ahead: nothing is due.

Each measurement is a fresh process as the superuser (the scheduled action's user);
``env.flush_all()`` is inside the timed region and the transaction is rolled back.

(a) Due scan, nothing due
    ``aftersales.maintenance.schedule._generate_due()`` (lock the due rows, find none)
    plus ``_count_due`` (the cron's "remaining"), the median of 20 calls; the SQL
    plan of the scan is recorded to show it reads the partial index.
(b) Generation, 1 % due
    1 % of the rows (every hundredth) are made due today by SQL (not timed), then
    ``_cron_generate(batch_size=500)`` is called until nothing remains, as the cron
    loop would (without its commits): tickets with their checklist, ``ticket.reported``
    events and SLA clocks, schedule rows advanced.
(c) Per generated ticket
    (b) divided by the tickets generated.

The counts (tickets generated, rows advanced, clocks due at the end of the due day)
are checked before any timing is reported.
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_tickets as tickets  # noqa: E402
import report  # noqa: E402

CUSTOMER_NAME = "Benchmark: 广州温馨家电连锁 (maintenance)"
PRODUCT_NAME = "Benchmark: 电热水器 E60 (maintenance)"
PLAN_NAME = "Benchmark: quarterly service"
CHECKLIST = ("检查燃气管路 Gas line check", "清洗过滤网 Clean the filter")
SCAN_CALLS = 20
DUE_SHARE = 100  # one row in DUE_SHARE is due


# ----------------------------------------------------------------------------------
# In the child process (Odoo loaded)


def setup(env, size):
    """Customer, contract, product, exactly ``size`` covered units and their
    schedule rows of one plan (idempotent, committed). Returns the plan."""
    tickets.ours_setup(env)  # the benchmark calendar and policy
    calendar = env["resource.calendar"].search(
        [("name", "=", tickets.CALENDAR_NAME)], limit=1
    )
    policy = env["aftersales.sla.policy"].search(
        [("name", "=", tickets.POLICY_NAME)], limit=1
    )
    Partner = env["res.partner"]
    customer = Partner.search([("name", "=", CUSTOMER_NAME)], limit=1)
    if not customer:
        customer = Partner.create({"name": CUSTOMER_NAME, "is_company": True})
    today = date.today()
    Contract = env["aftersales.contract"]
    contract = Contract.search(
        [("partner_id", "=", customer.id), ("state", "=", "active")], limit=1
    )
    if not contract:
        contract = Contract.create(
            {
                "partner_id": customer.id,
                "title": "Benchmark: heater maintenance",
                "date_start": date(today.year, 1, 1),
                "date_end": date(today.year + 3, 12, 31),
                "amount_value": 100000,
                "calendar_id": calendar.id,
                "sla_policy_id": policy.id,
            }
        )
        contract.action_activate()
    product = env["product.product"].search([("name", "=", PRODUCT_NAME)], limit=1)
    if not product:
        product = env["product.product"].create({"name": PRODUCT_NAME, "type": "consu"})
    env.cr.execute(
        "SELECT count(*) FROM aftersales_unit WHERE contract_id = %s", [contract.id]
    )
    if not env.cr.fetchone()[0]:
        env["aftersales.unit"].create(
            {
                "product_id": product.id,
                "partner_id": customer.id,
                "contract_id": contract.id,
                "installation_date": today - timedelta(days=200),
            }
        )
    Plan = env["aftersales.maintenance.plan"]
    plan = Plan.search([("name", "=", PLAN_NAME)], limit=1)
    if not plan:
        plan = Plan.create(
            {
                "name": PLAN_NAME,
                "contract_id": contract.id,
                "interval_months": 3,
                "lead_days": 14,
                "date_first_due": today + timedelta(days=30),
                "all_units": True,
                "checklist_ids": [(0, 0, {"name": name}) for name in CHECKLIST],
            }
        )
    resize(env, plan, product, customer, size)
    env.cr.commit()
    vacuum(env, ("aftersales_unit", "aftersales_maintenance_schedule"))
    return plan


def vacuum(env, tables):
    """VACUUM ANALYZE (outside a transaction): the measurements start from clean
    tables and indexes, whatever earlier rounds rolled back."""
    connection = env.cr._cnx
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.autocommit = False


def resize(env, plan, product, customer, size):
    """Exactly ``size`` units of the contract, each with its schedule row due 30
    to 119 days ahead (nothing due)."""
    contract = plan.contract_id
    cr = env.cr
    env.flush_all()
    cr.execute(
        "SELECT count(*) FROM aftersales_unit WHERE contract_id = %s", [contract.id]
    )
    have = cr.fetchone()[0]
    if have < size:
        cr.execute(
            """INSERT INTO aftersales_unit
                   (company_id, product_id, partner_id, commercial_partner_id,
                    contract_id, installation_date, active, warranty_source,
                    create_uid, write_uid, create_date, write_date)
               SELECT %s, %s, %s, %s, %s, CURRENT_DATE - 200, true, 'contract',
                      1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                 FROM generate_series(1, %s)""",
            [
                contract.company_id.id,
                product.id,
                customer.id,
                customer.id,
                contract.id,
                size - have,
            ],
        )
    elif have > size:
        cr.execute(
            """DELETE FROM aftersales_unit WHERE id IN (
                   SELECT id FROM aftersales_unit WHERE contract_id = %s
                 ORDER BY id DESC LIMIT %s)""",
            [contract.id, have - size],
        )
    # A schedule row per unit; every row not due (30 to 119 days ahead), written
    # with its final dates (an update would leave dead index entries behind).
    due_sql = "CURRENT_DATE + 30 + (u.id %% 90)"
    cr.execute(
        f"""INSERT INTO aftersales_maintenance_schedule
               (plan_id, company_id, unit_id, active, cycle, next_due, generate_on,
                create_uid, write_uid, create_date, write_date)
           SELECT %s, u.company_id, u.id, true, 0, {due_sql}, {due_sql} - 14,
                  1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
             FROM aftersales_unit u
            WHERE u.contract_id = %s
              AND NOT EXISTS (SELECT 1 FROM aftersales_maintenance_schedule s
                               WHERE s.plan_id = %s AND s.unit_id = u.id)""",
        [plan.id, contract.id, plan.id],
    )
    cr.execute(
        f"""UPDATE aftersales_maintenance_schedule s
              SET active = true, cycle = 0, last_ticket_id = NULL,
                  next_due = {due_sql}, generate_on = {due_sql} - 14
             FROM aftersales_unit u
            WHERE u.id = s.unit_id AND s.plan_id = %s
              AND (NOT s.active OR s.next_due != {due_sql})""",
        [plan.id],
    )
    env.invalidate_all()


def measure(env, args):
    plan = setup(env, args.n)
    Schedule = env["aftersales.maintenance.schedule"]
    today = date.today()
    cr = env.cr
    cr.execute(
        "SELECT count(*) FROM aftersales_maintenance_schedule WHERE plan_id = %s",
        [plan.id],
    )
    rows = cr.fetchone()[0]
    # Other plans' visits (if any) are out of the measurement (rolled back).
    cr.execute(
        "UPDATE aftersales_maintenance_schedule SET active = false "
        "WHERE plan_id != %s AND active",
        [plan.id],
    )
    # (a) nothing due.
    scans, scan_queries = [], 0
    for _call in range(SCAN_CALLS):
        started = time.perf_counter()
        queries = cr.sql_log_count
        generated = Schedule._generate_due(today=today)
        remaining = Schedule._count_due(today)
        scans.append(time.perf_counter() - started)
        scan_queries = cr.sql_log_count - queries
        if generated or remaining:
            raise RuntimeError("rows due before any was made due")
    cr.execute(
        """EXPLAIN SELECT id FROM aftersales_maintenance_schedule
            WHERE active AND generate_on <= %s
         ORDER BY generate_on, id LIMIT 500 FOR UPDATE SKIP LOCKED""",
        [today],
    )
    scan_plan = " / ".join(row[0].strip() for row in cr.fetchall())
    # (b) 1 % due today (not timed).
    cr.execute(
        """UPDATE aftersales_maintenance_schedule
              SET next_due = CURRENT_DATE + 14, generate_on = CURRENT_DATE
            WHERE plan_id = %s AND unit_id %% %s = 0""",
        [plan.id, DUE_SHARE],
    )
    due = cr.rowcount
    env.invalidate_all()

    def generate_all():
        created = env["aftersales.ticket"]
        while True:
            batch = Schedule._cron_generate(batch_size=500)
            if not batch:
                return created
            created |= batch

    created, elapsed, queries = tickets.timed(env, generate_all, args.profile)
    ids = created.ids
    cr.execute(
        """SELECT count(*) FROM aftersales_maintenance_schedule
            WHERE plan_id = %s AND last_ticket_id = ANY(%s)
              AND next_due > CURRENT_DATE + 14""",
        [plan.id, ids],
    )
    advanced = cr.fetchone()[0]
    result = {
        "units": args.n,
        "rows": rows,
        "scan_s": statistics.median(scans),
        "scan_all_s": scans,
        "scan_queries": scan_queries,
        "scan_plan": scan_plan,
        "due": due,
        "tickets": len(ids),
        "elapsed_s": elapsed,
        "queries": queries,
        "advanced": advanced,
        "clocks": tickets.count_rows(
            env,
            "aftersales_ticket_sla",
            "ticket_id",
            ids,
            "AND metric = 'resolution' AND state = 'running'",
        ),
        "checks": tickets.count_rows(
            env, "aftersales_maintenance_check", "ticket_id", ids
        ),
        "events": tickets.count_rows(
            env,
            "aftersales_event",
            "res_id",
            ids,
            "AND res_model = 'aftersales.ticket' AND event_type = 'ticket.reported'",
        ),
    }
    tickets.finish(env, False)
    return result, ids


CHILDREN = {"maintenance_measure": measure}


# ----------------------------------------------------------------------------------
# In the parent process (no Odoo)


def check(result):
    problems = []
    size, due = result["units"], result["due"]
    if result["rows"] != size:
        problems.append(f"{result['rows']} schedule rows, not {size}")
    if due != size // DUE_SHARE:
        problems.append(f"{due} rows made due, not {size // DUE_SHARE}")
    for key in ("tickets", "advanced", "clocks", "events"):
        if result[key] != due:
            problems.append(f"{result[key]} {key}, not {due}")
    if result["checks"] != due * len(CHECKLIST):
        problems.append(f"{result['checks']} checks, not {due * len(CHECKLIST)}")
    if problems:
        raise RuntimeError(f"maintenance {size}: " + "; ".join(problems))


def run(args):
    results = {"sizes": [], "rounds": args.rounds}
    for size in args.sizes:
        rounds = []
        for _round in range(args.rounds):
            result = tickets.spawn(
                "maintenance_measure",
                args.rc,
                args.db,
                n=size,
                script=os.path.abspath(__file__),
            )
            check(result)
            print(
                f"maintenance {size}: scan {result['scan_s'] * 1000:.2f} ms, "
                f"{result['tickets']} tickets in {result['elapsed_s']:.2f} s "
                f"({result['queries']} queries)",
                flush=True,
            )
            rounds.append(result)
        results["sizes"].append(tickets.median_round(rounds, "scan_s"))
    return results


def main():
    tickets.scenario_main(
        __doc__,
        CHILDREN,
        "maintenance",
        "10000,100000",
        run,
        report.maintenance_section,
        rounds=3,
    )


if __name__ == "__main__":
    main()
