"""Browser tour (issue #14), in English and in Chinese: the service partner's
technician works his company's job on the portal
(static/tests/tours/aftersales_partner_portal_tour.js)."""

from odoo.tests import HttpCase, tagged

from .test_partner_portal_model import partner_portal_fixture, payload, ticket_events


@tagged("post_install", "-at_install")
class TestPartnerPortalTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner_portal_fixture(cls)

    def walk(self, lang):
        self.env["res.lang"]._activate_lang(lang)
        self.tech_a.lang = lang
        self.start_tour(
            "/my/partner-jobs", "aftersales_partner_portal", login="pp_tech_a"
        )
        ticket = self.ticket_a
        ticket.invalidate_recordset()
        self.assertEqual(ticket.state, "resolved")
        self.assertTrue(ticket.responded_at)
        self.assertTrue(ticket.arrived_at)
        for event_type in (
            "ticket.responded",
            "ticket.arrived",
            "ticket.resolved",
            "ticket.service_report_uploaded",
        ):
            event = ticket_events(ticket, event_type)
            self.assertEqual(event.author_id, self.tech_a, event_type)
            self.assertEqual(payload(event)["partner"], self.partner_a.id)
        self.assertEqual(
            len(payload(ticket_events(ticket, "ticket.arrived"))["photos"]), 1
        )
        self.assertEqual(
            ticket_events(ticket, "ticket.resolved").reason_text,
            "更换水流传感器，试机正常",
        )
        # The other partner's job was not touched.
        self.assertFalse(self.ticket_b.responded_at)

    def test_partner_portal_in_english(self):
        self.walk("en_US")

    def test_partner_portal_in_chinese(self):
        self.walk("zh_CN")
