"""The service partner's statements on its portal, its line disputes over HTTP,
and the one door over JSON-RPC and XML-RPC."""

import hashlib
import hmac
import re
import time
import xmlrpc.client

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import call_kw

from .test_settlement_flow import REFUSED, SettlementCase


@tagged("post_install", "-at_install")
class TestSettlementPortal(SettlementCase, HttpCase):
    def setUp(self):
        super().setUp()
        self.job_ticket = self.job()
        self.settlement = self.settle()
        self.settlement.action_compute()
        self.settlement.action_confirm()
        self.line = self.settlement.line_ids.filtered(lambda line: line.kind == "visit")
        self.other = self.settle(contract=self.other_partner_contract)
        self.other.action_compute()

    def page(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_partner_sees_its_statement_only(self):
        self.authenticate("settle_portal", "settle_portal")
        listing = self.page("/my/settlements").text
        self.assertIn(f'data-settlement-id="{self.settlement.id}"', listing)
        statement = self.page(f"/my/settlements/{self.settlement.id}")
        self.assertTrue(statement.url.endswith(f"/my/settlements/{self.settlement.id}"))
        self.assertIn(self.job_ticket.number, statement.text)
        self.assertIn(f'data-line-id="{self.line.id}"', statement.text)
        self.assertIn("o_settlement_dispute_form", statement.text)
        # Another partner's statement (a draft, and not its own) is not shown.
        response = self.url_open(f"/my/settlements/{self.other.id}")
        self.assertFalse(response.url.endswith(f"/my/settlements/{self.other.id}"))
        self.assertNotIn(f'data-settlement-id="{self.other.id}"', listing)

        self.authenticate("settle_other_portal", "settle_other_portal")
        response = self.url_open(f"/my/settlements/{self.settlement.id}")
        self.assertFalse(response.url.endswith(f"/my/settlements/{self.settlement.id}"))
        self.assertNotIn(self.job_ticket.number, response.text)
        listing = self.page("/my/settlements").text
        self.assertNotIn(f'data-settlement-id="{self.settlement.id}"', listing)

    def csrf_token(self):
        page = self.page(f"/my/settlements/{self.settlement.id}").text
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        return found.group(1) if found else ""

    def session_csrf_token(self):
        """The session's CSRF token, as ``request.csrf_token()`` makes it (for a
        user who has no page showing one)."""
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        max_ts = int(time.time() + 60 * 60)
        digest = hmac.new(
            secret.encode("ascii"),
            f"{self.session.sid}{max_ts}".encode(),
            hashlib.sha1,
        ).hexdigest()
        return f"{digest}o{max_ts}"

    def test_partner_disputes_a_line_over_http(self):
        # The other partner's portal user cannot dispute it.
        self.authenticate("settle_other_portal", "settle_other_portal")
        response = self.url_open(
            f"/my/settlements/{self.settlement.id}/lines/{self.line.id}/dispute",
            data={"csrf_token": self.session_csrf_token(), "reason": "not ours"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.url.endswith("disputed=1"))
        self.line.invalidate_recordset()
        self.assertEqual(self.line.dispute_state, "none")
        self.authenticate("settle_portal", "settle_portal")
        token = self.csrf_token()
        self.assertTrue(token)
        response = self.url_open(
            f"/my/settlements/{self.settlement.id}/lines/{self.line.id}/dispute",
            data={"csrf_token": token, "reason": " "},
        )
        self.assertIn("error=reason", response.url)
        self.line.invalidate_recordset()
        self.assertEqual(self.line.dispute_state, "none")
        response = self.url_open(
            f"/my/settlements/{self.settlement.id}/lines/{self.line.id}/dispute",
            data={"csrf_token": token, "reason": "师傅当天未到场 Nobody came"},
        )
        self.assertIn("disputed=1", response.url)
        self.line.invalidate_recordset()
        self.assertEqual(self.line.dispute_state, "disputed")
        self.assertEqual(self.line.dispute_reason, "师傅当天未到场 Nobody came")
        self.assertEqual(
            len(self.events(self.settlement, "settlement.line_disputed")), 1
        )

    def test_one_door_over_rpc(self):
        self.authenticate("repair_manager", "repair_manager")
        for vals in ({"amount_net": 1.0}, {"state": "billed"}):
            with mute_logger("odoo.http"):
                answer = call_kw(
                    self,
                    "aftersales.partner.settlement",
                    "write",
                    [[self.settlement.id], vals],
                )
            self.assertIn(REFUSED, answer["error"]["data"]["message"])
        with mute_logger("odoo.http"):
            answer = call_kw(
                self,
                "aftersales.partner.settlement.line",
                "write",
                [[self.line.id], {"price_unit": 5000.0}],
            )
        self.assertIn(REFUSED, answer["error"]["data"]["message"])
        # The partner's portal user writes nothing either, even its dispute.
        self.authenticate("settle_portal", "settle_portal")
        with mute_logger("odoo.http"):
            answer = call_kw(
                self,
                "aftersales.partner.settlement.line",
                "write",
                [[self.line.id], {"dispute_state": "upheld"}],
            )
        self.assertIn("error", answer)
        # XML-RPC as the accountant: the bill only through Create Bill.
        with mute_logger("odoo.http", "odoo.addons.base.controllers.rpc"):
            with self.assertRaises(xmlrpc.client.Fault) as caught:
                self.xmlrpc_object.execute_kw(
                    self.env.cr.dbname,
                    self.accountant.id,
                    "settle_accountant",
                    "aftersales.partner.settlement",
                    "write",
                    [[self.settlement.id], {"state": "cancelled"}],
                )
        self.assertIn(REFUSED, caught.exception.faultString)
        self.settlement.invalidate_recordset()
        self.assertEqual(self.settlement.state, "confirmed")
        self.assertEqual(self.line.dispute_state, "none")
