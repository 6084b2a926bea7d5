"""The monthly service report: its figures, its snapshot, its chain head, the
scheduled action (idempotent, one failure stops no other), the e-mails in each
recipient's language, the contacts a contract may name, and who may do what."""

import json
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.aftersales_service_report import AftersalesServiceReport
from .test_service_report_common import ServiceReportCase

MODULE_LOGGER = "odoo.addons.aftersales_sla.models.aftersales_service_report"


@tagged("post_install", "-at_install")
class TestServiceReportFigures(ServiceReportCase):
    def figures(self, contract=None, month=date(2026, 11, 1)):
        date_from, date_to = self.Report._month_bounds(month)
        return self.Report._service_report_figures(
            contract or self.estate_contract, date_from, date_to
        )

    def test_tickets_sla_penalties_and_caps_of_the_month(self):
        figures = self.figures()
        self.assertEqual(
            figures["tickets"],
            [
                {
                    "service_type_id": self.repair.id,
                    "reported": 2,
                    "resolved": 1,
                    # The late one of November and the one of October.
                    "open": 2,
                }
            ],
        )
        sla = {row["metric"]: row for row in figures["sla"]}
        self.assertEqual(
            sla["response"],
            {"metric": "response", "met": 1, "breached": 1, "percent": 50.0},
        )
        self.assertEqual(sla["resolution"]["met"], 1)
        self.assertEqual(sla["resolution"]["percent"], 100.0)
        self.assertEqual(figures["breach_count"], 1)
        self.assertEqual(figures["breaches"][0]["ticket"], self.late.number)
        self.assertEqual(figures["penalties"]["assessed"], 500.0)
        self.assertEqual(figures["penalties"]["count"], 1)
        self.assertEqual(figures["penalties"]["waived"], 0.0)
        term = figures["caps"]["term"]
        self.assertEqual(
            (term["cap"], term["used"], term["left"], term["percent"]),
            (10000.0, 500.0, 9500.0, 5.0),
        )

    def test_another_month_counts_nothing_of_november(self):
        figures = self.figures(month=date(2026, 10, 1))
        self.assertEqual(figures["tickets"][0]["reported"], 1)
        self.assertEqual(figures["tickets"][0]["resolved"], 0)
        # The October ticket's clocks ran out in October (the watch saw it later).
        self.assertEqual(
            figures["sla"][0],
            {"metric": "response", "met": 0, "breached": 1, "percent": 0.0},
        )
        self.assertEqual(figures["penalties"]["assessed"], 0.0)

    def test_a_report_keeps_its_figures_and_prints_the_chain_head(self):
        self.env["aftersales.event"]._seal_chains()
        with freeze_time("2026-12-01 02:00:00"):
            report = self.Report._generate(self.estate_contract, date(2026, 11, 1))
        self.assertEqual(report.state, "generated")
        self.assertEqual(report.date_to, date(2026, 11, 30))
        self.assertTrue(report.chain_token)
        self.assertGreater(report.chain_sequence, 0)
        with freeze_time("2026-11-28 02:00:00"):
            self.env["aftersales.penalty"].with_user(self.manager)._assess_manual(
                self.estate_contract, 700, "Late again"
            )
        self.assertEqual(json.loads(report.figures)["penalties"]["assessed"], 500.0)
        for lang in ("en_US", "zh_CN"):
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html(
                    "aftersales_sla.action_report_service_report",
                    report.ids,
                    data={"lang": lang},
                )[0]
                .decode()
            )
            self.assertIn(report.chain_token, html)
            self.assertIn(
                f'o_aftersales_chain_sequence">{report.chain_sequence}<', html
            )
            self.assertIn("深圳华侨城物业服务有限公司", html)
            self.assertIn("9,500.00", html)
            self.assertNotIn("1,200.00", html, "printed as generated")
        zh_html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "aftersales_sla.action_report_service_report",
                report.ids,
                data={"lang": "zh_CN"},
            )[0]
            .decode()
        )
        # Labels in Chinese where translated already: the response metric.
        metric_zh = dict(
            self.env["aftersales.ticket.sla"]
            .with_context(lang="zh_CN")
            ._fields["metric"]
            ._description_selection(self.env(context={"lang": "zh_CN"}))
        )["response"]
        self.assertIn(metric_zh, zh_html)

    def test_generate_now_is_for_managers_and_refuses_a_sent_month(self):
        wizard_vals = {
            "contract_ids": [(6, 0, self.estate_contract.ids)],
            "month": date(2026, 11, 1),
        }
        Wizard = self.env["aftersales.service.report.generate"]
        with freeze_time("2026-12-05 02:00:00"):
            with self.assertRaises(AccessError):
                Wizard.with_user(self.technician).create(wizard_vals)
            with self.assertRaises(AccessError):
                Wizard.with_user(self.accountant).create(wizard_vals).action_generate()
            wizard = Wizard.with_user(self.manager).create(wizard_vals)
            with self.assertRaises(UserError):
                wizard.copy({"month": date(2026, 12, 1)}).action_generate()
            wizard.action_generate()
            report = self.Report.search([("contract_id", "=", self.estate_contract.id)])
            self.assertEqual(report.state, "sent")
            self.assertEqual(
                report.recipient_partner_ids, self.contact_en | self.contact_zh
            )
            with self.assertRaises(UserError):
                Wizard.with_user(self.manager).create(wizard_vals).action_generate()

    def test_reports_are_written_by_their_business_methods_only(self):
        with freeze_time("2026-12-01 02:00:00"):
            report = self.Report._generate(self.estate_contract, date(2026, 11, 1))
        for user in (self.manager, self.technician, self.accountant):
            with self.assertRaises(AccessError):
                report.with_user(user).write({"state": "sent"})
            with self.assertRaises(AccessError):
                self.Report.with_user(user).create(
                    {
                        "name": "forged",
                        "contract_id": self.estate_contract.id,
                        "date_from": date(2026, 10, 1),
                        "date_to": date(2026, 10, 31),
                    }
                )
        with self.assertRaises(AccessError):
            report.with_user(self.technician).read(["figures"])
        self.assertEqual(report.with_user(self.accountant).state, "generated")
        with self.assertRaises(AccessError):
            report.with_user(self.technician).action_send()

    def test_recipients_are_the_contract_partners_own_contacts(self):
        stranger = self.env["res.partner"].create(
            {"name": "Someone Else", "email": "someone@example.com"}
        )
        with self.assertRaises(ValidationError):
            self.estate_contract.service_report_partner_ids = [(4, stranger.id)]
        no_email = self.env["res.partner"].create(
            {"name": "王工", "parent_id": self.estate.id}
        )
        with self.assertRaises(ValidationError):
            self.estate_contract.service_report_partner_ids = [(4, no_email.id)]


