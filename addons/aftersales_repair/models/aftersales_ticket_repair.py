"""Tickets: their repair orders (Odoo Repairs).

A manager or the ticket's technician makes a repair order from the ticket, for its
unit (product, serial number) and customer, under warranty when the ticket is
covered. Each repair order made so is a ``ticket.repair_created`` event; its
quotation sent, approved (signed on the portal) and invoiced are events too (see
``sale.order`` and ``account.move``).
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.aftersales_sla.tools import door

from .repair_order import COVERED, REPAIR

USER_GROUP = "aftersales_sla.group_aftersales_user"
MANAGER_GROUP = "aftersales_sla.group_aftersales_manager"


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    repair_ids = fields.One2many(
        "repair.order",
        "ticket_id",
        string="Repair Orders",
        groups="stock.group_stock_user",
    )
    repair_count = fields.Integer(compute="_compute_repair_figures")
    repair_value = fields.Monetary(
        string="Value of the Work",
        compute="_compute_repair_figures",
        currency_field="repair_currency_id",
        help="What the work of the ticket's repair orders costs before any "
        "warranty: parts at their sales price, visit fee and labour.",
    )
    repair_currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends_context("uid")
    def _compute_repair_figures(self):
        # sudo: the technician sees the count and value of his ticket's repairs
        # without the Repairs rights (one query for all the tickets: prefetch).
        for ticket, privileged in zip(self, self.sudo(), strict=True):
            mine = privileged.repair_ids
            ticket.repair_count = len(mine)
            ticket.repair_value = sum(
                mine.filtered(lambda r: r.state != "cancel").mapped("aftersales_value")
            )

    def action_create_repair_order(self):
        """Make a repair order for the ticket's unit and customer, under warranty
        when the ticket is covered; record it in the ledger."""
        self.ensure_one()
        self._aftersales_check_repair_work(
            self.env._("Only After-Sales technicians and managers make repair orders.")
        )
        if self.state == "closed":
            raise UserError(
                self.env._(
                    "Ticket %s is closed: it gets no more repair orders.",
                    self.display_name,
                )
            )
        # sudo: the unit and its serial number, whoever repairs it.
        unit = self.sudo().unit_id
        product = unit.product_id or self.product_id
        if not product:
            raise UserError(
                self.env._(
                    "Ticket %s has no product: set its unit or product before making "
                    "a repair order.",
                    self.display_name,
                )
            )
        lot = unit.lot_id
        if not lot and self.serial_number and product.tracking != "none":
            # sudo: the unit's serial number, which technicians cannot search in stock
            lot = (
                self.env["stock.lot"]
                .sudo()
                .search(
                    [
                        ("product_id", "=", product.id),
                        ("name", "=", self.serial_number),
                    ],
                    limit=1,
                )
            )
        # sudo: technicians make the repair order of their ticket without the
        # Repairs rights; what it holds comes from the ticket.
        with door.opened(REPAIR):
            repair = (
                self.env["repair.order"]
                .sudo()
                .with_company(self.company_id)
                .create(
                    {
                        "ticket_id": self.id,
                        "company_id": self.company_id.id,
                        "partner_id": self.partner_id.id,
                        "product_id": product.id,
                        "lot_id": lot.id or False,
                        "under_warranty": self.coverage in COVERED,
                        "internal_notes": self.name,
                    }
                )
            )
        self._append_ticket_events(
            "ticket.repair_created",
            {
                "repair": repair.name,
                "coverage": self.coverage or None,
                "under_warranty": repair.under_warranty,
                "value": repair.aftersales_value,
                "currency": repair.aftersales_currency_id.name,
            },
        )
        if not self.env["repair.order"].has_access("read"):
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": "repair.order",
            "res_id": repair.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _aftersales_check_repair_work(self, message):
        """Refuse (AccessError ``message``) a user who may not work the repairs
        of these tickets: After-Sales technicians their own tickets (record
        rules), managers any. Field service lets a service partner's user work
        the tickets assigned to his company."""
        user = self.env.user
        if not (user.has_group(USER_GROUP) or user.has_group(MANAGER_GROUP)):
            raise AccessError(message)
        self.check_access("write")

    def action_view_repairs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Repair Orders"),
            "res_model": "repair.order",
            "view_mode": "list,form",
            "domain": [("ticket_id", "=", self.id)],
            "context": {"default_ticket_id": self.id, "create": False},
        }
