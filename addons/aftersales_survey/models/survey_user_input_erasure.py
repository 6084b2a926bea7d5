"""A customer's survey answers on erasure: the free-text answers (remarks,
comments) are replaced by "(erased)" and the respondent's e-mail and nickname
cleared; the chosen answers, their scores and the satisfaction index stay (the KPI
figures must not change)."""

from odoo import models

INPUT = "survey.user_input"
TEXT_TYPES = ("char_box", "text_box")


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"  # pylint: disable=consider-merging-classes-inherited

    def _aftersales_erase_personal_data(self):
        """Returns the number of messages erased from the answers' chatter."""
        # sudo: the erasure (checked by its caller) reaches every answer.
        inputs = self.sudo().with_context(tracking_disable=True)
        if not inputs:
            return 0
        # A text line must keep a value (Odoo's survey constraint): a neutral one.
        lines = inputs.user_input_line_ids.filtered(
            lambda line: line.answer_type in TEXT_TYPES
        )
        erased = self.env._("(erased)")
        for answer_type in TEXT_TYPES:
            todo = lines.filtered(lambda line, t=answer_type: line.answer_type == t)
            if todo:
                todo.write({f"value_{answer_type}": erased})
        inputs.write({"email": False, "nickname": False})
        Ticket = self.env["aftersales.ticket"]
        if "message_ids" in inputs._fields:
            chatter = Ticket._erase_chatter(INPUT, inputs.ids)
            Ticket._erase_attachments(INPUT, inputs.ids)
            return chatter["messages"]
        return 0