@tagged("post_install", "-at_install")
class TestServiceReportCron(ServiceReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("aftersales_sla.ir_cron_aftersales_service_report")
        cls.quiet = cls.env["aftersales.contract"].create(
            {
                "partner_id": cls.customer.id,
                "title": "No report wanted",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "service_report_enabled": False,
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
            }
        )
        cls.quiet.action_activate()

    def run_cron(self):
        with freeze_time("2026-12-02 01:00:00"):
            self.cron.method_direct_trigger()

    def test_cron_generates_sends_once_in_each_language(self):
        self.run_cron()
        report = self.Report.search([("contract_id", "=", self.estate_contract.id)])
        self.assertEqual(len(report), 1)
        self.assertEqual(
            (report.state, report.date_from, report.date_to),
            ("sent", date(2026, 11, 1), date(2026, 11, 30)),
        )
        self.assertFalse(
            self.Report.search([("contract_id", "=", self.quiet.id)]),
            "reports disabled on that contract",
        )
        mails = self.env["mail.mail"].search(
            [("model", "=", "aftersales.service.report"), ("res_id", "=", report.id)]
        )
        self.assertEqual(len(mails), 2, "one e-mail per language")
        by_recipient = {mail.recipient_ids: mail for mail in mails}
        self.assertEqual(
            set(by_recipient), {self.contact_en, self.contact_zh}, "each their own"
        )
        for partner, lang in ((self.contact_en, "en_US"), (self.contact_zh, "zh_CN")):
            attachment = by_recipient[partner].attachment_ids
            self.assertEqual(len(attachment), 1)
            self.assertEqual(attachment.description, lang)
            self.assertIn(f"_{lang}.", attachment.name)
            self.assertIn(attachment, report.attachment_ids)
            self.assertEqual(by_recipient[partner].state, "outgoing", "queued")
        event = self.env["aftersales.event"].search(
            [
                ("event_type", "=", "contract.service_report_sent"),
                ("res_id", "=", self.estate_contract.id),
            ]
        )
        self.assertEqual(len(event), 1)
        payload = (
            event.payload
            if isinstance(event.payload, dict)
            else json.loads(event.payload)
        )
        self.assertEqual(payload["service_report_id"], report.id)
        self.assertEqual(payload["date_from"], "2026-11-01")
        self.assertEqual(
            sorted(payload["recipient_partner_ids"]),
            sorted((self.contact_en | self.contact_zh).ids),
        )
        self.assertNotIn("octestate", json.dumps(payload), "no e-mail addresses")
        # Idempotent: a second run sends nothing more.
        self.run_cron()
        self.assertEqual(
            self.Report.search_count([("contract_id", "=", self.estate_contract.id)]),
            1,
        )
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", "aftersales.service.report")]
            ),
            self.env["mail.mail"].search_count(
                [("model", "=", "aftersales.service.report")]
            ),
        )
        self.assertEqual(
            len(
                self.env["mail.mail"].search(
                    [
                        ("model", "=", "aftersales.service.report"),
                        ("res_id", "=", report.id),
                    ]
                )
            ),
            2,
        )

    def test_one_failure_stops_no_other(self):
        figures = AftersalesServiceReport._service_report_figures
        broken = self.env["aftersales.contract"].create(
            {
                "partner_id": self.customer.id,
                "title": "Broken one",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 11, 15),
                "calendar_id": self.calendar.id,
                "sla_policy_id": self.policy.id,
            }
        )
        broken.action_activate()

        def failing(model, contract, date_from, date_to):
            if contract == broken:
                raise ValueError("figures unavailable")
            return figures(model, contract, date_from, date_to)

        with (
            patch.object(AftersalesServiceReport, "_service_report_figures", failing),
            mute_logger(MODULE_LOGGER),
        ):
            self.run_cron()
        failed = self.Report.search([("contract_id", "=", broken.id)])
        self.assertEqual(failed.state, "failed")
        self.assertIn("figures unavailable", failed.error)
        self.assertEqual(
            self.Report.search([("contract_id", "=", self.estate_contract.id)]).state,
            "sent",
        )
        # Not tried again by the next run; a manager generates it again.
        self.run_cron()
        self.assertEqual(failed.state, "failed")
        with self.assertRaises(UserError):
            failed.with_user(self.manager).action_send()
        with freeze_time("2026-12-02 03:00:00"):
            self.env["aftersales.service.report.generate"].with_user(
                self.manager
            ).create(
                {"contract_ids": [(6, 0, broken.ids)], "month": date(2026, 11, 1)}
            ).action_generate()
        self.assertEqual(failed.state, "generated", "no recipients named")
        self.assertFalse(failed.error)

    def test_a_contract_expired_in_the_month_gets_its_report(self):
        expired = self.env["aftersales.contract"].create(
            {
                "partner_id": self.customer.id,
                "title": "Ended in November",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 11, 10),
                "calendar_id": self.calendar.id,
                "sla_policy_id": self.policy.id,
            }
        )
        expired.action_activate()
        with freeze_time("2026-11-12 01:00:00"):
            self.env["aftersales.contract"]._cron_expire_contracts()
        self.assertEqual(expired.state, "expired")
        terminated_before = self.env["aftersales.contract"].create(
            {
                "partner_id": self.customer.id,
                "title": "Terminated in October",
                "date_start": date(2026, 1, 1),
                "date_end": date(2027, 12, 31),
                "calendar_id": self.calendar.id,
                "sla_policy_id": self.policy.id,
            }
        )
        terminated_before.action_activate()
        with freeze_time("2026-10-20 01:00:00"):
            terminated_before.action_terminate(reason="Customer moved out")
        self.run_cron()
        self.assertEqual(
            self.Report.search([("contract_id", "=", expired.id)]).state, "generated"
        )
        self.assertFalse(
            self.Report.search([("contract_id", "=", terminated_before.id)]),
            "ended before the month",
        )
