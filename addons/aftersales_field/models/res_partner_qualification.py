from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    aftersales_qualification_ids = fields.One2many(
        "aftersales.qualification",
        "partner_id",
        string="After-Sales Qualifications",
        groups="aftersales_sla.group_aftersales_manager",
    )
