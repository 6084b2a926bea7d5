"""The first hour of the service manager and the accountant (issue #12): bulk
Confirm of penalties, the contract's Tickets button, contract numbers a failed save
does not consume, the SLA statement's default period and its period only, and the
ticket and promise of a penalty in words for the accountant who settles it."""

from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import call_kw, shanghai
from .test_penalty import PenaltyCase

RESPONSE_RULE = {
    "name": "响应超时",
    "rule_type": "fixed",
    "amount": 500,
    "metric": "response",
}


def confirm_events(env, penalties):
    return env["aftersales.event"].search(
        [
            ("res_model", "=", "aftersales.penalty"),
            ("res_id", "in", penalties.ids),
            ("event_type", "=", "penalty.confirmed"),
        ]
    )


@tagged("post_install", "-at_install")
class TestManagerFirstHour(PenaltyCase):
    def manual_penalties(self, contract, count):
        Penalty = self.Penalty.with_user(self.manager)
        penalties = Penalty.browse()
        for index in range(count):
            penalties |= Penalty._assess_manual(contract, 100 + index, f"Late {index}")
        return penalties

    def run_bulk_confirm(self, user, penalties):
        action = self.env.ref("aftersales_sla.aftersales_penalty_action_confirm")
        return (
            action.with_user(user)
            .with_context(
                active_model="aftersales.penalty",
                active_ids=penalties.ids,
                active_id=penalties[:1].id,
            )
            .run()
        )

    # Bulk Confirm ------------------------------------------------------

    def test_bulk_confirm_confirms_the_selection_as_the_form_does(self):
        action = self.env.ref("aftersales_sla.aftersales_penalty_action_confirm")
        self.assertEqual(action.binding_model_id.model, "aftersales.penalty")
        self.assertEqual(action.binding_view_types, "list")
        penalties = self.manual_penalties(self.contract, 3)
        self.run_bulk_confirm(self.manager, penalties)
        self.assertEqual(set(penalties.mapped("state")), {"confirmed"})
        # One ledger event per penalty, as the form's button appends.
        events = confirm_events(self.env, penalties)
        self.assertEqual(sorted(events.mapped("res_id")), sorted(penalties.ids))

    def test_bulk_confirm_refuses_the_whole_batch_naming_the_others(self):
        assessed, confirmed, waived = self.manual_penalties(self.contract, 3)
        confirmed.with_user(self.manager).action_confirm()
        waived.with_user(self.manager).action_waive("goodwill")
        selection = assessed | confirmed | waived
        with self.assertRaises(UserError) as caught:
            self.run_bulk_confirm(self.manager, selection)
        message = str(caught.exception)
        self.assertIn(confirmed.name, message)
        self.assertIn(waived.name, message)
        self.assertIn("Confirmed", message)
        self.assertIn("Waived", message)
        self.assertNotIn(assessed.name, message)
        # Nothing confirmed: not even the one that could be.
        self.assertEqual(assessed.state, "assessed")
        self.assertEqual(confirm_events(self.env, assessed).ids, [])

    def test_bulk_confirm_is_for_managers_only(self):
        penalty = self.manual_penalties(self.contract, 1)
        for user in (self.technician, self.accountant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.run_bulk_confirm(user, penalty)
        self.assertEqual(penalty.state, "assessed")

    # Contract form ------------------------------------------------------

    def test_tickets_button_counts_and_opens_the_contract_tickets(self):
        with freeze_time("2026-11-20 13:05:00"):
            first = self.report()
            second = self.report(name="热水器不出热水")
            other = self.env["res.partner"].create({"name": "无合同客户"})
            self.report(name="无合同工单", partner_id=other.id)
        self.assertEqual(self.contract.ticket_count, 2)
        action = self.contract.action_view_tickets()
        self.assertEqual(action["res_model"], "aftersales.ticket")
        self.assertEqual(
            self.env["aftersales.ticket"].search(action["domain"]), first | second
        )
        self.assertEqual(action["context"]["default_contract_id"], self.contract.id)
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        # The technician counts the tickets he can open.
        self.assertEqual(self.contract.with_user(self.technician).ticket_count, 0)
        first.user_id = self.technician
        self.contract.invalidate_recordset(["ticket_count"])
        self.assertEqual(self.contract.with_user(self.technician).ticket_count, 1)

    def test_penalty_buttons_open_what_they_count(self):
        contract = self.make_contract([RESPONSE_RULE])
        self.breach_response()
        manual = self.manual_penalties(contract, 1)
        manual.with_user(self.manager).action_waive("goodwill")
        Penalty = self.env["aftersales.penalty"]
        every = Penalty.search(contract.action_view_penalties()["domain"])
        self.assertEqual(len(every), contract.penalty_count)
        breaches = contract.action_view_breach_penalties()
        self.assertEqual(breaches["context"]["group_by"], ["sla_line_id"])
        grouped = Penalty._read_group(breaches["domain"], ["sla_line_id"])
        self.assertEqual(len(grouped), contract.breach_count)
        due = Penalty.search(contract.action_view_penalties_due()["domain"])
        self.assertEqual(sum(due.mapped("amount")), contract.penalty_total)
        self.assertNotIn(manual, due)

    # Contract numbers -------------------------------------------------

    def test_a_failed_save_consumes_no_contract_number(self):
        sequence = self.env.ref("aftersales_sla.seq_aftersales_contract")
        self.assertEqual(sequence.implementation, "no_gap")
        expected = sequence.get_next_char(sequence.number_next_actual)
        values = {
            "partner_id": self.customer.id,
            "title": "Numbered contract",
            "date_start": date(2026, 1, 1),
            "calendar_id": self.calendar.id,
            "sla_policy_id": self.policy.id,
        }
        with self.assertRaises(ValidationError):
            self.env["aftersales.contract"].create(
                dict(values, date_end=date(2025, 12, 31))
            )
        contract = self.env["aftersales.contract"].create(
            dict(values, date_end=date(2026, 12, 31))
        )
        self.assertEqual(contract.name, expected)

    def test_sequence_switched_on_update_keeps_the_next_number(self):
        sequence = self.env.ref("aftersales_sla.seq_aftersales_contract")
        sequence.write({"implementation": "standard"})
        sequence.number_next_actual = 42
        self.env["aftersales.contract"]._make_sequence_gapless()
        self.assertEqual(sequence.implementation, "no_gap")
        self.assertEqual(sequence.number_next_actual, 42)

    # SLA statement ----------------------------------------------------

    def test_both_statement_entries_default_to_the_previous_month(self):
        manager = self.manager.with_context(tz="Asia/Shanghai")
        manager.tz = "Asia/Shanghai"
        Statement = self.env["aftersales.sla.statement"].with_user(manager)
        Report = self.env["report.aftersales_sla.report_sla_statement"].with_user(
            manager
        )
        # 20:00 UTC on 30 November is 1 December in Shanghai: November is done.
        with freeze_time("2026-11-30 20:00:00"):
            wizard = Statement.with_context(
                default_contract_id=self.contract.id
            ).create({})
            values = Report._get_report_values(self.contract.ids)
            printed = values["statement_values"](self.contract)
        self.assertEqual(wizard.date_from, date(2026, 11, 1))
        self.assertEqual(wizard.date_to, date(2026, 11, 30))
        self.assertEqual(printed["date_from"], wizard.date_from)
        self.assertEqual(printed["date_to"], wizard.date_to)

    def test_statement_end_before_start_is_refused_when_entered(self):
        Statement = self.env["aftersales.sla.statement"].with_user(self.manager)
        draft = Statement.new(
            {
                "contract_id": self.contract.id,
                "date_from": date(2026, 11, 30),
                "date_to": date(2026, 11, 1),
            }
        )
        warning = draft._onchange_period()["warning"]
        self.assertIn("cannot end before it starts", warning["message"])
        draft.date_to = date(2026, 11, 30)
        self.assertIsNone(draft._onchange_period())
        with self.assertRaises(ValidationError):
            Statement.create(
                {
                    "contract_id": self.contract.id,
                    "date_from": date(2026, 11, 30),
                    "date_to": date(2026, 11, 1),
                }
            )

    def test_statement_shows_its_period_only(self):
        contract = self.make_contract([RESPONSE_RULE])
        with freeze_time("2026-10-20 13:05:00"):
            october = self.report(reported=shanghai(2026, 10, 20, 21, 0))
        with freeze_time(shanghai(2026, 10, 22, 9, 0)):
            self.env["aftersales.ticket.sla"]._cron_sla_watch()
        november = self.breach_response(name="十一月的工单")
        Penalty = self.env["aftersales.penalty"]
        old = Penalty.search([("ticket_id", "=", october.id)])
        new = Penalty.search([("ticket_id", "=", november.id)])
        self.assertTrue(old and new)
        Report = self.env["report.aftersales_sla.report_sla_statement"]
        values = Report._statement_values(
            contract, date(2026, 11, 1), date(2026, 11, 30)
        )
        self.assertEqual(values["breaches"].ticket_id, november)
        self.assertEqual(values["penalties"], new)
        # The caps' figures are the term's to date, and say so.
        self.assertEqual(values["caps"][0]["used"], 1000)
        self.assertEqual(values["term_start"], contract.date_start)
        wizard = self.env["aftersales.sla.statement"].create(
            {
                "contract_id": contract.id,
                "date_from": date(2026, 11, 1),
                "date_to": date(2026, 11, 30),
            }
        )
        self.assertEqual(wizard.breach_count, 1)
        self.assertEqual(wizard.ticket_count, 1)
        self.assertEqual(wizard.penalty_ids, new)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "aftersales_sla.action_report_sla_statement",
                contract.ids,
                data={
                    "contract_ids": contract.ids,
                    "date_from": "2026-11-01",
                    "date_to": "2026-11-30",
                },
            )[0]
            .decode()
        )
        self.assertIn(november.number, html)
        self.assertNotIn(october.number, html)
        self.assertIn("Term to date", html)


