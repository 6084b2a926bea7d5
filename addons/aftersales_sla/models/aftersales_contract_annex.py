from odoo import fields, models


class AftersalesContractAnnex(models.Model):
    """An annex text of a contract (service description, penalty schedule...)."""

    _name = "aftersales.contract.annex"
    _inherit = ["aftersales.contract.line.mixin"]
    _description = "After-Sales Contract Annex"
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "aftersales.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id")
    sequence = fields.Integer(default=10)
    title = fields.Char(required=True, translate=True)
    body = fields.Html(translate=True, sanitize=True)
