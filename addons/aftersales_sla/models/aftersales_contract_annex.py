from odoo import api, fields, models


class AftersalesContractAnnex(models.Model):
    """An annex text of a contract (service description, penalty schedule...)."""

    _name = "aftersales.contract.annex"
    _description = "After-Sales Contract Annex"
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "aftersales.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id")
    sequence = fields.Integer(default=10)
    title = fields.Char(required=True, translate=True)
    body = fields.Html(translate=True, sanitize=True)

    @api.model_create_multi
    def create(self, vals_list):
        self.env["aftersales.contract"].browse(
            [vals["contract_id"] for vals in vals_list if vals.get("contract_id")]
        )._check_terms_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.contract_id._check_terms_editable()
        if vals.get("contract_id"):
            self.env["aftersales.contract"].browse(
                vals["contract_id"]
            )._check_terms_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_contract_in_force(self):
        self.contract_id._check_terms_editable()
