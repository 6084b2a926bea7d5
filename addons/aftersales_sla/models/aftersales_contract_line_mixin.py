from odoo import api, models


class AftersalesContractLineMixin(models.AbstractModel):
    """Lines of a contract (covered products, fees, annexes) are contractual terms:
    on a contract in force they change only through an amendment."""

    _name = "aftersales.contract.line.mixin"
    _description = "After-Sales Contract Line"

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
