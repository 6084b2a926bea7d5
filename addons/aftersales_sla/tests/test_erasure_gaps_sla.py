from datetime import date

from odoo.tests import tagged

from . import test_erasure_request as base

SUMMARY = "ERASEGAP-NAME 张三家热水器漏水"
MAILED = "ERASEGAP-MAIL 张三 13800001111"


@tagged("post_install", "-at_install")
class TestErasureGapsSla(base.TestErasureRequest):
    """The ticket's summary line and the mail traces of its messages."""

    # The parent's tests run in their own class.
    test_erasure_keeps_the_figures_and_leaves_nothing_behind = None
    test_open_disputes_and_open_tickets_refuse_with_the_reason = None
    test_a_manager_of_another_company_only_is_refused = None
    test_who_may_erase = None
    test_rpc_refusals = None

    def gap_places(self, text):
        self.env.flush_all()
        found = {}
        for table, expr in (
            ("aftersales_ticket", "name"),
            ("mail_message", "record_name"),
            ("mail_message", "subject"),
            ("mail_mail", "body_html"),
            ("mail_mail", "email_to"),
            ("mail_notification", "failure_reason"),
            ("mail_tracking_value", "old_value_char"),
        ):
            self.env.cr.execute(
                f"SELECT count(*) FROM {table} WHERE {expr} LIKE %s",  # noqa: S608
                [f"%{text}%"],
            )
            count = self.env.cr.fetchone()[0]
            if count:
                found[f"{table}.{expr}"] = count
        return found

    def test_summary_line_and_mail_traces_are_erased(self):
        self.ticket.with_context(tracking_disable=False).name = SUMMARY
        self.ticket.name = "漏水"  # tracked: the old summary is in a tracking value
        message = self.ticket.message_post(
            body="ok", subject=f"{SUMMARY} 回访", message_type="comment"
        )
        message.sudo().record_name = SUMMARY
        self.env["mail.mail"].sudo().create(
            {
                "mail_message_id": message.id,
                "body_html": f"<p>{MAILED}</p>",
                "email_to": "zhangsan-ERASEGAP@example.cn",
                "state": "exception",
            }
        )
        self.env["mail.notification"].sudo().create(
            {
                "mail_message_id": message.id,
                "res_partner_id": self.contact.id,
                "notification_type": "email",
                "notification_status": "exception",
                "failure_reason": f"{MAILED} mailbox full",
            }
        )
        self.ticket.name = SUMMARY
        self.close_and_waive()
        self.assertTrue(self.gap_places("ERASEGAP"), "the test data is there")
        number = self.ticket.number
        before = self.figures()
        request = self.request()
        request.action_execute()
        self.assertEqual(request.state, "done", request.refusal_reason)
        self.assertEqual(self.gap_places("ERASEGAP"), {})
        self.assertEqual(self.gap_places("张三"), {})
        self.assertEqual(self.ticket.name, f"{number} (erased)")
        self.assertEqual(self.ticket.number, number)
        self.assertEqual(self.figures(), before, "SLA figures and penalties intact")
        self.assertTrue(message.exists(), "the erased message is kept")
        Event = self.env["aftersales.event"]
        Event._seal_chains()
        chain = self.env["aftersales.event.chain"].search(
            [("company_id", "=", self.ticket.company_id.id)]
        )
        result = Event.verify_ledger(chain)
        self.assertTrue(result["ok"], result["breaks"])

    def test_retention_purge_erases_the_summary_line(self):
        self.ticket.name = SUMMARY
        self.close_and_waive()
        before = self.figures()
        self.ticket._purge_personal_data()
        self.assertEqual(self.gap_places("ERASEGAP"), {})
        self.assertIn(self.ticket.number, self.ticket.name)
        self.assertEqual(self.figures(), before)

    def test_service_report_pdfs_go_and_print_again_pseudonymised(self):
        self.close_and_waive()
        Report = self.env["aftersales.service.report"]
        report = Report._generate(self.contract2, date(2026, 11, 1))
        pdf = report._pdf("en_US")
        name = self.customer.name
        self.assertIn(name, pdf.raw.decode(), "the customer's name is printed")
        figures = report.figures
        request = self.request()
        request.action_execute()
        self.assertEqual(request.state, "done", request.refusal_reason)
        self.assertFalse(pdf.exists())
        self.assertFalse(report.attachment_ids)
        self.assertEqual(report.figures, figures, "the snapshot stays")
        again = report._pdf("en_US").raw.decode()
        self.assertNotIn(name, again)
        self.assertIn(f"Erased customer {self.customer.id}", again)
