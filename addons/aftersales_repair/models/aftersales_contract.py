from odoo import models

#: The contract fields the warranty of the units it covers depends on.
WARRANTY_FIELDS = frozenset({"state", "date_end", "termination_date"})


class AftersalesContract(models.Model):
    """A contract covering units: when its term moves (activated, amended,
    terminated), the coverage of those units' open tickets follows."""

    _inherit = "aftersales.contract"

    def write(self, vals):
        if not WARRANTY_FIELDS.intersection(vals):
            return super().write(vals)
        # sudo: the units a contract covers, whoever changes the contract.
        units = (
            self.env["aftersales.unit"]
            .sudo()
            .with_context(active_test=False)
            .search([("contract_id", "in", self.ids)])
        )
        with units._coverage_follows_warranty():
            return super().write(vals)
