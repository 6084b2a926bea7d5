"""Partner settlement benchmark: a month's settlement of a service partner's
10,000 jobs, and its growth at 10x (100,000).

Run through ``scripts/bench.sh --only settlement``; results go to
docs/benchmarks.md between the ``settlement`` markers.

Generator (idempotent, committed once per size): the ticket benchmark's
calendar, policy, customer and active contract; for each size a service partner
of its own with a back-to-back contract (visit fee 50, labour 80 an hour, parts
at cost plus 15 %) and 2 receivable penalties per 1,000 jobs (confirmed, not
invoiced). The jobs are inserted by SQL (as the ledger benchmark does for its
events): tickets of the customer served by that partner, resolved last month
with an arrival; each with one repair order of 1 to 3 labour hours; every
other one with a spare part used (1 or 2, cost 100). The ledger holds no event
of these generated tickets: the settlement does not read them.

Each measurement is a fresh process, as the administrator (an After-Sales
manager with invoicing rights), chatter and tracking on; timed separately, each
followed by ``env.flush_all()``: create the settlement of last month, Compute,
Confirm, Create Bill; then the transaction is rolled back. The statement is
checked against the generator (jobs, lines, totals, penalties, bill total)
before any timing is reported.
"""

import os
import sys
from datetime import date, datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_tickets as tickets  # noqa: E402
import report  # noqa: E402

#: v2: the contract's value grows with the jobs, so that its penalties stay within
#: its caps (a first generation's 100,000-job contract had them clipped).
PARTNER_NAME = "Benchmark: 顺德服务商 {size} v2"
PRODUCT_NAME = "Benchmark: 智能门锁 SL-9"
PART_NAME = "Benchmark: 锁芯 lock cylinder"
VISIT_NAME = "Benchmark: 上门费 visit"
LABOUR_NAME = "Benchmark: 工时 labour"
PARTS_FEE_NAME = "Benchmark: 备件成本加成 parts at cost plus"
VISIT_FEE, LABOUR_FEE, PART_COST, MARKUP = 50.0, 80.0, 100.0, 15.0
PENALTY_AMOUNT = 200.0


def last_month():
    first = date.today().replace(day=1)
    start = (first - timedelta(days=1)).replace(day=1)
    return start, first - timedelta(days=1)


