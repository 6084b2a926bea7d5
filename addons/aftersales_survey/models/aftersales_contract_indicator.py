from odoo import fields, models


class AftersalesContractIndicator(models.Model):
    """The weight of a satisfaction indicator in a contract's satisfaction index."""

    _name = "aftersales.contract.indicator"
    _inherit = ["aftersales.indicator.weight.mixin"]
    _description = "After-Sales Contract Indicator Weight"
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "aftersales.contract", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)

    _sql_constraints = [
        (
            "indicator_unique",
            "UNIQUE(contract_id, indicator_id)",
            "An indicator is weighted once per contract.",
        ),
    ]

    def _weight_siblings(self):
        return [contract.indicator_ids for contract in self.contract_id]

    def _weight_owner_label(self):
        return self.contract_id.display_name
