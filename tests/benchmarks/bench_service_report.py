"""Monthly service report benchmark: the scheduled action generating and e-mailing
the previous month's reports of N contracts (issue #15: "the monthly reports of
1,000 contracts").

Run through ``scripts/bench.sh --only service-report --service-report-sizes 1000``;
results go to docs/benchmarks.md between the ``service-report`` markers.

Data (idempotent, committed, brought to exactly N contracts before a measurement):
N customers, each with two report recipients (one reading English, one Chinese)
and an active contract on the ticket benchmark's calendar and SLA policy, 10 % term
cap; per contract, last month: TICKETS tickets (by SQL, as bench_evaluate.py does),
their response and resolution clocks (one response clock in four breached) and a
manual penalty (through the ORM: its ``penalty.assessed`` event is in the ledger),
and the contract's activation event.

Each measurement is a fresh process as the superuser (the scheduled action's user);
last month's reports of the benchmark contracts are removed first and the
transaction is rolled back at the end.

(a) Cron, HTML
    ``aftersales.service.report._cron_generate_service_reports()`` called until no
    contract remains (as Odoo's cron loop does, without its commits), with the
    PDF rendering replaced by the report's HTML: figures, snapshot, chain head,
    two renderings (en_US, zh_CN), two queued e-mails, one ledger event per
    contract.
(b) Cron, PDF
    The same with wkhtmltopdf (two PDFs per contract), on the first PDF_SAMPLE
    contracts only (min(N, --pdf-sample)); the time per contract is reported and
    extrapolated to N. (wkhtmltopdf on unpatched Qt refuses several documents in
    one run, so the after-sales reports render one document per call: batching
    several reports in one call is not available on this build.)

The counts (reports sent, e-mails queued with their attachment, events appended)
are checked before any timing is reported.
"""

import argparse
import os
import sys
from datetime import date, datetime, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_tickets as tickets  # noqa: E402
import report  # noqa: E402

CUSTOMER_PREFIX = "Benchmark: 月报客户 service report customer "
TICKETS = 8
PENALTY_AMOUNT = 300.0
PDF_SAMPLE = 20


def last_month():
    first = date.today().replace(day=1)
    start = (first - timedelta(days=1)).replace(day=1)
    return start, first - timedelta(days=1)


# ----------------------------------------------------------------------------------
# In the child process (Odoo loaded)


def setup(env, size):
    """Exactly ``size`` benchmark contracts (more are set to reports disabled)
    with last month's tickets, clocks and penalty (committed). Returns them."""
    tickets.ours_setup(env)
    env["res.lang"]._activate_lang("zh_CN")
    calendar = env["resource.calendar"].search(
        [("name", "=", tickets.CALENDAR_NAME)], limit=1
    )
    policy = env["aftersales.sla.policy"].search(
        [("name", "=", tickets.POLICY_NAME)], limit=1
    )
    Contract = env["aftersales.contract"]
    existing = Contract.search(
        [("partner_id.name", "=like", CUSTOMER_PREFIX + "%"), ("state", "=", "active")],
        order="id",
    )
    today = date.today()
    start, _end = last_month()
    for number in range(len(existing), size):
        customer = env["res.partner"].create(
            {"name": f"{CUSTOMER_PREFIX}{number:05d}", "is_company": True}
        )
        contacts = env["res.partner"].create(
            [
                {
                    "name": f"Contact EN {number:05d}",
                    "parent_id": customer.id,
                    "email": f"en{number:05d}@bench.example.com",
                    "lang": "en_US",
                },
                {
                    "name": f"联系人 {number:05d}",
                    "parent_id": customer.id,
                    "email": f"zh{number:05d}@bench.example.com",
                    "lang": "zh_CN",
                },
            ]
        )
        contract = Contract.create(
            {
                "partner_id": customer.id,
                "title": f"Benchmark: monthly report {number:05d}",
                "date_start": date(start.year, 1, 1) - timedelta(days=365),
                "date_end": date(today.year + 2, 12, 31),
                "amount_value": 100000,
                "penalty_cap_percent": 10,
                "calendar_id": calendar.id,
                "sla_policy_id": policy.id,
                "service_report_partner_ids": [(6, 0, contacts.ids)],
            }
        )
        contract.action_activate()
        env["aftersales.penalty"]._assess_manual(
            contract, PENALTY_AMOUNT, "Benchmark: late response"
        )
        existing |= contract
        if number % 100 == 99:
            env.cr.commit()
    existing.write({"service_report_enabled": True})
    contracts = existing[:size]
    (existing - contracts).write({"service_report_enabled": False})
    make_month(env, contracts)
    env.cr.commit()
    return contracts