def expected(size):
    """What the statement of ``size`` jobs must hold."""
    hours = sum(1 + number % 3 for number in range(size))
    parts = [1 + (number // 2) % 2 for number in range(size) if number % 2 == 0]
    part_price = round(PART_COST * (1 + MARKUP / 100), 2)
    jobs = size * VISIT_FEE + hours * LABOUR_FEE + sum(parts) * part_price
    penalties = penalty_count(size)
    return {
        "jobs": size,
        "lines": 2 * size + len(parts),
        "amount_jobs": round(jobs, 2),
        "penalties": penalties,
        "amount_net": round(jobs - penalties * PENALTY_AMOUNT, 2),
    }


def penalty_count(size):
    return max(1, 2 * size // 1000)


# ----------------------------------------------------------------------------------
# In the child process (Odoo loaded)


def product(env, name, **values):
    Product = env["product.product"]
    found = Product.search([("name", "=", name)], limit=1)
    return found or Product.create(dict({"name": name}, **values))


def settlement_setup(env, size):
    """The partner, its contract, penalties and ``size`` jobs (committed)."""
    customer = tickets.ours_setup(env)
    contract = env["aftersales.contract"].search(
        [("partner_id", "=", customer.id), ("state", "=", "active")], limit=1
    )
    lock = product(env, PRODUCT_NAME, type="consu")
    part = product(env, PART_NAME, type="consu", standard_price=PART_COST)
    visit = product(env, VISIT_NAME, type="service", aftersales_fee_kind="visit")
    labour = product(env, LABOUR_NAME, type="service", aftersales_fee_kind="labour")
    parts_fee = product(
        env, PARTS_FEE_NAME, type="service", aftersales_fee_kind="parts"
    )
    (visit | labour | parts_fee).write({"supplier_taxes_id": [(5, 0, 0)]})
    Partner = env["res.partner"]
    name = PARTNER_NAME.format(size=size)
    partner = Partner.search([("name", "=", name)], limit=1) or Partner.create(
        {"name": name, "is_company": True}
    )
    partner_contract = env["aftersales.contract"].search(
        [("partner_id", "=", partner.id), ("contract_type", "=", "partner")], limit=1
    )
    if not partner_contract:
        partner_contract = env["aftersales.contract"].create(
            {
                "partner_id": partner.id,
                "contract_type": "partner",
                "parent_id": contract.id,
                "title": "Benchmark: back-to-back service",
                "date_start": contract.date_start,
                "date_end": contract.date_end,
                # Caps (10 % of the value) far above the generated penalties.
                "amount_value": max(100000, 100 * size),
                "calendar_id": contract.calendar_id.id,
                "sla_policy_id": contract.sla_policy_id.id,
                "fee_line_ids": [
                    (0, 0, {"product_id": visit.id, "price_unit": VISIT_FEE}),
                    (0, 0, {"product_id": labour.id, "price_unit": LABOUR_FEE}),
                    (0, 0, {"product_id": parts_fee.id, "cost_plus_percent": MARKUP}),
                ],
            }
        )
        partner_contract.action_activate()
    Penalty = env["aftersales.penalty"]
    wanted = penalty_count(size) - Penalty.search_count(
        [("contract_id", "=", partner_contract.id), ("state", "=", "confirmed")]
    )
    new = Penalty.browse()
    for _number in range(max(0, wanted)):
        new |= Penalty._assess_manual(
            partner_contract, PENALTY_AMOUNT, "Benchmark: late on site"
        )
    new.action_confirm()
    # Generated data: assessed last month, as the breaches of last month's jobs
    # would be (a settlement deducts those assessed up to its end).
    env.flush_all()
    env.cr.execute(
        "UPDATE aftersales_penalty SET assessed_at = %s WHERE contract_id = %s",
        [datetime.combine(last_month()[1], datetime.min.time()), partner_contract.id],
    )
    env.invalidate_all()
    env.cr.commit()
    make_jobs(env, size, customer, contract, partner, lock, part)
    env.cr.commit()
    return partner_contract


def make_jobs(env, size, customer, contract, partner, lock, part):
    """``size`` resolved tickets with their repair orders and parts, by SQL."""
    cr = env.cr
    cr.execute(
        "SELECT count(*) FROM aftersales_ticket WHERE service_partner_id = %s",
        [partner.id],
    )
    if cr.fetchone()[0] >= size:
        return
    # A template repair order for the location and operation type columns.
    template = env["repair.order"].search(
        [("product_id", "=", lock.id), ("ticket_id", "=", False)], limit=1
    ) or env["repair.order"].create({"product_id": lock.id, "partner_id": customer.id})
    start, end = last_month()
    days = (end - start).days + 1
    first = datetime.combine(start, datetime.min.time())
    service_type = env.ref("aftersales_sla.service_type_repair")
    cr.execute(
        """INSERT INTO aftersales_ticket
               (company_id, partner_id, commercial_partner_id, contract_id,
                service_type_id, service_partner_id, product_id, name, number,
                priority, channel, state, reported_at, responded_at, arrived_at,
                resolved_at, create_uid, write_uid, create_date, write_date)
           SELECT %(company)s, %(customer)s, %(customer)s, %(contract)s,
                  %(service_type)s, %(partner)s, %(lock)s, '门锁无法开启',
                  'BENCH-S2-' || %(size)s || '-' || n, '1', 'phone', 'resolved',
                  r, r + interval '1 hour', r + interval '3 hours',
                  r + interval '5 hours', 1, 1, now(), now()
             FROM (SELECT n, %(first)s::timestamp
                          + make_interval(days => n %% %(days)s, hours => n %% 8) AS r
                     FROM generate_series(0, %(size)s - 1) AS n) AS jobs""",
        {
            "company": contract.company_id.id,
            "customer": customer.id,
            "contract": contract.id,
            "service_type": service_type.id,
            "partner": partner.id,
            "lock": lock.id,
            "size": size,
            "first": first,
            "days": days,
        },
    )
    cr.execute(
        """INSERT INTO repair_order
               (company_id, picking_type_id, location_id, product_location_src_id,
                product_location_dest_id, location_dest_id, parts_location_id,
                recycle_location_id, name, schedule_date, state, product_id,
                partner_id, ticket_id, aftersales_labour_hours, create_uid,
                write_uid, create_date, write_date)
           SELECT t.company_id, o.picking_type_id, o.location_id,
                  o.product_location_src_id, o.product_location_dest_id,
                  o.location_dest_id, o.parts_location_id, o.recycle_location_id,
                  'BENCH-RO-' || t.number, t.resolved_at, 'done', t.product_id,
                  t.partner_id, t.id,
                  1 + (substring(t.number from '[0-9]+$')::int %% 3), 1, 1, now(), now()
             FROM aftersales_ticket t, repair_order o
            WHERE t.service_partner_id = %s AND o.id = %s""",
        [partner.id, template.id],
    )
    cr.execute(
        """INSERT INTO stock_move
               (company_id, product_id, product_uom, location_id, location_dest_id,
                name, procure_method, product_uom_qty, quantity, date, state,
                repair_id, repair_line_type, create_uid, write_uid, create_date,
                write_date)
           SELECT r.company_id, %s, %s, r.parts_location_id, r.location_dest_id,
                  'Benchmark part', 'make_to_stock',
                  1 + (n / 2) %% 2, 1 + (n / 2) %% 2, r.schedule_date, 'done',
                  r.id, 'add', 1, 1, now(), now()
             FROM (SELECT r.*, substring(r.name from '[0-9]+$')::int AS n
                     FROM repair_order r
                     JOIN aftersales_ticket t ON t.id = r.ticket_id
                    WHERE t.service_partner_id = %s) AS r
            WHERE n %% 2 = 0""",
        [part.id, part.uom_id.id, partner.id],
    )
    cr.execute("ANALYZE aftersales_ticket; ANALYZE repair_order; ANALYZE stock_move")


def settlement_run(env, args):
    partner_contract = settlement_setup(env, args.n)
    admin = env.ref("base.user_admin")
    admin.groups_id |= env.ref("account.group_account_invoice")
    Settlement = env["aftersales.partner.settlement"].with_user(admin)
    start, end = last_month()
    result = {"size": args.n}
    settlement, result["create_s"], queries = tickets.timed(
        env,
        lambda: Settlement.create(
            {"contract_id": partner_contract.id, "date_from": start, "date_to": end}
        ),
    )
    _res, result["compute_s"], result["compute_queries"] = tickets.timed(
        env, settlement.action_compute, args.profile
    )
    _res, result["confirm_s"], result["confirm_queries"] = tickets.timed(
        env, settlement.action_confirm
    )
    _res, result["bill_s"], result["bill_queries"] = tickets.timed(
        env, settlement.action_create_bill
    )
    result["elapsed_s"] = sum(
        result[key] for key in ("create_s", "compute_s", "confirm_s", "bill_s")
    )
    result.update(
        jobs=settlement.job_count,
        lines=len(settlement.line_ids),
        amount_jobs=settlement.amount_jobs,
        amount_net=settlement.amount_net,
        penalties=len(settlement.penalty_ids),
        bill_total=settlement.move_id.amount_total,
        state=settlement.state,
    )
    tickets.finish(env, False)
    return result, []


CHILDREN = {"settlement_run": settlement_run}


# ----------------------------------------------------------------------------------
# In the parent process (no Odoo)


def check(result, size):
    want = expected(size)
    problems = [
        f"{key} {result[key]} != {value}"
        for key, value in want.items()
        if abs(result[key] - value) > 0.005
    ]
    if abs(result["bill_total"] - want["amount_net"]) > 0.005:
        problems.append(f"bill total {result['bill_total']} != {want['amount_net']}")
    if result["state"] != "billed":
        problems.append(f"state {result['state']}")
    if problems:
        raise RuntimeError(f"settlement of {size}: " + "; ".join(problems))


def run(args):
    return tickets.spawn_rounds(
        args,
        "settlement_run",
        os.path.abspath(__file__),
        check,
        lambda size, result: (
            f"settlement: {size} jobs: compute {result['compute_s']:.2f} s, "
            f"confirm {result['confirm_s']:.2f} s, bill {result['bill_s']:.2f} s"
        ),
    )


def main():
    tickets.scenario_main(
        __doc__,
        CHILDREN,
        "settlement",
        "10000,100000",
        run,
        report.settlement_section,
        rounds=1,
    )


if __name__ == "__main__":
    main()
