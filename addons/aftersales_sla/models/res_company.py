from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_penalty_product_id = fields.Many2one(
        "product.product",
        string="Penalty Product",
        domain="[('type', '=', 'service')]",
        help="Product of the credit note lines that settle after-sales penalties: "
        "its income and expense accounts and its taxes are used.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # Each company gets its ledger chain at once, so that the first appends of two
        # concurrent transactions never race to create it.
        # sudo: the chains are the system's: no user creates them
        self.env["aftersales.event.chain"].sudo()._ensure_for_companies(companies)
        return companies
