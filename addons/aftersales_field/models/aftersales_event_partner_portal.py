from odoo import api, models


class AftersalesEvent(models.Model):
    _inherit = "aftersales.event"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_event_types(self):
        return super()._get_event_types() + [
            ("ticket.partner_assigned", self.env._("Ticket assigned to a partner")),
            (
                "ticket.service_report_uploaded",
                self.env._("Signed service report uploaded"),
            ),
        ]
