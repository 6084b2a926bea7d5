"""The service report of a ticket, with its coverage, repairs and charges.

What the customer reads on the report once the ticket is in Repairs: the coverage
(and what it rests on: the unit, its serial number and its warranty end), the
parts of its repair orders, the work at full price (visit fee, labour hours x
rate, parts) and what is charged: the quotations and the invoices of a
chargeable ticket, nothing for a covered one (the value of the work shows what
it would have cost).
"""

from odoo import api, models

from ..models.repair_order import COVERED


class ReportAftersalesTicket(models.AbstractModel):
    _inherit = "report.aftersales_sla.report_aftersales_ticket"

    def _ticket_values(self, ticket):
        values = super()._ticket_values(ticket)
        values.update(self._repair_values(ticket))
        return values

    @api.model
    def _repair_values(self, ticket):
        """The coverage, parts, work and charges of ``ticket`` (in the language of
        its environment): ``unit``, ``covered``, ``parts`` [{repair, product,
        quantity, uom, serials}], ``work_lines`` [{product, quantity, price_unit,
        amount}], ``work_value``, ``quotations``, ``invoices``, ``charge`` (covered,
        invoiced, quoted or not_quoted: what ``charged`` is), ``charged`` (None
        before a chargeable ticket is quoted) and ``currency``."""
        ticket.ensure_one()
        # sudo: the service report is the customer's account of the work; whoever
        # may read the ticket (its customer, its technician) reads its repairs,
        # parts and charges there without the Repairs, Sales or Accounting rights.
        ticket_sudo = ticket.sudo()
        repairs = ticket_sudo.repair_ids.filtered(lambda r: r.state != "cancel")
        parts = []
        work_lines = []
        for repair in repairs:
            for move in repair.move_ids.filtered(
                lambda m: m.repair_line_type == "add" and m.state != "cancel"
            ):
                parts.append(
                    {
                        "repair": repair,
                        "product": move.product_id,
                        "quantity": move.product_uom_qty,
                        "uom": move.product_uom,
                        "serials": move.lot_ids.mapped("name"),
                    }
                )
            for line in repair._aftersales_priced_lines():
                work_lines.append(
                    dict(line, amount=line["price_unit"] * line["quantity"])
                )
        quotations = repairs.sale_order_id.filtered(lambda o: o.state != "cancel")
        invoices = quotations.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
        )
        covered = ticket.coverage in COVERED
        if covered:
            charge, charged = "covered", 0.0
        elif invoices:
            charge, charged = "invoiced", sum(invoices.mapped("amount_total"))
        elif quotations:
            charge, charged = "quoted", sum(quotations.mapped("amount_total"))
        else:
            charge, charged = "not_quoted", None
        return {
            "repair_shown": True,
            "unit": ticket_sudo.unit_id,
            "covered": covered,
            "repairs": repairs,
            "parts": parts,
            "work_lines": work_lines,
            "work_value": sum(line["amount"] for line in work_lines),
            "quotations": quotations,
            "invoices": invoices,
            "charge": charge,
            "charged": charged,
            "currency": ticket_sudo.company_id.currency_id,
        }
