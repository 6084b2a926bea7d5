"""The service partner's portal over HTTP and JSON-RPC: a partner's user sees and
works his company's jobs only."""

import re

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import call_kw

from .test_partner_portal_model import PDF, PNG, partner_portal_fixture, ticket_events


@tagged("post_install", "-at_install")
class TestPartnerPortalHttp(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner_portal_fixture(cls)

    def csrf(self, url):
        page = self.url_open(url).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def post(self, ticket, action, data=None, files=None, token=None):
        token = token or self.csrf(f"/my/partner-jobs/{self.ticket_a.id}")
        return self.url_open(
            f"/my/partner-jobs/{ticket.id}/{action}",
            data=dict(data or {}, csrf_token=token),
            files=files,
        )

    def test_partner_user_works_its_job_on_the_portal(self):
        self.authenticate("pp_tech_a", "pp_tech_a")
        home = self.url_open("/my/home").text
        self.assertIn("/my/partner-jobs", home)
        listing = self.url_open("/my/partner-jobs").text
        self.assertIn(self.ticket_a.number, listing)
        self.assertNotIn(self.ticket_b.number, listing)
        # The customer's list does not show the partner the jobs.
        self.assertNotIn(
            self.ticket_a.number, self.url_open("/my/aftersales/tickets").text
        )
        page = self.url_open(f"/my/partner-jobs/{self.ticket_a.id}").text
        self.assertIn(self.customer.name, page)
        self.assertIn("JSQ25-T-0001", page)
        self.assertIn("天河路 1 号", page)
        self.assertNotIn("88,000", page)
        # The customer's page of the ticket leads the partner to his job page.
        response = self.url_open(f"/my/aftersales/tickets/{self.ticket_a.id}")
        self.assertTrue(response.url.endswith(f"/my/partner-jobs/{self.ticket_a.id}"))

        self.assertEqual(self.post(self.ticket_a, "acknowledge").status_code, 200)
        response = self.post(
            self.ticket_a, "arrive", files={"photos": ("site.png", PNG, "image/png")}
        )
        self.assertEqual(response.status_code, 200)
        self.post(self.ticket_a, "resolve", {"note": "更换水流传感器"})
        self.post(
            self.ticket_a, "report", files={"report": ("r.pdf", PDF, "application/pdf")}
        )
        self.assertEqual(self.ticket_a.state, "resolved")
        self.assertEqual(
            ticket_events(self.ticket_a, "ticket.service_report_uploaded").author_id,
            self.tech_a,
        )
        listing = self.url_open("/my/partner-jobs?filterby=resolved").text
        self.assertIn(self.ticket_a.number, listing)

    def test_another_partners_job_is_refused(self):
        self.authenticate("pp_tech_a", "pp_tech_a")
        response = self.url_open(f"/my/partner-jobs/{self.ticket_b.id}")
        self.assertEqual(response.status_code, 404)
        token = self.csrf(f"/my/partner-jobs/{self.ticket_a.id}")
        for action, data in (
            ("acknowledge", {}),
            ("resolve", {"note": "not mine"}),
            ("technician", {"user_id": str(self.tech_a.id)}),
            ("parts", {"product_id": "1", "quantity": "1"}),
        ):
            response = self.post(self.ticket_b, action, data, token=token)
            self.assertEqual(response.status_code, 404, action)
        response = self.post(
            self.ticket_b,
            "arrive",
            files={"photos": ("site.png", PNG, "image/png")},
            token=token,
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.ticket_b.responded_at)
        self.assertEqual(self.ticket_b.state, "open")
        self.assertFalse(self.ticket_b.partner_technician_id)
        self.assertFalse(self.ticket_b.repair_ids)
        self.assertFalse(
            self.env["ir.attachment"].search_count(
                [
                    ("res_model", "=", "aftersales.ticket"),
                    ("res_id", "=", self.ticket_b.id),
                ]
            )
        )

    def test_customer_user_has_no_partner_jobs(self):
        self.authenticate("pp_customer", "pp_customer")
        response = self.url_open("/my/partner-jobs")
        self.assertFalse(response.url.endswith("/my/partner-jobs"))
        response = self.url_open(f"/my/partner-jobs/{self.ticket_a.id}")
        self.assertEqual(response.status_code, 404)
        token = self.csrf("/my/aftersales/tickets/new")
        response = self.post(self.ticket_a, "acknowledge", token=token)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.ticket_a.responded_at)

    @mute_logger("odoo.http")
    def test_post_without_csrf_is_refused(self):
        self.authenticate("pp_tech_a", "pp_tech_a")
        response = self.url_open(
            f"/my/partner-jobs/{self.ticket_a.id}/acknowledge", data={"x": "1"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.ticket_a.responded_at)

    @mute_logger("odoo.http")
    def test_json_rpc_refuses_portal_users(self):
        for login in ("pp_tech_a", "pp_tech_b", "pp_customer"):
            self.authenticate(login, login)
            for ticket in (self.ticket_a, self.ticket_b):
                for method, args in (
                    ("action_acknowledge", [ticket.ids]),
                    ("action_arrive", [ticket.ids]),
                    ("action_resolve", [ticket.ids]),
                    (
                        "write",
                        [ticket.ids, {"partner_technician_id": self.tech_a.id}],
                    ),
                    ("write", [ticket.ids, {"state": "resolved"}]),
                    (
                        "_partner_portal_action",
                        [ticket.ids, "acknowledge"],
                    ),
                ):
                    answer = call_kw(self, "aftersales.ticket", method, args)
                    self.assertIn("error", answer, (login, ticket.name, method))
        self.assertFalse(self.ticket_a.responded_at)
        self.assertFalse(self.ticket_b.responded_at)
        self.assertFalse(self.ticket_a.partner_technician_id)
        self.assertEqual(self.ticket_a.state, "open")
