import json
import os

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import call_kw
from .test_penalty import PenaltyCase

#: Texts only this test writes: searched for in the whole database afterwards.
DESCRIPTION = "ERASEME-DESC 广州市天河区体育西路 88 号 1201 室"
WORK = "ERASEME-WORK 更换点火针, 陈女士在场"
CLOSE_REASON = "ERASEME-CLOSE 客户陈女士电话确认"
WAIVER_NOTE = "ERASEME-WAIVE 陈女士投诉后经理同意"
CHATTER = "ERASEME-CHAT 陈女士的手机 13900071507"
PHOTO = b"ERASEME-PHOTO front door of flat 1201"
PHONE = "13900071507"
EMAIL = "chen.nvshi@example.cn"


@tagged("post_install", "-at_install")
class TestErasureRequest(PenaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Request = cls.env["aftersales.erasure.request"]
        cls.customer.write(
            {"phone": "020-88886666", "street": "体育西路 88 号", "city": "广州"}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "陈女士 ERASEME-NAME",
                "parent_id": cls.customer.id,
                "phone": PHONE,
                "email": EMAIL,
                "street": "体育西路 88 号 1201 室",
            }
        )

    def setUp(self):
        super().setUp()
        self.contract2 = self.make_contract(
            [
                {
                    "name": "Fixed",
                    "rule_type": "fixed",
                    "amount": 1000,
                    "metric": "response",
                }
            ]
        )
        self.ticket = self.breach_response(
            contact_id=self.contact.id, description=f"<p>{DESCRIPTION}</p>"
        )
        self.ticket.work_notes = f"<p>{WORK}</p>"
        self.penalty = self.Penalty.search([("ticket_id", "=", self.ticket.id)])
        self.assertEqual(len(self.penalty), 1)
        self.photo = self.env["ir.attachment"].create(
            {
                "name": "door.txt",
                "raw": PHOTO,
                "mimetype": "text/plain",
                "res_model": "aftersales.ticket",
                "res_id": self.ticket.id,
            }
        )
        self.ticket.message_post(
            body=CHATTER, attachments=[("chat.txt", PHOTO + b" (chat)")]
        )

    def close_and_waive(self):
        self.penalty.with_user(self.manager).action_waive("force_majeure", WAIVER_NOTE)
        self.ticket.action_close(reason=CLOSE_REASON)

    def figures(self):
        self.env.invalidate_all()
        return (
            [
                (
                    line.metric,
                    line.state,
                    line.elapsed_seconds,
                    line.lateness_seconds,
                    line.deadline,
                    line.breached_at,
                    line.met_at,
                )
                for line in self.ticket.sla_ids.sorted("metric")
            ],
            [
                (p.amount, p.state, p.waiver_reason)
                for p in self.Penalty.search([("ticket_id", "=", self.ticket.id)])
            ],
            self.contract2.penalty_total,
            self.ticket.state,
            self.ticket.closed_at,
        )

    def request(self, user=None, **values):
        return self.Request.with_user(user or self.manager).create(
            dict(
                {
                    "partner_id": self.contact.id,
                    "request_ref": "客服热线 2026-1130-001",
                    "legal_basis": "pipl",
                },
                **values,
            )
        )

    def count_in_database(self, text):
        """Where ``text`` still is: {table.column: rows}."""
        self.env.flush_all()
        columns = {
            "mail_message": ["body::text", "subject", "email_from"],
            "ir_attachment": ["name", "index_content", "encode(db_datas, 'escape')"],
            "aftersales_event_personal": ["value"],
            "aftersales_event": ["reason", "payload"],
            "res_partner": ["name", "email", "phone", "street", "comment"],
            "aftersales_ticket": ["description::text", "work_notes::text"],
            "mail_tracking_value": [
                "old_value_char",
                "new_value_char",
                "old_value_text",
                "new_value_text",
            ],
        }
        found = {}
        for table, exprs in columns.items():
            for expr in exprs:
                self.env.cr.execute(
                    f"SELECT count(*) FROM {table} WHERE {expr} LIKE %s",  # noqa: S608
                    [f"%{text}%"],
                )
                count = self.env.cr.fetchone()[0]
                if count:
                    found[f"{table}.{expr}"] = count
        return found

    def test_erasure_keeps_the_figures_and_leaves_nothing_behind(self):
        self.close_and_waive()
        for text in ("ERASEME", PHONE):
            self.assertTrue(self.count_in_database(text), "the test data is there")
        stored = self.photo.store_fname
        before = self.figures()
        request = self.request()
        request.action_execute()
        self.assertEqual(request.state, "done", request.refusal_reason)
        self.assertEqual(self.figures(), before, "SLA figures and penalties intact")
        for text in ("ERASEME", PHONE, EMAIL):
            self.assertEqual(self.count_in_database(text), {}, text)
        # The partners: pseudonymised, linked as before.
        self.assertEqual(self.contact.name, f"Erased customer {self.contact.id}")
        self.assertFalse(self.contact.phone or self.contact.email)
        self.assertEqual(self.ticket.contact_id, self.contact)
        self.assertEqual(self.ticket.partner_id, self.customer)
        self.assertFalse(self.ticket.description or self.ticket.work_notes)
        self.assertTrue(self.ticket.personal_data_erased_at)
        # Attachments: the rows are gone, the file goes with the filestore's GC.
        Attachment = self.env["ir.attachment"]
        self.assertFalse(self.photo.exists())
        self.assertFalse(
            Attachment.search_count(
                [
                    ("res_model", "=", "aftersales.ticket"),
                    ("res_id", "=", self.ticket.id),
                ]
            )
        )
        Attachment._gc_file_store_unsafe()
        self.assertFalse(os.path.exists(Attachment._full_path(stored)))
        # The ledger: readers see "(erased)", every hash verifies.
        closed = self.ticket.event_ids.filtered(
            lambda e: e.event_type == "ticket.closed"
        )
        self.assertEqual(closed.reason_text, "(erased)")
        self.assertEqual(
            self.ticket.timeline_ids.filtered(
                lambda line: line.event_type == "ticket.closed"
            ).reason_text,
            "(erased)",
        )
        self.assertGreaterEqual(request.vault_count, 3)
        self.assertEqual(request.ticket_count, 1)
        self.assertEqual(request.partner_count, 2)
        event = request.event_id
        self.assertEqual(event.event_type, "personal_data.erased")
        payload = json.loads(event.payload)
        self.assertEqual(payload["request"], request.id)
        self.assertEqual(payload["vault"], request.vault_count)
        self.assertNotIn("陈", event.payload + (event.reason or ""))
        erased = self.env["aftersales.event.personal"].search(
            [("res_model", "=", "aftersales.ticket"), ("res_id", "=", self.ticket.id)]
        )
        self.assertTrue(erased)
        self.assertEqual(set(erased.mapped("erasure_event_id")), {event})
        Event = self.env["aftersales.event"]
        Event._seal_chains()
        chain = self.env["aftersales.event.chain"].search(
            [("company_id", "=", self.ticket.company_id.id)]
        )
        result = Event.verify_ledger(chain)
        self.assertTrue(result["ok"], result["breaks"])
        self.assertGreaterEqual(result["personal_erased"], request.vault_count)

    def test_open_disputes_and_open_tickets_refuse_with_the_reason(self):
        self.penalty.with_user(self.manager).action_confirm()
        self.penalty.with_user(self.manager).action_dispute("ERASEME-DISPUTE 停电")
        request = self.request()
        request.action_execute()
        self.assertEqual(request.state, "refused")
        self.assertIn(self.penalty.display_name, request.refusal_reason)
        self.assertIn("dispute", request.refusal_reason)
        self.assertIn(self.ticket.display_name, request.refusal_reason)
        self.assertIn("not closed", request.refusal_reason)
        # Nothing was erased.
        self.assertEqual(self.contact.phone, PHONE)
        self.assertIn(DESCRIPTION, self.ticket.description)
        self.assertTrue(self.photo.exists())
        self.assertFalse(
            self.env["aftersales.event"].search_count(
                [("event_type", "=", "personal_data.erased")]
                + [("res_id", "=", request.id)]
            )
        )
        # Once settled and closed, the request is tried again.
        self.penalty.with_user(self.manager).action_resolve_dispute(
            "waive", note="ERASEME-SETTLED"
        )
        self.ticket.action_close()
        request.action_reset_draft()
        request.action_execute()
        self.assertEqual(request.state, "done")
        self.assertEqual(self.count_in_database("ERASEME"), {})

    def test_a_manager_of_another_company_only_is_refused(self):
        self.close_and_waive()
        other = self.env["res.company"].create({"name": "Lock Maker Shenzhen"})
        outsider = new_test_user(
            self.env,
            "erasure_outsider",
            groups="aftersales_sla.group_aftersales_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        request = self.request(user=outsider)
        self.assertEqual(request.company_id, other)
        request.with_user(outsider).action_execute()
        self.assertEqual(request.state, "refused")
        self.assertIn(self.ticket.company_id.name, request.refusal_reason)
        self.assertEqual(self.contact.phone, PHONE)
        self.assertIn(DESCRIPTION, self.ticket.description)

    def test_who_may_erase(self):
        self.close_and_waive()
        technician = new_test_user(
            self.env, "erasure_tech", groups="aftersales_sla.group_aftersales_user"
        )
        auditor = new_test_user(
            self.env,
            "erasure_auditor",
            groups="aftersales_sla.group_aftersales_auditor",
        )
        for user in (technician, self.accountant, auditor):
            with self.assertRaises(AccessError):
                self.request(user=user)
        request = self.request()
        for user in (technician, self.accountant, auditor):
            with self.assertRaises(AccessError):
                request.with_user(user).action_execute()
        self.assertEqual(request.with_user(auditor).state, "draft", "auditors read")
        # The result is the action's: not even a manager writes it.
        with self.assertRaises(UserError):
            request.write({"state": "done"})
        with self.assertRaises(UserError):
            self.request(state="done", ticket_count=3)
        request.action_execute()
        with self.assertRaises(UserError):
            request.write({"request_ref": "changed"})
        with self.assertRaises(UserError):
            request.unlink()
        with self.assertRaises(UserError):
            request.action_execute()
        with self.assertRaises(UserError):
            self.ticket.write({"personal_data_erased_at": False})


@tagged("post_install", "-at_install")
class TestErasureRpc(HttpCase):
    @mute_logger("odoo.http")
    def test_rpc_refusals(self):
        customer = self.env["res.partner"].create({"name": "RPC 客户"})
        new_test_user(
            self.env, "erasure_rpc_tech", groups="aftersales_sla.group_aftersales_user"
        )
        new_test_user(
            self.env,
            "erasure_rpc_manager",
            groups="aftersales_sla.group_aftersales_manager",
        )
        request = (
            self.env["aftersales.erasure.request"]
            .sudo()
            .create({"partner_id": customer.id, "request_ref": "RPC-1"})
        )
        self.authenticate("erasure_rpc_tech", "erasure_rpc_tech")
        answer = call_kw(
            self,
            "aftersales.erasure.request",
            "create",
            [{"partner_id": customer.id, "request_ref": "RPC-2"}],
        )
        self.assertIn("error", answer)
        answer = call_kw(
            self, "aftersales.erasure.request", "action_execute", [[request.id]]
        )
        self.assertIn("error", answer)
        self.assertEqual(request.state, "draft")
        self.authenticate("erasure_rpc_manager", "erasure_rpc_manager")
        answer = call_kw(
            self,
            "aftersales.erasure.request",
            "write",
            [[request.id], {"state": "done", "vault_count": 7}],
        )
        self.assertIn("error", answer)
        event = self.env["aftersales.event"]._append_event(
            "ledger.note", subject=customer, reason="RPC 客户的地址"
        )
        entry = self.env["aftersales.event.personal"].search(
            [("event_id", "=", event.id)]
        )
        for method, args in (
            ("write", [entry.ids, {"value": "forged"}]),
            ("unlink", [entry.ids]),
            ("create", [{"event_id": event.id, "ref": "1" * 16, "path": "x"}]),
        ):
            answer = call_kw(self, "aftersales.event.personal", method, args)
            self.assertIn("error", answer, method)
        self.assertEqual(entry.value, "RPC 客户的地址")
        request.invalidate_recordset()
        self.assertEqual(request.state, "draft")
        self.assertFalse(request.vault_count)
