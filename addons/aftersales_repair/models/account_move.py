from odoo import models


class AccountMove(models.Model):
    """A customer invoice of a ticket's repair quotation, once posted, is a
    ``ticket.invoiced`` event of the ticket (and starts the guarantee of its done
    repairs, see ``repair.order``)."""

    _inherit = "account.move"

    def _post(self, soft=True):
        to_record = self.filtered(
            lambda move: move.state != "posted" and move.move_type == "out_invoice"
        )
        posted = super()._post(soft=soft)
        for move in to_record.filtered(lambda m: m.state == "posted"):
            # sudo: the ticket of the invoiced repair, whoever posts the invoice.
            orders = move.sudo().line_ids.sale_line_ids.order_id
            tickets = orders.repair_order_ids.ticket_id
            if not tickets:
                continue
            tickets._append_ticket_events(
                "ticket.invoiced",
                {
                    "invoice": move.name,
                    "sale_orders": orders.mapped("name"),
                    "amount_total": move.amount_total,
                    "currency": move.currency_id.name,
                },
            )
            # A done repair is paid now: its re-repair guarantee starts.
            orders.repair_order_ids._aftersales_start_guarantee()
        return posted
