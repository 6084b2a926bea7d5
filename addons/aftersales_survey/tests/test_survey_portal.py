"""Customers find their satisfaction surveys on the portal and answer them through
Odoo's survey pages; expired invitations are refused."""

import json
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .test_survey_sending import make_contract, make_ticket, setup_survey_data


@tagged("post_install", "-at_install")
class TestSurveyPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_survey_data(cls)
        cls.portal_user = new_test_user(
            cls.env,
            "survey_portal_li",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        cls.other = cls.env["res.partner"].create(
            {"name": "Other Estate", "is_company": True, "email": "other@example.com"}
        )
        other_contact = cls.env["res.partner"].create(
            {"name": "Mr Other", "parent_id": cls.other.id, "email": "mr@example.com"}
        )
        cls.other_user = new_test_user(
            cls.env,
            "survey_portal_other",
            groups="base.group_portal",
            partner_id=other_contact.id,
        )
        cls.other_contract = make_contract(cls, cls.other)
        questions = cls.survey.question_ids.sorted("sequence")
        cls.courtesy, cls.solved = questions[:2]

    def setUp(self):
        super().setUp()
        self.ticket = make_ticket(self)
        self.ticket.action_resolve()
        self.ticket.action_close()
        self.invitation = self.env["survey.user_input"].search(
            [("aftersales_ticket_id", "=", self.ticket.id)]
        )
        self.assertEqual(self.invitation.partner_id, self.contact)

    def counter(self):
        return self.make_jsonrpc_request(
            "/my/counters", {"counters": ["aftersales_survey_count"]}
        )["aftersales_survey_count"]

    def submit(self, invitation, answers):
        """Post the survey page as its JavaScript does: JSON-RPC to
        /survey/submit/<survey token>/<answer token>; return its result."""
        survey = invitation.survey_id
        url = f"/survey/submit/{survey.access_token}/{invitation.access_token}"
        params = {str(question.id): value for question, value in answers.items()}
        params["token"] = invitation.access_token
        response = self.opener.post(
            self.base_url() + url, json={"params": params}, timeout=30
        )
        self.assertEqual(response.status_code, 200)
        return response.json()["result"]

    def begin(self, invitation):
        survey = invitation.survey_id
        url = f"/survey/begin/{survey.access_token}/{invitation.access_token}"
        response = self.opener.post(self.base_url() + url, json={}, timeout=30)
        self.assertEqual(response.status_code, 200)
        return response.json()["result"]

    def test_customer_answers_the_survey_of_a_closed_ticket(self):
        self.authenticate("survey_portal_li", "survey_portal_li")
        self.assertEqual(self.counter(), 1)
        page = self.url_open("/my/surveys").text
        self.assertIn(self.survey.title, page)
        self.assertIn(self.ticket.number, page)
        self.assertIn(self.contract.name, page)
        start_url = self.invitation.get_start_url()
        self.assertIn(start_url.replace("&", "&amp;"), page)
        ticket_page = self.url_open(self.ticket.get_portal_url()).text
        self.assertIn("Answer the survey", ticket_page)

        # The personal link opens Odoo's survey, then the page is answered.
        response = self.url_open(start_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.survey.title, response.text)
        self.begin(self.invitation)
        scale_answer = "2"
        result = self.submit(
            self.invitation,
            {
                self.courtesy: str(
                    self.courtesy.suggested_answer_ids.filtered(
                        lambda a: a.value == "Very"
                    ).id
                ),
                self.solved: scale_answer,
            },
        )
        self.assertNotIn("error", result[1], result)
        self.invitation.invalidate_recordset()
        self.assertEqual(self.invitation.state, "done")
        # attitude 10/10 = 100; quality: scale 2 on 1-5 = 25; the number was not
        # answered. Index (2 * 100 + 1 * 25) / 3 = 75.
        self.assertTrue(self.invitation.aftersales_scored)
        self.assertAlmostEqual(self.invitation.aftersales_index, 75.0, places=2)
        scores = {
            row.indicator_id: row.score for row in self.invitation.aftersales_score_ids
        }
        self.assertEqual(scores, {self.attitude: 100.0, self.quality: 25.0})
        event = self.env["aftersales.event"].search(
            [
                ("event_type", "=", "survey.answered"),
                ("res_model", "=", "survey.user_input"),
                ("res_id", "=", self.invitation.id),
            ]
        )
        self.assertEqual(len(event), 1)
        self.assertEqual(event.author_id, self.portal_user)
        self.assertEqual(json.loads(event.payload)["index"], 75.0)

        # Answered: listed as such, no more link anywhere.
        page = self.url_open("/my/surveys").text
        self.assertIn("Answered", page)
        self.assertNotIn(start_url.replace("&", "&amp;"), page)
        ticket_page = self.url_open(self.ticket.get_portal_url()).text
        self.assertNotIn("Answer the survey", ticket_page)

    def test_the_finish_page_is_a_thank_you_not_a_test_result(self):
        """A satisfaction survey shows no score, no pass or fail and no retake,
        though Odoo scores it (the answer scores make the weighted index)."""
        # Scored as the demo survey is (Odoo computes the user's score and pass).
        self.survey.scoring_type = "scoring_without_answers"
        self.assertTrue(self.survey.scoring_success_min)
        self.assertTrue(self.survey.aftersales_satisfaction)
        self.authenticate("survey_portal_li", "survey_portal_li")
        self.url_open(self.invitation.get_start_url())
        self.begin(self.invitation)
        dissatisfied = self.courtesy.suggested_answer_ids.sorted("answer_score")[0]
        result = self.submit(self.invitation, {self.courtesy: str(dissatisfied.id)})
        self.assertNotIn("error", result[1], result)
        self.invitation.invalidate_recordset()
        self.assertEqual(self.invitation.state, "done")
        # Odoo would say "failed" (0 %, under its pass mark): not shown.
        self.assertFalse(self.invitation.scoring_success)
        survey = self.invitation.survey_id
        finish = f"/survey/{survey.access_token}/{self.invitation.access_token}"
        page = self.url_open(finish).text
        self.assertIn("o_survey_finished", page)
        self.assertIn("Thank you", page)
        for text in (
            "You scored",
            "failed the test",
            "passed",
            "Take Again",
            "/survey/retry/",
        ):
            self.assertNotIn(text, page)
        # The retake URL leads back to the thank-you page; no new answer.
        answers = self.env["survey.user_input"].search_count(
            [("survey_id", "=", survey.id)]
        )
        response = self.url_open(
            f"/survey/retry/{survey.access_token}/{self.invitation.access_token}"
        )
        self.assertIn("o_survey_finished", response.text)
        self.assertEqual(
            self.env["survey.user_input"].search_count([("survey_id", "=", survey.id)]),
            answers,
        )
        # The weighted index still comes from the answer scores: attitude 0.
        self.assertTrue(self.invitation.aftersales_scored)
        self.assertAlmostEqual(self.invitation.aftersales_index, 0.0)

    def test_other_surveys_keep_odoos_finish_page(self):
        test = self.env["survey.survey"].create(
            {
                "title": "Product quiz",
                "access_mode": "public",
                "users_login_required": False,
                "scoring_type": "scoring_with_answers",
                "question_and_page_ids": [
                    (
                        0,
                        0,
                        {
                            "title": "2 + 2?",
                            "question_type": "simple_choice",
                            "suggested_answer_ids": [
                                (
                                    0,
                                    0,
                                    {
                                        "value": "4",
                                        "is_correct": True,
                                        "answer_score": 1,
                                    },
                                ),
                                (0, 0, {"value": "5", "answer_score": 0}),
                            ],
                        },
                    )
                ],
            }
        )
        self.assertFalse(test.aftersales_satisfaction)
        answer = test._create_answer(partner=self.contact)
        answer._mark_done()
        page = self.url_open(f"/survey/{test.access_token}/{answer.access_token}").text
        self.assertIn("You scored", page)
        self.assertIn("failed the test", page)

    def test_another_customer_sees_and_answers_nothing(self):
        self.authenticate("survey_portal_other", "survey_portal_other")
        self.assertEqual(self.counter(), 0)
        page = self.url_open("/my/surveys").text
        self.assertNotIn(self.ticket.number, page)
        self.assertNotIn(self.invitation.access_token, page)
        # Even with the link, Odoo's survey refuses a logged-in stranger.
        self.assertEqual(
            self.begin(self.invitation)[1].get("error"), "answer_wrong_user"
        )
        self.invitation.invalidate_recordset()
        self.assertEqual(self.invitation.state, "new")

    def test_expired_invitation_cannot_be_answered(self):
        self.invitation.deadline = fields.Datetime.now() - timedelta(minutes=1)
        self.authenticate("survey_portal_li", "survey_portal_li")
        page = self.url_open("/my/surveys").text
        self.assertIn("Expired", page)
        self.assertNotIn(self.invitation.get_start_url().replace("&", "&amp;"), page)
        response = self.url_open(self.invitation.get_start_url())
        self.assertIn("survey expired", response.text)
        result = self.submit(
            self.invitation,
            {
                self.courtesy: str(self.courtesy.suggested_answer_ids[0].id),
            },
        )
        self.assertEqual(result[1].get("error"), "answer_deadline")
        self.invitation.invalidate_recordset()
        self.assertNotEqual(self.invitation.state, "done")
        self.assertFalse(self.invitation.user_input_line_ids)
        self.assertFalse(self.invitation.aftersales_score_ids)

    def test_colleague_sees_the_invitation_but_cannot_answer_it(self):
        colleague = self.env["res.partner"].create(
            {"name": "王先生", "parent_id": self.customer.id, "email": "wang@a.example"}
        )
        new_test_user(
            self.env,
            "survey_portal_wang",
            groups="base.group_portal",
            partner_id=colleague.id,
        )
        self.authenticate("survey_portal_wang", "survey_portal_wang")
        page = self.url_open("/my/surveys").text
        self.assertIn(self.ticket.number, page)
        self.assertIn("Sent to", page)
        self.assertNotIn(self.invitation.get_start_url().replace("&", "&amp;"), page)

    def test_anonymous_visitor_cannot_open_or_answer_a_users_invitation(self):
        """The contact has a portal user: the personal link alone (forwarded,
        leaked) opens nothing and answers nothing; the contact logs in first."""
        response = self.url_open(self.invitation.get_start_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Login required", response.text)
        self.assertIn("/web/login", response.text)
        self.assertEqual(self.begin(self.invitation)[1].get("error"), "survey_auth")
        result = self.submit(
            self.invitation,
            {self.courtesy: str(self.courtesy.suggested_answer_ids[0].id)},
        )
        self.assertEqual(result[1].get("error"), "survey_auth")
        self.invitation.invalidate_recordset()
        self.assertEqual(self.invitation.state, "new")
        self.assertFalse(self.invitation.user_input_line_ids)
        # Logged in as the contact, the same link works.
        self.authenticate("survey_portal_li", "survey_portal_li")
        self.assertNotIn("error", self.begin(self.invitation)[1])

    def test_email_only_contact_answers_through_the_link(self):
        """A contact without a user: the personal link is the credential."""
        mail_only = self.env["res.partner"].create(
            {"name": "赵女士", "parent_id": self.customer.id, "email": "zhao@a.example"}
        )
        invitation = self.env["survey.user_input"]._aftersales_invite(
            self.contract, mail_only, "manual", ticket=self.ticket
        )
        response = self.url_open(invitation.get_start_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("/web/login?redirect", response.text)
        self.assertNotIn("error", self.begin(invitation)[1])
        result = self.submit(
            invitation,
            {self.courtesy: str(self.courtesy.suggested_answer_ids[0].id)},
        )
        self.assertNotIn("error", result[1], result)
