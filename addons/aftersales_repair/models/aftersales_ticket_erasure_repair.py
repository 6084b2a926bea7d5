"""The repair orders and quotations of the erased tickets: the free texts typed
from what the customer said (internal notes), the customer's
signature and name on the quotation, its note, and the chatter and attachments
(the quotation and repair PDFs sent to the customer) of both. Products, quantities,
prices, states and dates stay; posted invoices are accounting records kept by law
(their partner is pseudonymised by an erasure request)."""

from odoo import models

REPAIR = "repair.order"
SALE = "sale.order"

REPAIR_TEXT_FIELDS = ("internal_notes",)
SALE_TEXT_FIELDS = ("signature", "signed_by", "note")


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    def _erase_personal_extra(self):
        counts = super()._erase_personal_extra()
        # sudo: the erasure (checked by its caller) reaches every repair and
        # quotation of the tickets, whoever may open them.
        repairs = (
            self.env[REPAIR]
            .sudo()
            .with_context(active_test=False, tracking_disable=True)
            .search([("ticket_id", "in", self.ids)])
        )
        if not repairs:
            return counts
        orders = repairs.sale_order_id.with_context(tracking_disable=True)
        for model, records, names in (
            (REPAIR, repairs, REPAIR_TEXT_FIELDS),
            (SALE, orders, SALE_TEXT_FIELDS),
        ):
            names = [name for name in names if name in records._fields]
            todo = records.filtered(
                lambda record, names=names: any(record[n] for n in names)
            )
            if todo:
                todo.write(dict.fromkeys(names, False))
            chatter = self._erase_chatter(model, records.ids, names)
            counts["messages"] = counts.get("messages", 0) + chatter["messages"]
            counts["attachments"] = (
                counts.get("attachments", 0)
                + chatter["attachments"]
                + self._erase_attachments(model, records.ids)
            )
        return counts
