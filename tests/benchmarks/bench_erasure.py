"""Erasure benchmark: one customer's erasure request over its N closed tickets
(the issue asks for 10,000).

Run through ``scripts/bench.sh --only erasure --erasure-sizes 10000``; results go
to docs/benchmarks.md between the ``erasure`` markers.

Generator (idempotent, committed once per size): a customer company of its own
with two contact persons (phone, e-mail, street), and N closed tickets of it
inserted by SQL (description, work notes and late-entry reason in clear), each
with two ledger events about it carrying a personal reason, appended through
the ledger's door in batches (so their reasons go to the personal data vault),
one chatter message (by SQL) and one attachment (through the ORM, in the
filestore). The chains are sealed.

Each measurement is a fresh process, as the administrator (an After-Sales
manager): create the erasure request of the customer and execute it, timed with
``env.flush_all()``; then the transaction is rolled back, so the same customer is
erased again by the next round. The result (tickets, vault values, messages,
attachments erased) is checked against the generator before any timing is
reported.
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_tickets as tickets  # noqa: E402
import report  # noqa: E402

CUSTOMER_NAME = "Benchmark: 待删除客户 {size}"
EVENTS_PER_TICKET = 2
BATCH = 2000


# ----------------------------------------------------------------------------------
# In the child process (Odoo loaded)


def erasure_setup(env, size):
    """The customer, its contacts and ``size`` closed tickets (committed)."""
    Partner = env["res.partner"]
    name = CUSTOMER_NAME.format(size=size)
    customer = Partner.search([("name", "=", name)], limit=1)
    if not customer:
        customer = Partner.create(
            {
                "name": name,
                "is_company": True,
                "phone": "020-88886666",
                "street": "广州市天河区体育西路 88 号",
                "child_ids": [
                    (0, 0, {"name": "陈女士", "phone": "13912345678"}),
                    (0, 0, {"name": "李先生", "email": "li.xs@example.cn"}),
                ],
            }
        )
        env.cr.commit()
    cr = env.cr
    cr.execute(
        "SELECT count(*) FROM aftersales_ticket WHERE partner_id = %s", [customer.id]
    )
    if cr.fetchone()[0] >= size:
        return customer
    company = env.company
    service_type = env.ref("aftersales_sla.service_type_repair")
    cr.execute(
        """INSERT INTO aftersales_ticket
               (company_id, partner_id, commercial_partner_id, service_type_id,
                name, number, priority, channel, state, reported_at, responded_at,
                resolved_at, closed_at, description, work_notes, late_entry_reason,
                create_uid, write_uid, create_date, write_date)
           SELECT %(company)s, %(customer)s, %(customer)s, %(service_type)s,
                  '热水器不点火', 'BENCH-E-' || %(size)s || '-' || n, '1', 'phone',
                  'closed', r, r + interval '1 hour', r + interval '5 hours',
                  r + interval '2 days',
                  '<p>住址: 体育西路 88 号 ' || n || ' 室, 陈女士 13912345678</p>',
                  '<p>更换点火针, 客户在场</p>', '客户次日来电',
                  1, 1, now(), now()
             FROM (SELECT n, now()::timestamp - interval '400 days'
                          + make_interval(hours => n %% 5000) AS r
                     FROM generate_series(0, %(size)s - 1) AS n) AS jobs
            RETURNING id""",
        {
            "company": company.id,
            "customer": customer.id,
            "service_type": service_type.id,
            "size": size,
        },
    )
    ticket_ids = [row[0] for row in cr.fetchall()]
    Event = env["aftersales.event"]
    Ticket = env["aftersales.ticket"]
    for start in range(0, len(ticket_ids), BATCH):
        batch = Ticket.browse(ticket_ids[start : start + BATCH])
        Event._append_events(
            [
                {
                    "event_type": "ledger.note",
                    "subject": ticket,
                    "company": company,
                    "reason": f"陈女士来电 {ticket.id} 号, 手机 13912345678 ({index})",
                    "payload": {"n": index},
                }
                for ticket in batch
                for index in range(EVENTS_PER_TICKET)
            ]
        )
        env["ir.attachment"].create(
            [
                {
                    "name": f"现场照片 {ticket.id}.txt",
                    "raw": f"陈女士家门口 {ticket.id}".encode(),
                    "res_model": "aftersales.ticket",
                    "res_id": ticket.id,
                }
                for ticket in batch
            ]
        )
        env.flush_all()
        env.cr.commit()
    cr.execute(
        """INSERT INTO mail_message
               (model, res_id, body, message_type, author_id, date, create_uid,
                write_uid, create_date, write_date)
           SELECT 'aftersales.ticket', t.id,
                  '<p>陈女士说热水器又坏了, 手机 13912345678</p>', 'comment', %s,
                  now(), 1, 1, now(), now()
             FROM aftersales_ticket t WHERE t.partner_id = %s""",
        [customer.child_ids[:1].id, customer.id],
    )
    env.cr.commit()
    Event._seal_chains(commit=True)
    cr.execute("ANALYZE aftersales_ticket; ANALYZE aftersales_event_personal")
    env.cr.commit()
    return customer


def erasure_run(env, args):
    customer = erasure_setup(env, args.n)
    admin = env.ref("base.user_admin")
    Request = env["aftersales.erasure.request"].with_user(admin)
    result = {"size": args.n}
    started = time.perf_counter()
    request, result["create_s"], _queries = tickets.timed(
        env,
        lambda: Request.create(
            {
                "partner_id": customer.id,
                "request_ref": "Benchmark",
                "legal_basis": "pipl",
            }
        ),
    )
    _res, result["execute_s"], result["execute_queries"] = tickets.timed(
        env, request.action_execute, args.profile
    )
    result["elapsed_s"] = time.perf_counter() - started
    result.update(
        state=request.state,
        refusal=request.refusal_reason or "",
        tickets=request.ticket_count,
        vault=request.vault_count,
        messages=request.message_count,
        attachments=request.attachment_count,
        partners=request.partner_count,
    )
    tickets.finish(env, False)
    return result, []


CHILDREN = {"erasure_run": erasure_run}


# ----------------------------------------------------------------------------------
# In the parent process (no Odoo)


def check(result, size):
    problems = []
    if result["state"] != "done":
        problems.append(f"state {result['state']} ({result['refusal']})")
    for key, want in (
        ("tickets", size),
        ("vault", EVENTS_PER_TICKET * size),
        ("attachments", size),
        ("partners", 3),
    ):
        if result[key] != want:
            problems.append(f"{key} {result[key]} != {want}")
    if result["messages"] < size:
        problems.append(f"messages {result['messages']} < {size}")
    if problems:
        raise RuntimeError(f"erasure of {size}: " + "; ".join(problems))


def section(results):
    lines = [
        "## Erasure: one customer's personal data over its tickets",
        "",
        f"Machine: {report.machine()}.",
        "",
        "Generated (see tests/benchmarks/bench_erasure.py): one customer with two "
        "contacts and N closed tickets (SQL), each with "
        f"{EVENTS_PER_TICKET} ledger events carrying a personal reason (appended "
        "through the ledger, so vaulted), one chatter message and one attachment. "
        "A fresh process per measurement, as the administrator: create the erasure "
        "request and execute it (pseudonymise, clear the tickets' fields, "
        "attachments, chatter and vault values, record the ledger event), timed "
        "with `env.flush_all()`, then rolled back. Median of "
        f"{results['rounds']} round(s); the counts are checked first.",
        "",
        "| tickets | vault values | messages | attachments | execute (s) | "
        "ms/ticket | SQL queries |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["sizes"]:
        lines.append(
            f"| {r['tickets']:,} | {r['vault']:,} | {r['messages']:,} | "
            f"{r['attachments']:,} | {r['execute_s']:.2f} | "
            f"{1000 * r['execute_s'] / r['tickets']:.2f} | "
            f"{r['execute_queries']:,} |"
        )
    return "\n".join(lines)


def run(args):
    return tickets.spawn_rounds(
        args,
        "erasure_run",
        os.path.abspath(__file__),
        check,
        lambda size, result: (
            f"erasure: {size} tickets: execute {result['execute_s']:.2f} s "
            f"({result['execute_queries']} queries)"
        ),
        "execute_s",
    )


def main():
    tickets.scenario_main(__doc__, CHILDREN, "erasure", "10000", run, section, rounds=1)


if __name__ == "__main__":
    main()
