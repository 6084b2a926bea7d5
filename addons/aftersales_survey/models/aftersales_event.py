from odoo import api, models


class AftersalesEvent(models.Model):
    _inherit = "aftersales.event"

    @api.model
    def _get_event_types(self):
        return super()._get_event_types() + [
            ("survey.sent", self.env._("Survey sent")),
            ("survey.answered", self.env._("Survey answered")),
            ("evaluation.closed", self.env._("Evaluation closed")),
        ]
