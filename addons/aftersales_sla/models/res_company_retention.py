from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: The longest retention period accepted, in years (a typing error beyond).
MAX_RETENTION_YEARS = 100


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    aftersales_retention_min_years = fields.Integer(
        string="Minimum Retention (Years)",
        default=3,
        help="The law's minimum: how many years after a contract's term (or a "
        "ticket's closing without contract) service records keep their personal "
        "data. No contract may keep them for less.",
    )

    @api.constrains("aftersales_retention_min_years")
    def _check_aftersales_retention_min_years(self):
        for company in self:
            years = company.aftersales_retention_min_years
            if years < 1 or years > MAX_RETENTION_YEARS:
                raise ValidationError(
                    self.env._(
                        "The minimum retention period of %(company)s must be between "
                        "1 and %(max)s years, not %(years)s.",
                        company=company.name,
                        max=MAX_RETENTION_YEARS,
                        years=years,
                    )
                )
