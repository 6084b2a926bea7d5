from odoo import api, models


class AftersalesEvent(models.Model):
    _inherit = "aftersales.event"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_event_types(self):
        return super()._get_event_types() + [
            ("complaint.classified", self.env._("Complaint classified")),
            ("complaint.escalated", self.env._("Complaint escalated")),
            ("complaint.answered", self.env._("Complaint outcome sent")),
            ("complaint.confirmed", self.env._("Complaint outcome confirmed")),
            ("complaint.rejected", self.env._("Complaint outcome rejected")),
        ]
