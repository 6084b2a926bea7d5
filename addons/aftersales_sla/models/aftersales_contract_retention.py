from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_company_retention import MAX_RETENTION_YEARS


class AftersalesContract(models.Model):
    _inherit = "aftersales.contract"  # pylint: disable=consider-merging-classes-inherited

    retention_years = fields.Integer(
        string="Record Retention (Years)",
        default=lambda self: self.env.company.aftersales_retention_min_years,
        tracking=True,
        help="How many years after the contract's term its closed tickets keep "
        "their personal data; then the retention purge erases it. At least the "
        "company's legal minimum (which applies if it is raised later).",
    )

    @api.constrains("retention_years", "company_id")
    def _check_retention_years(self):
        for contract in self:
            minimum = contract.company_id.aftersales_retention_min_years or 0
            years = contract.retention_years
            if years < minimum:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s keeps service records for %(years)s "
                        "years, less than the legal minimum of %(company)s "
                        "(%(minimum)s years).",
                        contract=contract.display_name,
                        years=years,
                        company=contract.company_id.name,
                        minimum=minimum,
                    )
                )
            if years > MAX_RETENTION_YEARS:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: a retention period is at most "
                        "%(max)s years.",
                        contract=contract.display_name,
                        max=MAX_RETENTION_YEARS,
                    )
                )
