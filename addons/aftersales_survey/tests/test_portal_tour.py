"""Browser tour (Chromium) of a portal customer: report a problem, sign the service
report of a resolved ticket, answer the satisfaction survey that closing sent."""

from odoo.tests import HttpCase, new_test_user, tagged

from .test_survey_sending import make_ticket, setup_survey_data


@tagged("post_install", "-at_install")
class TestPortalCustomerTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_survey_data(cls)
        cls.portal_user = new_test_user(
            cls.env,
            "tour_portal_li",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            lang="en_US",
        )

    def test_customer_submits_signs_and_answers(self):
        resolved = make_ticket(self, name="Tour resolved lock")
        resolved.action_resolve()
        self.start_tour(
            "/my/aftersales/tickets/new",
            "aftersales_portal_customer",
            login="tour_portal_li",
        )
        # The new ticket, under the customer's contract.
        reported = self.env["aftersales.ticket"].search(
            [("name", "=", "Tour: the door lock beeps all night")]
        )
        self.assertEqual(len(reported), 1)
        self.assertEqual(reported.commercial_partner_id, self.customer)
        self.assertEqual(reported.contract_id, self.contract)
        self.assertEqual(reported.channel, "portal")
        # The signature accepted and closed the resolved ticket.
        resolved.invalidate_recordset()
        self.assertEqual(resolved.state, "closed")
        self.assertEqual(resolved.acceptance, "customer")
        self.assertTrue(resolved.signature)
        self.assertEqual(resolved.signed_by, self.contact.name)
        # Closing sent the survey, answered in the browser: "Rather" (7 of 10) is
        # attitude 70; quality was not answered and drops out of the weights.
        invitation = resolved.survey_input_ids
        self.assertEqual(invitation.state, "done")
        self.assertEqual(invitation.partner_id, self.contact)
        self.assertTrue(invitation.aftersales_scored)
        self.assertAlmostEqual(invitation.aftersales_index, 70.0)
        answered = self.env["aftersales.event"].search(
            [
                ("event_type", "=", "survey.answered"),
                ("res_model", "=", "survey.user_input"),
                ("res_id", "=", invitation.id),
            ]
        )
        self.assertEqual(len(answered), 1)
