from odoo import api, fields, models

from .aftersales_contract import MONEY_READERS


class AftersalesContractFee(models.Model):
    """One line of a contract's fee schedule: what billable service costs."""

    _name = "aftersales.contract.fee"
    _inherit = ["aftersales.contract.line.mixin"]
    _description = "After-Sales Contract Fee"
    _order = "contract_id, id"

    contract_id = fields.Many2one(
        "aftersales.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id")
    currency_id = fields.Many2one(related="contract_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        string="Service Product",
        ondelete="restrict",
        help="The product invoiced for this fee (visit fee, labour hour, part...).",
    )
    name = fields.Char(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_uom_id",
        store=True,
        readonly=False,
        ondelete="restrict",
    )
    price_unit = fields.Monetary(
        string="Unit Price",
        currency_field="currency_id",
        default=0.0,
        groups=MONEY_READERS,
    )

    @api.depends("product_id")
    def _compute_name(self):
        for fee in self:
            if fee.product_id:
                fee.name = fee.product_id.display_name
            else:
                fee.name = fee.name or False

    @api.depends("product_id")
    def _compute_uom_id(self):
        for fee in self:
            if fee.product_id:
                fee.uom_id = fee.product_id.uom_id
            else:
                fee.uom_id = fee.uom_id or False
