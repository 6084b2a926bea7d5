from odoo import api, fields, models


class AftersalesMaintenanceChecklist(models.Model):
    """A point of a maintenance plan's checklist, copied onto every ticket the plan
    generates for the technician to tick."""

    _name = "aftersales.maintenance.checklist"
    _description = "After-Sales Maintenance Checklist Item"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "aftersales.maintenance.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True)
    required = fields.Boolean(
        default=True,
        help="The ticket cannot be resolved before this check is ticked.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["aftersales.maintenance.plan"]._check_manager()
        lines = super().create(vals_list)
        lines.plan_id._record_planned()
        return lines

    def write(self, vals):
        self.env["aftersales.maintenance.plan"]._check_manager()
        result = super().write(vals)
        self.plan_id._record_planned()
        return result

    def unlink(self):
        self.env["aftersales.maintenance.plan"]._check_manager()
        plans = self.plan_id
        result = super().unlink()
        plans.exists()._record_planned()
        return result
