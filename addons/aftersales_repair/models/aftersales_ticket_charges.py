"""Tickets: what the customer is charged (quotations, invoices, payments).

The quotations of the ticket's repair orders and their invoices, with the amount
invoiced, the amount due and whether it is paid, for the roles that read money
(auditors, managers, billing); the orders and invoices themselves for those who
may open them (billing, accounting, sales managers).
"""

from odoo import api, fields, models

from odoo.addons.aftersales_sla.models.aftersales_contract import MONEY_READERS

#: Who may open the ticket's quotations and invoices (Odoo's own rights).
ORDER_READERS = (
    "account.group_account_invoice,account.group_account_readonly,"
    "sales_team.group_sale_salesman_all_leads"
)
INVOICE_READERS = "account.group_account_invoice,account.group_account_readonly"


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    sale_order_ids = fields.Many2many(
        "sale.order",
        string="Quotations",
        compute="_compute_charges",
        groups=ORDER_READERS,
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        compute="_compute_charges",
        groups=INVOICE_READERS,
    )
    quotation_count = fields.Integer(compute="_compute_charges")
    invoice_count = fields.Integer(compute="_compute_charges")
    charges_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Charges Currency"
    )
    amount_quoted = fields.Monetary(
        string="Quoted",
        compute="_compute_charges",
        currency_field="charges_currency_id",
        groups=MONEY_READERS,
        help="The total of the ticket's quotations not cancelled.",
    )
    amount_invoiced = fields.Monetary(
        string="Invoiced",
        compute="_compute_charges",
        currency_field="charges_currency_id",
        groups=MONEY_READERS,
        help="The total of the ticket's posted customer invoices.",
    )
    amount_due = fields.Monetary(
        compute="_compute_charges",
        currency_field="charges_currency_id",
        groups=MONEY_READERS,
        help="What the customer still owes on the ticket's posted invoices.",
    )
    charges_payment_state = fields.Selection(
        [
            ("none", "Not Invoiced"),
            ("not_paid", "Not Paid"),
            ("partial", "Partially Paid"),
            ("paid", "Paid"),
        ],
        string="Payment",
        compute="_compute_charges",
        groups=MONEY_READERS,
        help="Whether the customer has paid the ticket's posted invoices.",
    )

    @api.depends_context("uid")
    def _compute_charges(self):
        # sudo: the auditor reads the ticket's amounts without the Sales and
        # Invoicing rights; the orders and invoices are shown only to their readers.
        for ticket, privileged in zip(self, self.sudo(), strict=True):
            orders = privileged.repair_ids.sale_order_id
            invoices = orders.invoice_ids.filtered(
                lambda move: move.move_type == "out_invoice"
            )
            posted = invoices.filtered(lambda move: move.state == "posted")
            ticket.sale_order_ids = orders.ids
            ticket.invoice_ids = invoices.ids
            ticket.quotation_count = len(orders)
            ticket.invoice_count = len(invoices)
            ticket.amount_quoted = sum(
                order.currency_id._convert(
                    order.amount_total,
                    ticket.charges_currency_id,
                    ticket.company_id,
                    order.date_order,
                )
                for order in orders.filtered(lambda order: order.state != "cancel")
            )
            ticket.amount_invoiced = sum(posted.mapped("amount_total_signed"))
            ticket.amount_due = sum(posted.mapped("amount_residual_signed"))
            ticket.charges_payment_state = ticket._charges_payment_state(posted)

    @staticmethod
    def _charges_payment_state(posted):
        if not posted:
            return "none"
        states = set(posted.mapped("payment_state"))
        if states <= {"paid", "in_payment", "reversed"}:
            return "paid"
        if states & {"partial", "paid", "in_payment"}:
            return "partial"
        return "not_paid"

    def _check_charges_reader(self, model):
        """Only who may read the orders or invoices opens them (not only the
        screen: the field is restricted too)."""
        self.check_access("read")
        self.env[model].check_access("read")

    def action_view_quotations(self):
        self.ensure_one()
        self._check_charges_reader("sale.order")
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_quotations")
        # sudo: the ticket's quotations by id; the action's own rules then apply
        action.update(
            {
                "domain": [("id", "in", self.sudo().sale_order_ids.ids)],
                "context": {"create": False},
            }
        )
        return action

    def action_view_invoices(self):
        self.ensure_one()
        self._check_charges_reader("account.move")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        # sudo: the ticket's invoices by id; the action's own rules then apply
        action.update(
            {
                "domain": [("id", "in", self.sudo().invoice_ids.ids)],
                "context": {"create": False, "default_move_type": "out_invoice"},
            }
        )
        return action
