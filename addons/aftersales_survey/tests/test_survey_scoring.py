"""Scoring an answered after-sales survey: per indicator, weighted by the contract,
stored once with a survey.answered ledger event."""

import json

from odoo.tests import tagged

from .test_survey_sending import SurveyCase, make_ticket


@tagged("post_install", "-at_install")
class TestSurveyScoring(SurveyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        questions = cls.survey.question_ids.sorted("sequence")
        cls.courtesy, cls.solved, cls.lasting, cls.on_time, cls.remarks = questions

    def setUp(self):
        super().setUp()
        self.ticket = make_ticket(self)
        self.invitation = self.Input._aftersales_invite(
            self.contract, self.contact, "ticket_closed", ticket=self.ticket
        )

    def choice(self, question, *values):
        answers = question.suggested_answer_ids.filtered(lambda a: a.value in values)
        self.assertEqual(len(answers), len(values))
        return (
            answers.ids if question.question_type == "multiple_choice" else answers.id
        )

    def answer(self, answers):
        """Save answers as Odoo's survey page does, then finish the survey."""
        for question, value in answers.items():
            self.invitation._save_lines(question, value)
        self.invitation._mark_done()

    def scores(self):
        return {
            row.indicator_id: row.score for row in self.invitation.aftersales_score_ids
        }

    def answered_events(self):
        return self.events("survey.answered", self.invitation)

    def test_all_answered(self):
        self.answer(
            {
                self.courtesy: self.choice(self.courtesy, "Rather"),
                self.solved: "4",
                self.lasting: "9",
                self.on_time: self.choice(self.on_time, "Arrival"),
                self.remarks: "师傅很专业",
            }
        )
        # attitude: 7 of the best 10 = 70; quality: scale 4 on 1-5 = 75 and 9 on
        # 0-10 = 90, mean 82.5; timeliness: 5 of the 10 possible = 50, but the
        # contract does not weigh it. Index: (2 * 70 + 1 * 82.5) / 3 = 74.1666...
        self.assertEqual(
            self.scores(),
            {self.attitude: 70.0, self.quality: 82.5, self.timeliness: 50.0},
        )
        self.assertTrue(self.invitation.aftersales_scored)
        self.assertAlmostEqual(self.invitation.aftersales_index, 74.17, places=2)
        rows = self.invitation.aftersales_score_ids
        self.assertEqual(
            {row.indicator_id: row.weight for row in rows},
            {self.attitude: 2.0, self.quality: 1.0, self.timeliness: 0.0},
        )
        self.assertEqual(rows.contract_id, self.contract)
        self.assertEqual(rows.ticket_id, self.ticket)
        self.assertEqual(rows.user_id, self.technician)
        self.assertEqual(rows.team_id, self.team)
        self.assertEqual(
            set(rows.mapped("answered_at")), {self.invitation.end_datetime}
        )

        event = self.answered_events()
        self.assertEqual(len(event), 1)
        self.assertEqual(event.company_id, self.contract.company_id)
        self.assertEqual(
            json.loads(event.payload),
            {
                "contract": self.contract.id,
                "ticket": self.ticket.id,
                "partner": self.contact.id,
                "index": 74.17,
                "scores": {"attitude": 70.0, "quality": 82.5, "timeliness": 50.0},
            },
        )

    def test_unanswered_questions_drop_out(self):
        self.answer(
            {
                self.courtesy: self.choice(self.courtesy, "Hardly"),
                self.lasting: "6",
            }
        )
        # attitude 4/10 = 40; quality only from the number: 6 on 0-10 = 60 (the
        # skipped scale does not count as 0). Index (2 * 40 + 60) / 3 = 46.67.
        self.assertEqual(self.scores(), {self.attitude: 40.0, self.quality: 60.0})
        self.assertAlmostEqual(self.invitation.aftersales_index, 46.67, places=2)

    def test_a_skipped_indicator_leaves_its_weight_to_the_others(self):
        self.answer({self.courtesy: self.choice(self.courtesy, "Rather")})
        self.assertEqual(self.scores(), {self.attitude: 70.0})
        self.assertAlmostEqual(self.invitation.aftersales_index, 70.0, places=2)

    def test_nothing_scored_answered(self):
        self.answer(
            {
                self.remarks: "没意见",
                self.on_time: self.choice(self.on_time, "Nothing"),
            }
        )
        # Timeliness 0, but the contract weighs only attitude and quality.
        self.assertEqual(self.scores(), {self.timeliness: 0.0})
        self.assertFalse(self.invitation.aftersales_scored)
        payload = json.loads(self.answered_events().payload)
        self.assertIsNone(payload["index"])

    def test_scored_exactly_once(self):
        self.answer({self.courtesy: self.choice(self.courtesy, "Very")})
        self.assertAlmostEqual(self.invitation.aftersales_index, 100.0, places=2)
        self.invitation._mark_done()
        self.assertEqual(len(self.invitation.aftersales_score_ids), 1)
        self.assertEqual(len(self.answered_events()), 1)

    def test_test_entries_and_other_surveys_are_not_scored(self):
        other = self.Input.create(
            {"survey_id": self.survey.id, "email": "x@example.com"}
        )
        other._save_lines(self.courtesy, self.choice(self.courtesy, "Very"))
        other._mark_done()
        self.assertFalse(other.aftersales_score_ids)
        self.assertFalse(self.events("survey.answered", other))
