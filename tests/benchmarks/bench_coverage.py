"""Coverage benchmark: the coverage of 10,000 tickets decided and recorded in one
batch, and what aftersales_repair costs each ticket of the ticket benchmark.

Run through ``scripts/bench.sh --only coverage`` (which prepares both databases);
results go to docs/benchmarks.md between the ``coverage`` markers.

Two databases of the same run, both without demo data: the base one
(``aftersales_sla`` and ``aftersales_survey``) and the full one (the same plus
``aftersales_repair``). Every measurement is a fresh process (this file, or
bench_tickets.py, with ``--child``), as the administrator, chatter and tracking on;
the timed region is the ORM call plus ``env.flush_all()``, then the transaction is
rolled back. The databases are measured alternately, round after round, and the
median of the rounds is reported.

Coverage batch
    ``aftersales.ticket.create(vals_list)`` of 1k and 10k tickets of a serial-tracked
    water heater (24 months' warranty), ticket number ``i`` of the batch being, by
    ``i % 4``: 0 a ticket of the customer of the ticket benchmark (an active
    service contract), giving the serial of one of its units; 1 a consumer's unit
    installed 180 days ago (in warranty); 2 a consumer's unit installed five years
    ago (expired); 3 a consumer with no unit giving a serial nobody has. Units and
    serials (3 per 4 tickets of the largest batch) are made once and committed. The
    base database has the same customers, product and contract, without units (it
    has no installed base): its batch is the same list of values, matched to the
    contract but without a coverage. The counts per coverage are checked against
    the generator before any timing is reported.
Ticket benchmark
    bench_tickets.py's ``ours_create`` (tickets of the contract customer, no
    product) on both databases, rolled back.
"""

import argparse
import os
import statistics
import sys
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_tickets as tickets  # noqa: E402
import report  # noqa: E402

PRODUCT_NAME = "Benchmark: 电热水器 EH-60"
WARRANTY_MONTHS = 24
CONSUMERS = 40  # per kind: in warranty, expired, without unit
SERIAL_PREFIX = "BENCH-EH60-"
KINDS = ("contract", "warranty", "expired", "no_unit")
#: The (coverage, reason) the rule must decide for each kind of ticket.
EXPECTED = {
    "contract": ("contract", "under_contract"),
    "warranty": ("warranty", "in_warranty"),
    "expired": ("chargeable", "expired"),
    "no_unit": ("chargeable", "no_unit"),
}
TICKET_NAME = "热水器不出热水"
DESCRIPTION = "<p>客户报修: 热水器不出热水, 请尽快上门</p>"


def kind_of(number):
    return KINDS[number % len(KINDS)]


def expected_counts(size):
    counts = {}
    for number in range(size):
        key = EXPECTED[kind_of(number)]
        counts[key] = counts.get(key, 0) + 1
    return counts


def serial(kind, number):
    return f"{SERIAL_PREFIX}{kind[0].upper()}{number:06d}"


# ----------------------------------------------------------------------------------
# In the child process (Odoo loaded)


def has_repair(env):
    return "aftersales.unit" in env


