from odoo import api, models


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _erasure_personal_fields(self):
        # The answer written to the complainant names them and their case.
        return super()._erasure_personal_fields() + ["complaint_outcome"]
