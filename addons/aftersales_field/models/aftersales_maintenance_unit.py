from odoo import api, models

#: Unit fields that change which plans cover it.
SCOPE_FIELDS = ("contract_id", "active", "partner_id")


class AftersalesUnit(models.Model):
    """A unit joining or leaving a contract joins or leaves the schedule of the
    contract's plans that cover all its units."""

    _inherit = "aftersales.unit"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        units = super().create(vals_list)
        units.contract_id._maintenance_replan_all_units()
        return units

    def write(self, vals):
        if not any(name in vals for name in SCOPE_FIELDS):
            return super().write(vals)
        before = self.contract_id
        result = super().write(vals)
        (before | self.contract_id)._maintenance_replan_all_units()
        return result