def coverage_setup(env, size):
    """The product, customers, units and serials for batches up to ``size``
    tickets (idempotent, committed). Returns the values of the batch."""
    contract_customer = tickets.ours_setup(env)  # calendar, policy, contract
    Partner = env["res.partner"]
    consumers = {}
    for kind in KINDS[1:]:
        names = [f"Benchmark: 业主 {kind} {i:02d}" for i in range(CONSUMERS)]
        found = {p.name: p for p in Partner.search([("name", "in", names)])}
        missing = [{"name": name} for name in names if name not in found]
        if missing:
            for partner in Partner.create(missing):
                found[partner.name] = partner
        consumers[kind] = [found[name] for name in names]
    Product = env["product.product"]
    product = Product.search([("name", "=", PRODUCT_NAME)], limit=1)
    if not product:
        values = {"name": PRODUCT_NAME, "type": "consu"}
        if has_repair(env):
            values.update(
                is_storable=True,
                tracking="serial",
                aftersales_warranty_months=WARRANTY_MONTHS,
            )
        product = Product.create(values)
    plan = []  # (number, kind, partner, serial)
    for number in range(size):
        kind = kind_of(number)
        if kind == "contract":
            partner = contract_customer
        else:
            group = consumers[kind]
            partner = group[(number // len(KINDS)) % len(group)]
        plan.append((number, kind, partner, serial(kind, number)))
    if has_repair(env):
        make_units(env, product, plan)
    env.cr.commit()
    return [
        {
            "name": f"{TICKET_NAME} #{number + 1}",
            "partner_id": partner.id,
            "product_id": product.id,
            "serial_number": serial_number,
            "description": DESCRIPTION,
            "channel": "phone",
        }
        for number, _kind, partner, serial_number in plan
    ]


def make_units(env, product, plan):
    """A unit with its serial for every ticket but those without a unit."""
    wanted = {
        serial_number: (kind, partner)
        for _number, kind, partner, serial_number in plan
        if kind != "no_unit"
    }
    Lot = env["stock.lot"]
    lots = {
        lot.name: lot
        for lot in Lot.search(
            [("product_id", "=", product.id), ("name", "in", list(wanted))]
        )
    }
    new_lots = [
        {"name": name, "product_id": product.id} for name in wanted if name not in lots
    ]
    if new_lots:
        for lot in Lot.create(new_lots):
            lots[lot.name] = lot
    env.cr.execute(
        "SELECT lot_id FROM aftersales_unit WHERE lot_id = ANY(%s)",
        [[lot.id for lot in lots.values()]],
    )
    done = {row[0] for row in env.cr.fetchall()}
    today = date.today()
    installed = {
        "contract": today - timedelta(days=180),
        "warranty": today - timedelta(days=180),
        "expired": today - timedelta(days=5 * 365),
    }
    new_units = [
        {
            "product_id": product.id,
            "lot_id": lots[name].id,
            "partner_id": partner.id,
            "installation_date": installed[kind],
        }
        for name, (kind, partner) in wanted.items()
        if lots[name].id not in done
    ]
    if new_units:
        env["aftersales.unit"].with_context(
            tracking_disable=True, mail_create_nolog=True
        ).create(new_units)


def coverage_create(env, args):
    vals_list = coverage_setup(env, args.n)
    admin = env.ref("base.user_admin")
    Ticket = env["aftersales.ticket"].with_user(admin)
    created, elapsed, queries = tickets.timed(
        env, lambda: Ticket.create(vals_list), args.profile
    )
    ids = created.ids
    result = {
        "tickets": len(ids),
        "elapsed_s": elapsed,
        "queries": queries,
        "repair": has_repair(env),
        "matched": tickets.count_rows(
            env, "aftersales_ticket", "id", ids, "AND contract_match = 'matched'"
        ),
        "events": tickets.count_rows(
            env,
            "aftersales_event",
            "res_id",
            ids,
            "AND res_model = 'aftersales.ticket' AND event_type = 'ticket.reported'",
        ),
    }
    if result["repair"]:
        env.cr.execute(
            "SELECT coverage, coverage_reason, count(*) FROM aftersales_ticket "
            "WHERE id = ANY(%s) GROUP BY 1, 2",
            [ids],
        )
        result["coverage"] = [list(row) for row in env.cr.fetchall()]
        result["with_unit"] = tickets.count_rows(
            env, "aftersales_ticket", "id", ids, "AND unit_id IS NOT NULL"
        )
        # The decision is recorded in the ticket.reported event of each ticket.
        result["events_with_coverage"] = tickets.count_rows(
            env,
            "aftersales_event",
            "res_id",
            ids,
            "AND res_model = 'aftersales.ticket' AND event_type = 'ticket.reported' "
            "AND (payload::jsonb ->> 'coverage') IS NOT NULL",
        )
    tickets.finish(env, False)
    return result, ids


CHILDREN = {"coverage_create": coverage_create}


# ----------------------------------------------------------------------------------
# In the parent process (no Odoo)


def check(result, size):
    """The batch is what the generator made: raise before any timing is used."""
    problems = []
    if result["tickets"] != size:
        problems.append(f"{result['tickets']} tickets created, not {size}")
    contract = expected_counts(size)[EXPECTED["contract"]]
    if result["matched"] != contract:
        problems.append(f"{result['matched']} matched to the contract, not {contract}")
    if result["events"] != size:
        problems.append(f"{result['events']} ticket.reported events, not {size}")
    if result["repair"]:
        got = {(c, r): n for c, r, n in result["coverage"]}
        if got != expected_counts(size):
            problems.append(f"coverage {got}, expected {expected_counts(size)}")
        with_unit = size - expected_counts(size)[EXPECTED["no_unit"]]
        if result["with_unit"] != with_unit:
            problems.append(
                f"{result['with_unit']} tickets with a unit, not {with_unit}"
            )
        if result["events_with_coverage"] != size:
            problems.append(
                f"{result['events_with_coverage']} reported events record the "
                f"coverage, not {size}"
            )
    if problems:
        raise RuntimeError(f"coverage batch of {size}: " + "; ".join(problems))


def median_of(rounds):
    """The round of median time (with its counts), all times beside it."""
    ordered = sorted(rounds, key=lambda r: r["elapsed_s"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["elapsed_s"] = statistics.median(r["elapsed_s"] for r in rounds)
    chosen["all_s"] = [r["elapsed_s"] for r in rounds]
    return tickets.rate(chosen)


def measure(args, label, spawn_one):
    """Alternate the two databases for ``args.rounds`` rounds: {"base", "full"}."""
    runs = {"base": [], "full": []}
    for _round in range(args.rounds):
        for which in ("base", "full"):
            result = spawn_one(which)
            runs[which].append(result)
            print(
                f"coverage: {label} {which}: {result['tickets']} in "
                f"{result['elapsed_s']:.2f} s ({result['queries']} queries)",
                flush=True,
            )
    return {which: median_of(results) for which, results in runs.items()}


def run(args):
    dbs = {"base": (args.base_rc, args.base_db), "full": (args.rc, args.db)}
    results = {"batch": [], "tickets": [], "rounds": args.rounds, "dbs": dbs}
    for size in args.sizes:

        def one(which, size=size):
            rc, db = dbs[which]
            result = tickets.spawn(
                "coverage_create", rc, db, n=size, script=os.path.abspath(__file__)
            )
            check(result, size)
            return result

        results["batch"].append(measure(args, f"batch {size}", one))
    for size in args.sizes:

        def one(which, size=size):
            rc, db = dbs[which]
            return tickets.spawn("ours_create", rc, db, n=size)

        results["tickets"].append(measure(args, f"ticket benchmark {size}", one))
    return results


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True, help="the database with the repairs")
    parser.add_argument("--rc", default=os.environ.get("ODOO_RC"))
    parser.add_argument("--base-db", help="the database without aftersales_repair")
    parser.add_argument("--base-rc")
    parser.add_argument("--coverage-sizes", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output")
    # child process
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile", help="child only: write a cProfile of the timed region here"
    )
    args = parser.parse_args()
    if args.child:
        tickets.run_scenario(CHILDREN, args)
        return
    if not (args.rc and args.output and args.base_db and args.base_rc):
        parser.error("--rc (or ODOO_RC), --base-db, --base-rc and --output are needed")
    args.sizes = [int(size) for size in args.coverage_sizes.split(",")]
    results = run(args)
    report.write(args.output, {"coverage": report.coverage_section(results)})


if __name__ == "__main__":
    main()