def make_month(env, contracts):
    """Last month's tickets and clocks of ``contracts`` (by SQL, once) and their
    penalties moved into last month."""
    cr = env.cr
    start, end = last_month()
    first = datetime.combine(start, datetime.min.time())
    days = (end - start).days + 1
    env.flush_all()
    cr.execute(
        """SELECT id FROM aftersales_contract c WHERE id = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM aftersales_ticket t
                               WHERE t.contract_id = c.id AND t.reported_at >= %s)""",
        [contracts.ids, first],
    )
    missing = [row[0] for row in cr.fetchall()]
    if missing:
        cr.execute(
            """INSERT INTO aftersales_ticket
                   (number, name, company_id, partner_id, commercial_partner_id,
                    service_type_id, priority, channel, reported_at, responded_at,
                    resolved_at, state, contract_id, contract_match, sla_status,
                    reopen_count, is_paused, is_first_time_fix, create_uid,
                    create_date, write_uid, write_date)
               SELECT 'BENCH-SR-' || c.id || '-' || g, '门锁无法开启', c.company_id,
                      c.partner_id, c.partner_id, %(service_type)s, '1', 'phone',
                      r.at, r.at + interval '1 hour',
                      CASE WHEN g %% 4 = 0 THEN NULL ELSE r.at + interval '5 hours' END,
                      CASE WHEN g %% 4 = 0 THEN 'open' ELSE 'resolved' END,
                      c.id, 'matched', 'met', 0, false, true,
                      1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
                 FROM aftersales_contract c, generate_series(1, %(count)s) AS g,
                      LATERAL (SELECT %(first)s::timestamp
                               + make_interval(days => g %% %(days)s, hours => g)
                               AS at) r
                WHERE c.id = ANY(%(contracts)s)""",
            {
                "service_type": env.ref("aftersales_sla.service_type_repair").id,
                "count": TICKETS,
                "first": first,
                "days": days,
                "contracts": missing,
            },
        )
        cr.execute(
            """INSERT INTO aftersales_ticket_sla
                   (ticket_id, company_id, metric, target_seconds, state, deadline,
                    elapsed_seconds, paused_seconds, lateness_seconds, met_at,
                    breached_at, as_of, create_uid, create_date, write_uid,
                    write_date)
               SELECT t.id, t.company_id, m.metric, m.target,
                      CASE WHEN m.metric = 'response' AND t.id %% 4 = 1
                           THEN 'breached' ELSE 'met' END,
                      t.reported_at + make_interval(secs => m.target),
                      m.elapsed, 0, 0,
                      t.reported_at + make_interval(secs => m.elapsed),
                      CASE WHEN m.metric = 'response' AND t.id %% 4 = 1
                           THEN t.reported_at + make_interval(secs => m.target) END,
                      t.reported_at, 1, now() AT TIME ZONE 'UTC', 1,
                      now() AT TIME ZONE 'UTC'
                 FROM aftersales_ticket t,
                      (VALUES ('response', 14400, 3600),
                              ('resolution', 86400, 18000))
                          AS m(metric, target, elapsed)
                WHERE t.contract_id = ANY(%(contracts)s)
                  AND t.reported_at >= %(first)s""",
            {"contracts": missing, "first": first},
        )
    cr.execute(
        """UPDATE aftersales_penalty
              SET assessed_at = %s + interval '20 days', period_start = %s
            WHERE contract_id = ANY(%s)""",
        [first, start, contracts.ids],
    )
    for table in ("aftersales_ticket", "aftersales_ticket_sla", "aftersales_penalty"):
        cr.execute(f"ANALYZE {table}")  # noqa: S608
    env.invalidate_all()


def html_instead_of_pdf(env):
    """Render the reports' HTML where the PDF would be (mode "html")."""
    Report = type(env["ir.actions.report"])

    def render(self, report_ref, res_ids=None, data=None):
        return self._render_qweb_html(report_ref, res_ids, data=data)[0], "html"

    Report._render_qweb_pdf = render


