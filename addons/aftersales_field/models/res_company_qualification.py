from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_qualification_notice_days = fields.Integer(
        string="Qualification Renewal Notice (Days)",
        default=30,
        help="How many days before a technician's certificate expires its holder "
        "and their manager get a renewal activity.",
    )

    @api.constrains("aftersales_qualification_notice_days")
    def _check_aftersales_qualification_notice_days(self):
        for company in self:
            if company.aftersales_qualification_notice_days < 0:
                raise ValidationError(
                    self.env._("The qualification renewal notice cannot be negative.")
                )
