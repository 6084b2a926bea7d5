from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    aftersales_retention_min_years = fields.Integer(
        related="company_id.aftersales_retention_min_years", readonly=False
    )
