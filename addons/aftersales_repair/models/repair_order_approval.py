from odoo import models
from odoo.exceptions import UserError

from .repair_order import COVERED

#: The states of a repair order in which the work has started.
WORKING = ("under_repair", "done")


class RepairOrder(models.Model):
    """The work of a chargeable ticket's repair starts once the customer approved
    (signed) its quotation: a repair order of such a ticket is neither started
    nor ended before, whoever tries (the buttons, or its state over RPC). A
    covered ticket's repair is free and starts at once."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    def write(self, vals):
        if vals.get("state") in WORKING:
            self._aftersales_check_approved()
        return super().write(vals)

    def _aftersales_check_approved(self):
        # sudo: the quotation's state, whoever works on the repair.
        waiting = self.sudo().filtered(
            lambda repair: repair.ticket_id
            and repair.state not in WORKING
            and repair.aftersales_coverage not in COVERED
            and repair.sale_order_id.state != "sale"
        )
        if waiting:
            repair = waiting[0]
            raise UserError(
                self.env._(
                    "Repair %(repair)s of chargeable ticket %(ticket)s waits for the "
                    "customer: the work starts once the customer has approved (signed) "
                    "its quotation. Send the quotation first (Send Quotation on the "
                    "ticket).",
                    repair=repair.name,
                    ticket=repair.ticket_id.display_name,
                )
            )
