from odoo import api, fields, models

#: The contract fields the warranty of the units it covers depends on.
WARRANTY_FIELDS = frozenset({"state", "date_end", "termination_date"})


class AftersalesContract(models.Model):
    """The re-repair guarantee a contract gives its paid repairs: a contractual
    term with the fee schedule (while the contract is in force, changed only by an
    amendment; a repair takes the days in force when it is paid). A contract
    covering units: when its term moves (activated, amended, terminated), the
    coverage of those units' open tickets follows."""

    _inherit = "aftersales.contract"

    repair_guarantee_days = fields.Integer(
        string="Repair Guarantee (Days)",
        tracking=True,
        help="Days a paid repair of this contract's tickets is guaranteed, from "
        "the day the ticket was resolved: the same unit's fault reported within "
        "them is repaired free. 0: the company's default (After-Sales settings).",
    )

    _sql_constraints = [
        (
            "repair_guarantee_days_positive",
            "CHECK(repair_guarantee_days >= 0)",
            "A repair guarantee cannot last a negative number of days.",
        )
    ]

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

    @api.model
    def _contractual_fields(self):
        return super()._contractual_fields() | {"repair_guarantee_days"}

    @api.model
    def _amendable_fields(self):
        fields_ = super()._amendable_fields()
        fields_.insert(fields_.index("fee_line_ids") + 1, "repair_guarantee_days")
        return fields_
