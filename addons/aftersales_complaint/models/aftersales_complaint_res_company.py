from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.aftersales_sla.models.aftersales_sla_target import MAX_TARGET_HOURS


class ResCompany(models.Model):
    """The company's default complaint promise: the clocks of a complaint whose
    contract (or product) promises nothing for complaints."""

    _inherit = "res.company"

    aftersales_complaint_response_hours = fields.Float(
        string="Acknowledge Complaints Within (h)",
        default=24.0,
        help="Hours (counted 24x7) to acknowledge a complaint when its contract says "
        "nothing; 0: no default clock.",
    )
    aftersales_complaint_feedback_hours = fields.Float(
        string="Resolve Complaints Within (h)",
        default=72.0,
        help="Hours (counted 24x7) to send a complaint's outcome when its contract "
        "says nothing; 0: no default clock.",
    )

    @api.constrains(
        "aftersales_complaint_response_hours", "aftersales_complaint_feedback_hours"
    )
    def _check_aftersales_complaint_hours(self):
        for company in self:
            for hours in (
                company.aftersales_complaint_response_hours,
                company.aftersales_complaint_feedback_hours,
            ):
                if not 0 <= hours <= MAX_TARGET_HOURS:
                    raise ValidationError(
                        self.env._(
                            "The default complaint deadlines are between 0 and "
                            "%s hours.",
                            MAX_TARGET_HOURS,
                        )
                    )