def measure(env, args):
    contracts = setup(env, args.n)
    if args.mode == "pdf":
        contracts = contracts[: min(args.n, args.pdf_sample)]
        env["aftersales.contract"].search(
            [("id", "not in", contracts.ids), ("service_report_enabled", "=", True)]
        ).write({"service_report_enabled": False})
    else:
        html_instead_of_pdf(env)
    Report = env["aftersales.service.report"]
    start, end = last_month()
    # Only the benchmark contracts are due (others are out of the measurement).
    env["aftersales.contract"].search(
        [("id", "not in", contracts.ids), ("service_report_enabled", "=", True)]
    ).write({"service_report_enabled": False})
    Report.search([("date_from", "=", start)]).unlink()
    env["aftersales.event"]._seal_chains()
    env.flush_all()
    mails_before = env["mail.mail"].search_count([])

    def generate_all():
        runs = 0
        while Report._contracts_due(start, end):
            Report._cron_generate_service_reports()
            runs += 1
        return runs

    runs, elapsed, queries = tickets.timed(env, generate_all, args.profile)
    reports = Report.search(
        [("date_from", "=", start), ("contract_id", "in", contracts.ids)]
    )
    mails = env["mail.mail"].search(
        [("model", "=", "aftersales.service.report"), ("res_id", "in", reports.ids)]
    )
    result = {
        "contracts": len(contracts),
        "mode": args.mode,
        "runs": runs,
        "elapsed_s": elapsed,
        "per_contract_s": elapsed / max(1, len(contracts)),
        "queries": queries,
        "sent": len(reports.filtered(lambda r: r.state == "sent")),
        "failed": len(reports.filtered(lambda r: r.state == "failed")),
        "mails": len(mails),
        "mails_total": env["mail.mail"].search_count([]) - mails_before,
        "attachments": len(mails.attachment_ids),
        "events": tickets.count_rows(
            env,
            "aftersales_event",
            "res_id",
            contracts.ids,
            "AND res_model = 'aftersales.contract' "
            "AND event_type = 'contract.service_report_sent'",
        ),
        "tickets_reported": sum(
            row["reported"] for row in reports[:1]._get_figures().get("tickets", [])
        ),
    }
    tickets.finish(env, False)
    return result, reports.ids


CHILDREN = {"service_report_measure": measure}


# ----------------------------------------------------------------------------------
# In the parent process (no Odoo)


def check(result):
    count = result["contracts"]
    problems = []
    for key, wanted in (
        ("sent", count),
        ("failed", 0),
        ("mails", 2 * count),
        ("attachments", 2 * count),
        ("events", count),
        ("tickets_reported", TICKETS),
    ):
        if result[key] != wanted:
            problems.append(f"{result[key]} {key}, not {wanted}")
    if problems:
        raise RuntimeError(
            f"service reports {count} ({result['mode']}): " + "; ".join(problems)
        )


def section(results):
    lines = [
        "## Monthly service reports (issue #15)",
        "",
        f"Machine: {report.machine()}.",
        "",
        "The scheduled action generating and e-mailing last month's report of each "
        f"contract ({TICKETS} tickets, their clocks and a penalty a contract; two "
        "recipients, English and Chinese: two renderings, two queued e-mails and "
        "one ledger event a contract), called until no contract remains. HTML: the "
        "PDF rendering replaced by the report's HTML. PDF: wkhtmltopdf, one call a "
        "document (unpatched Qt refuses several documents in one call), measured "
        "on a sample and extrapolated. Fresh process, rolled back.",
        "",
        "| contracts | mode | measured contracts | seconds | per contract (ms) "
        "| queries | extrapolated to all (s) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size, rows in results:
        for row in rows:
            lines.append(
                f"| {size:,} | {row['mode']} | {row['contracts']:,} | "
                f"{row['elapsed_s']:.2f} | {row['per_contract_s'] * 1000:.1f} | "
                f"{row['queries']:,} | {row['per_contract_s'] * size:.0f} |"
            )
    return "\n".join(lines)


def run(args):
    results = []
    for size in args.sizes:
        rows = []
        for mode in ("html", "pdf"):
            result = tickets.spawn(
                "service_report_measure",
                args.rc,
                args.db,
                n=size,
                mode=mode,
                pdf_sample=args.pdf_sample,
                script=os.path.abspath(__file__),
            )
            check(result)
            print(
                f"service reports {size} ({mode}): {result['contracts']} in "
                f"{result['elapsed_s']:.2f} s, "
                f"{result['per_contract_s'] * 1000:.1f} ms a contract "
                f"({result['queries']} queries)",
                flush=True,
            )
            rows.append(result)
        results.append((size, rows))
    return results


def main():
    tickets.scenario_main(
        __doc__,
        CHILDREN,
        "service-report",
        "1000",
        run,
        section,
        extra=[
            (("--pdf-sample",), {"type": int, "default": PDF_SAMPLE}),
            (("--mode",), {"choices": ("html", "pdf"), "help": argparse.SUPPRESS}),
        ],
    )


if __name__ == "__main__":
    main()
