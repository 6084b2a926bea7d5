from odoo import api, models


class AftersalesEvent(models.Model):
    _inherit = "aftersales.event"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_event_types(self):
        return super()._get_event_types() + [
            ("settlement.confirmed", self.env._("Partner settlement confirmed")),
            ("settlement.billed", self.env._("Partner settlement billed")),
            ("settlement.cancelled", self.env._("Partner settlement cancelled")),
            (
                "settlement.line_disputed",
                self.env._("Partner settlement line disputed"),
            ),
            (
                "settlement.dispute_settled",
                self.env._("Partner settlement dispute settled"),
            ),
        ]
