from odoo import models

from .repair_order import COVERED


class AftersalesTicket(models.Model):
    """Resolving a ticket ends the work of its repair orders: the technician, who
    has no Repairs rights, resolves on site and the repairs he worked on are done
    (their parts used recorded, their guarantee started once invoiced). Only
    repairs the customer need not approve (a covered ticket) or has approved (its
    quotation signed) are ended; a chargeable repair still waiting for its
    customer is left for the office (cancel it, or have it approved)."""

    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    def action_resolve(self, when=None, reason=None):
        result = super().action_resolve(when=when, reason=reason)
        self._aftersales_end_repairs()
        return result

    def _aftersales_end_repairs(self):
        # sudo: the technician ends the repairs of the ticket he resolves,
        # without the Repairs rights; the checks of the repair (serials, parts
        # from his locations) still apply.
        repairs = self.sudo().repair_ids.filtered(
            lambda repair: repair.state in ("draft", "confirmed", "under_repair")
            and (
                repair.aftersales_coverage in COVERED
                or repair.sale_order_id.state == "sale"
            )
        )
        # Odoo's confirmation without its stock warning: the repaired unit is
        # the customer's, not in stock.
        repairs.filtered(
            lambda repair: repair.state == "draft"
        )._action_repair_confirm()
        repairs.filtered(
            lambda repair: repair.state == "confirmed"
        ).action_repair_start()
        repairs.action_repair_end()
