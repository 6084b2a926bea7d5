from odoo.tests import tagged

from .test_survey_sending import SurveyCase, make_ticket

REMARK = "ERASEGAP-SURVEY 赵女士说师傅很专业"


@tagged("post_install", "-at_install")
class TestErasureGapsSurvey(SurveyCase):
    def test_free_text_answers_go_scores_stay(self):
        self.ticket = make_ticket(self)
        self.invitation = self.Input._aftersales_invite(
            self.contract, self.contact, "ticket_closed", ticket=self.ticket
        )
        questions = self.survey.question_ids.sorted("sequence")
        courtesy, solved, lasting, on_time, remarks = questions
        self.invitation.write({"email": "zhao-ERASEGAP@example.cn"})
        self.invitation._save_lines(
            courtesy,
            courtesy.suggested_answer_ids.filtered(lambda a: a.value == "Rather").id,
        )
        self.invitation._save_lines(solved, "4")
        self.invitation._save_lines(lasting, "9")
        self.invitation._save_lines(remarks, REMARK)
        self.invitation._mark_done()
        before = (
            self.invitation.aftersales_index,
            self.invitation.aftersales_scored,
            sorted(
                (s.indicator_id.id, s.score)
                for s in self.invitation.aftersales_score_ids
            ),
            sorted(
                (line.question_id.id, line.answer_score)
                for line in self.invitation.user_input_line_ids
            ),
        )
        self.assertTrue(before[0])
        self.assertEqual(self.where(), 2, "the test data is there")
        self.ticket._erase_personal_data()
        self.assertEqual(self.where(), 0)
        self.env.invalidate_all()
        after = (
            self.invitation.aftersales_index,
            self.invitation.aftersales_scored,
            sorted(
                (s.indicator_id.id, s.score)
                for s in self.invitation.aftersales_score_ids
            ),
            sorted(
                (line.question_id.id, line.answer_score)
                for line in self.invitation.user_input_line_ids
            ),
        )
        self.assertEqual(after, before, "the KPI figures do not change")
        line = self.invitation.user_input_line_ids.filtered(
            lambda line: line.question_id == remarks
        )
        self.assertEqual(line.value_text_box or line.value_char_box, "(erased)")

    def where(self):
        self.env.flush_all()
        total = 0
        for table, expr in (
            ("survey_user_input_line", "value_text_box"),
            ("survey_user_input_line", "value_char_box"),
            ("survey_user_input", "email"),
        ):
            self.env.cr.execute(
                f"SELECT count(*) FROM {table} WHERE {expr} LIKE %s",  # noqa: S608
                ["%ERASEGAP%"],
            )
            total += self.env.cr.fetchone()[0]
        return total
