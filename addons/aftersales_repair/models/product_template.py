from odoo import fields, models


class ProductTemplate(models.Model):
    """A product may promise a standard service to every buyer, without a
    contract."""

    _inherit = "product.template"

    aftersales_sla_policy_id = fields.Many2one(
        "aftersales.sla.policy",
        string="Standard Service Promise",
        company_dependent=True,
        help="The SLA policy every buyer of this product gets when no service "
        "contract covers their ticket (e.g. 24 h response to every buyer). Empty: "
        "the product category's promise applies, if any. Never any penalty: "
        "penalties come from contracts only.",
    )
    aftersales_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Standard Service Hours",
        company_dependent=True,
        help="The hours this product's standard promise counts on, for targets "
        "counted on the service hours (targets with a calendar of their own keep "
        "it). Empty: all the time counts (24x7).",
    )
