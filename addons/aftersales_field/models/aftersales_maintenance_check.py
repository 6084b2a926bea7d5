from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.aftersales_sla.tools import door

#: The generation writes these; afterwards a technician only ticks ``done``.
CHECK = "aftersales.maintenance.check"
MANAGER_GROUP = "aftersales_sla.group_aftersales_manager"


class AftersalesMaintenanceCheck(models.Model):
    """A checklist point of a maintenance ticket, ticked by the technician."""

    _name = "aftersales.maintenance.check"
    _description = "After-Sales Maintenance Check"
    _order = "ticket_id, sequence, id"

    ticket_id = fields.Many2one(
        "aftersales.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True, readonly=True)
    required = fields.Boolean(readonly=True)
    done = fields.Boolean()
    done_by_id = fields.Many2one("res.users", string="Ticked By", readonly=True)
    done_at = fields.Datetime(string="Ticked At", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not door.is_open(CHECK) and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Checklist points come from the maintenance plan: only "
                    "After-Sales managers add one to a ticket."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not door.is_open(CHECK):
            if set(vals) - {"done", "sequence"} and not self.env.user.has_group(
                MANAGER_GROUP
            ):
                raise AccessError(
                    self.env._(
                        "A technician only ticks the checklist points of a "
                        "maintenance ticket; what they are comes from the plan."
                    )
                )
            if "done" in vals:
                self.mapped("ticket_id")._check_open()
                vals = dict(
                    vals,
                    done_by_id=self.env.user.id if vals["done"] else False,
                    done_at=fields.Datetime.now() if vals["done"] else False,
                )
        return super().write(vals)
