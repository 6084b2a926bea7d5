from odoo import models


class AftersalesTicket(models.Model):
    """A ticket's technician records the parts of its repair (wizard)."""

    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    def action_open_record_parts(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Parts"),
            "res_model": "aftersales.ticket.parts",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }
