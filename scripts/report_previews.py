"""Run inside `odoo-bin shell` (see report-previews.sh): render the first page of
each after-sales report for a demo record, in English and Simplified Chinese, as PNG.
The partner's language is switched inside the transaction, which is rolled back."""

import datetime
import os
import subprocess
import tempfile

OUT = os.environ["REPORT_PREVIEW_OUT"]
env = env(context={})  # noqa: F821 - provided by odoo-bin shell
env["ir.config_parameter"].set_param("report.url", os.environ["REPORT_URL"])
for code in ("en_US", "zh_CN"):
    env["res.lang"]._activate_lang(code)
contract = env.ref("aftersales_sla.demo_contract_lock_shenzhen")
ticket = env["aftersales.ticket"].search(
    [("contract_id", "=", contract.id), ("signed_on", "!=", False)], limit=1
) or env["aftersales.ticket"].search(
    [("contract_id", "=", contract.id), ("state", "=", "closed")],
    order="closed_at desc",
    limit=1,
)
evaluation = env["aftersales.evaluation"].search(
    [("contract_id", "=", contract.id), ("state", "=", "closed")],
    order="date_from desc",
    limit=1,
)
chain = env["aftersales.event.chain"].search(
    [("company_id", "=", contract.company_id.id)], limit=1
)
# The statement covers the term to date (the demo's breaches lie in several months;
# the default period, last month, may hold none).
TERM_TO_DATE = {
    "date_from": str(contract.date_start),
    "date_to": str(min(contract.date_end, datetime.date.today())),
}
# The monthly service report of last month (generated here, rolled back with the rest).
last_month = (
    datetime.date.today().replace(day=1) - datetime.timedelta(days=1)
).replace(day=1)
service_report = env["aftersales.service.report"]._generate(contract, last_month)
REPORTS = [
    ("contract", "aftersales_sla.action_report_aftersales_contract", contract, None),
    ("ticket", "aftersales_sla.action_report_aftersales_ticket", ticket, None),
    ("statement", "aftersales_sla.action_report_sla_statement", contract, TERM_TO_DATE),
    (
        "evaluation",
        "aftersales_survey.action_report_aftersales_evaluation",
        evaluation,
        None,
    ),
    ("integrity", "aftersales_sla.action_report_ledger_integrity", chain, None),
    (
        "service-report",
        "aftersales_sla.action_report_service_report",
        service_report,
        None,
    ),
]
partners = contract.partner_id | ticket.partner_id | chain.company_id.partner_id
try:
    for lang in ("en_US", "zh_CN"):
        partners.commercial_partner_id.write({"lang": lang})
        partners.write({"lang": lang})
        for name, report, record, data in REPORTS:
            if not record:
                print(f"no demo record for {name}")
                continue
            pdf, _kind = (
                env["ir.actions.report"]
                .with_context(lang=lang)
                ._render_qweb_pdf(report, record.ids, data=data)
            )
            with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
                handle.write(pdf)
                handle.flush()
                target = os.path.join(OUT, f"{name}-{lang}")
                subprocess.run(
                    [
                        "pdftoppm",
                        "-png",
                        "-r",
                        "60",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        handle.name,
                        target,
                    ],
                    check=True,
                )
            print(f"{name} {lang}: {target}.png")
finally:
    env.cr.rollback()
