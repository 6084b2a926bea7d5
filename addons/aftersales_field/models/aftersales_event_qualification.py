from odoo import api, models


class AftersalesEvent(models.Model):
    _inherit = "aftersales.event"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_event_types(self):
        return super()._get_event_types() + [
            (
                "ticket.qualification_overridden",
                self.env._("Assigned without the required qualifications"),
            ),
        ]
