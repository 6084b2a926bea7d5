"""The re-repair guarantee of a paid repair.

A ticket's repair that the customer paid for (the repair order is done and the
invoice of its quotation posted, in whichever order) carries its own guarantee:
from the day the ticket was resolved (in the company's time zone; the day the
guarantee starts when the ticket is not resolved yet), for the days of the ticket
contract's ``repair_guarantee_days``, else of the company's default. The start is
a ``ticket.guarantee_started`` event of the ticket; a later ticket of the same unit
reported until the guarantee's last day is covered (``guarantee``, see
:mod:`..tools.coverage`).
"""

from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.aftersales_sla.tools import door

from .repair_order import REPAIR

GUARANTEE_FIELDS = frozenset({"aftersales_guarantee_days", "aftersales_guarantee_end"})


class RepairOrder(models.Model):
    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    aftersales_guarantee_days = fields.Integer(
        string="Guarantee (Days)",
        readonly=True,
        copy=False,
        help="The days of re-repair guarantee this paid repair carries (from the "
        "ticket's contract, else the company's default), set when it is paid.",
    )
    aftersales_guarantee_end = fields.Date(
        string="Guarantee End",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Last day of this paid repair's guarantee: the same unit's fault "
        "reported until then is repaired free.",
    )

    def write(self, vals):
        if not door.is_open(REPAIR) and GUARANTEE_FIELDS.intersection(vals):
            raise UserError(
                self.env._(
                    "A repair's guarantee starts when the repair is done and its "
                    "invoice posted; it cannot be set by hand."
                )
            )
        return super().write(vals)

    def action_repair_done(self):
        result = super().action_repair_done()
        self.filtered(lambda r: r.state == "done")._aftersales_start_guarantee()
        return result

    def _aftersales_paid(self):
        """Whether this ticket's repair is done and its invoice posted."""
        self.ensure_one()
        invoices = self.sale_order_id.invoice_ids
        return self.state == "done" and any(
            move.move_type == "out_invoice" and move.state == "posted"
            for move in invoices
        )

    def _aftersales_guarantee_days(self):
        # sudo: the contract's terms and the company default, whoever pays.
        ticket = self.sudo().ticket_id
        return (
            ticket.contract_id.repair_guarantee_days
            or ticket.company_id.aftersales_repair_guarantee_days
        )

    def _aftersales_start_guarantee(self):
        """Start the guarantee of these repairs that are paid and have none yet;
        each start is a ``ticket.guarantee_started`` event of its ticket."""
        Contract = self.env["aftersales.contract"]
        # sudo: the guarantee starts whoever posts the invoice or ends the repair.
        for repair in self.sudo():
            if (
                not repair.ticket_id
                or repair.aftersales_guarantee_end
                or not repair._aftersales_paid()
            ):
                continue
            days = repair._aftersales_guarantee_days()
            if days <= 0:
                continue
            ticket = repair.ticket_id
            start = Contract.with_company(ticket.company_id)._local_date(
                ticket.resolved_at or fields.Datetime.now()
            )
            end = start + timedelta(days=days)
            with door.opened(REPAIR):
                repair.write(
                    {"aftersales_guarantee_days": days, "aftersales_guarantee_end": end}
                )
            ticket._append_ticket_events(
                "ticket.guarantee_started",
                {
                    "repair": repair.name,
                    "days": days,
                    "guarantee_start": fields.Date.to_string(start),
                    "guarantee_end": fields.Date.to_string(end),
                    "invoices": repair.sale_order_id.invoice_ids.filtered(
                        lambda m: m.move_type == "out_invoice" and m.state == "posted"
                    ).mapped("name"),
                },
            )
            # The unit's open tickets reported since the repaired one was
            # resolved: the same fault again, now under the guarantee.
            later = self.env["aftersales.ticket"].search(
                [
                    ("unit_id", "=", ticket.unit_id.id),
                    ("id", "!=", ticket.id),
                    ("state", "!=", "closed"),
                    ("coverage_overridden", "=", False),
                    ("reported_at", ">=", ticket.resolved_at or fields.Datetime.now()),
                ]
            )
            later._decide_coverage()