@tagged("post_install", "-at_install")
class TestAccountantReadsPenalties(HttpCase, PenaltyCase):
    """The accountant who settles penalties reads their ticket and promise in
    words, over RPC as on screen, and changes no ticket."""

    def test_penalty_ticket_and_promise_in_words_for_billing(self):
        self.make_contract([RESPONSE_RULE])
        ticket = self.breach_response()
        penalty = self.Penalty.search([("ticket_id", "=", ticket.id)])
        self.authenticate("pen_accountant", "pen_accountant")
        answer = call_kw(
            self,
            "aftersales.penalty",
            "web_read",
            [penalty.ids],
            {
                "specification": {
                    "ticket_id": {"fields": {"display_name": {}}},
                    "metric": {},
                }
            },
        )
        self.assertNotIn("error", answer)
        record = answer["result"][0]
        self.assertEqual(
            record["ticket_id"]["display_name"], f"{ticket.number} 门锁无法开启"
        )
        self.assertEqual(record["metric"], "response")
        labels = call_kw(self, "aftersales.penalty", "fields_get", [["metric"]], {})[
            "result"
        ]["metric"]["selection"]
        self.assertIn(["response", "Response"], labels)
        # Opening the ticket link: the ticket's form view and its record.
        views = call_kw(
            self,
            "aftersales.ticket",
            "get_views",
            [],
            {"views": [[False, "form"]]},
        )
        self.assertNotIn("error", views)
        view = views["result"]["views"]["form"]
        fields = views["result"]["models"]["aftersales.ticket"]["fields"]
        # The fields of the form itself, as the web client reads them (x2many
        # with their ids at least).
        arch = etree.fromstring(view["arch"])
        names = {
            node.get("name")
            for node in arch.iter("field")
            if not any(
                parent.tag in ("list", "kanban") for parent in node.iterancestors()
            )
        }
        specification = {
            name: {"fields": {"display_name": {}}}
            if fields[name]["type"] in ("many2one", "one2many", "many2many")
            else {}
            for name in names
        }
        self.assertNotIn("sla_ids", specification)
        # Widgets that read a whole model (the stage bar) only where it is readable.
        for node in arch.iter("field"):
            if node.get("widget") == "statusbar":
                comodel = fields[node.get("name")]["relation"]
                answer = call_kw(self, comodel, "search_read", [[], ["id"]], {})
                self.assertNotIn("error", answer, comodel)
        opened = call_kw(
            self,
            "aftersales.ticket",
            "web_read",
            [ticket.ids],
            {"specification": specification},
        )
        self.assertNotIn("error", opened, opened.get("error"))
        self.assertEqual(opened["result"][0]["number"], ticket.number)
        # Reading is all: the accountant changes no ticket.
        with mute_logger("odoo.http"):
            refused = call_kw(
                self, "aftersales.ticket", "write", [ticket.ids, {"name": "x"}], {}
            )
        self.assertIn("error", refused)
        self.assertEqual(ticket.name, "门锁无法开启")

    def test_bulk_confirm_is_refused_over_rpc(self):
        penalty = self.Penalty.with_user(self.manager)._assess_manual(
            self.contract, 100, "Late"
        )
        action = self.env.ref("aftersales_sla.aftersales_penalty_action_confirm")
        for login in ("pen_accountant", "pen_tech"):
            self.authenticate(login, login)
            with self.subTest(login=login), mute_logger("odoo.http"):
                answer = self.url_open(
                    "/web/action/run",
                    data=(
                        '{"jsonrpc": "2.0", "method": "call", "id": 1, "params": '
                        f'{{"action_id": {action.id}, "context": '
                        f'{{"active_model": "aftersales.penalty", '
                        f'"active_ids": [{penalty.id}], "active_id": {penalty.id}}}}}}}'
                    ),
                    headers={"Content-Type": "application/json"},
                ).json()
                self.assertIn("error", answer)
                direct = call_kw(
                    self, "aftersales.penalty", "action_confirm", [penalty.ids], {}
                )
                self.assertIn("error", direct)
        self.assertEqual(penalty.state, "assessed")
