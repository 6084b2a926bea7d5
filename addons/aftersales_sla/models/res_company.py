from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # Each company gets its ledger chain at once, so that the first appends of two
        # concurrent transactions never race to create it.
        self.env["aftersales.event.chain"].sudo()._ensure_for_companies(companies)
        return companies
