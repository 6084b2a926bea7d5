from odoo import fields, models

from odoo.addons.aftersales_sla.models.aftersales_contract import MONEY_READERS


class AftersalesVisitFeeBand(models.Model):
    """The standard visit fee's price table: its price for a service zone and/or
    distance band, for tickets without a contract fee."""

    _name = "aftersales.visit.fee.band"
    _inherit = ["aftersales.visit.band.mixin"]
    _description = "After-Sales Standard Visit Fee Band"
    _order = "product_tmpl_id, zone_id, distance_from_km, id"

    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Visit Fee Product",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="product_tmpl_id.company_id", store=True)
    currency_id = fields.Many2one(related="product_tmpl_id.currency_id")
    price_unit = fields.Monetary(
        string="Visit Fee",
        currency_field="currency_id",
        required=True,
        default=0.0,
        groups=MONEY_READERS,
    )

    def _band_parent_key(self):
        return [("product_tmpl_id", "=", self.product_tmpl_id.id)]
