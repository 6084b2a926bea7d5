from odoo import fields, models


class AftersalesContract(models.Model):
    _inherit = "aftersales.contract"  # pylint: disable=consider-merging-classes-inherited

    maintenance_plan_ids = fields.One2many(
        "aftersales.maintenance.plan",
        "contract_id",
        string="Maintenance Plans",
        groups="aftersales_sla.group_aftersales_user",
    )

    def _maintenance_replan_all_units(self):
        """Re-plan the schedules of the plans covering all the units of these
        contracts (a unit joined or left one of them)."""
        if not self:
            return
        # sudo: the schedule follows the installed base, whoever changes a unit.
        plans = (
            self.env["aftersales.maintenance.plan"]
            .sudo()
            .search([("contract_id", "in", self.ids), ("all_units", "=", True)])
        )
        plans._plan_schedules()
