"""Repair orders of after-sales tickets.

A repair order made from a ticket (see ``aftersales.ticket``) is for the ticket's
unit and customer, under warranty when the ticket is covered (contract, warranty
or a paid repair's guarantee): Odoo then prices its parts at 0, and the value of
the work (parts at their sales price, the visit fee and the labour) shows what it
would have cost.
A chargeable ticket's repair gets a quotation (Odoo's sale order) with the visit
fee and the labour from the contract's fee schedule, else from the standard
products; a covered ticket's repair gets none.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.aftersales_sla.tools import door

#: The coverages whose work is free for the customer.
COVERED = ("contract", "warranty", "guarantee")
#: The door of a repair order's ticket: only the ticket's action links them.
REPAIR = "repair.order"


class RepairOrder(models.Model):
    _inherit = "repair.order"

    ticket_id = fields.Many2one(
        "aftersales.ticket",
        string="After-Sales Ticket",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="The after-sales ticket this repair order was made from.",
    )
    aftersales_coverage = fields.Selection(
        related="ticket_id.coverage", string="Coverage", related_sudo=True
    )
    aftersales_labour_hours = fields.Float(
        string="Labour Hours",
        default=1.0,
        digits="Product Unit of Measure",
        help="The hours of labour the quotation charges (at the labour fee).",
    )
    aftersales_value = fields.Monetary(
        string="Value of the Work",
        compute="_compute_aftersales_value",
        currency_field="aftersales_currency_id",
        help="What the work costs before any warranty: the parts at their sales "
        "price, the visit fee and the labour. A covered ticket's customer pays "
        "nothing but sees this value.",
    )
    aftersales_currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends(
        "ticket_id",
        "aftersales_labour_hours",
        "move_ids.product_id",
        "move_ids.product_uom_qty",
        "move_ids.repair_line_type",
    )
    def _compute_aftersales_value(self):
        for repair in self:
            if not repair.ticket_id:
                repair.aftersales_value = 0.0
                continue
            repair.aftersales_value = sum(
                line["price_unit"] * line["quantity"]
                for line in repair._aftersales_priced_lines()
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not door.is_open(REPAIR) and any(
            vals.get("ticket_id") for vals in vals_list
        ):
            raise UserError(
                self.env._(
                    "A repair order is linked to an after-sales ticket only by the "
                    "ticket's Create Repair Order."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not door.is_open(REPAIR):
            if "ticket_id" in vals:
                raise UserError(
                    self.env._(
                        "The ticket of a repair order is set when the ticket makes it; "
                        "it cannot be changed."
                    )
                )
            if "under_warranty" in vals:
                wrong = self.filtered(
                    lambda repair: repair.ticket_id
                    and bool(vals["under_warranty"])
                    != (repair.aftersales_coverage in COVERED)
                )
                if wrong:
                    # sudo: the ticket's number in the message, whoever edits the repair
                    raise UserError(
                        self.env._(
                            "Repair %(repair)s follows the coverage of ticket "
                            "%(ticket)s: it is under warranty when the ticket is "
                            "covered by a contract or the warranty, else not. A "
                            "manager may override the ticket's coverage.",
                            repair=wrong[0].name,
                            ticket=wrong[0].ticket_id.sudo().display_name,
                        )
                    )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Pricing
    # ------------------------------------------------------------------

    def _aftersales_fees(self):
        """The visit fee and the labour of this repair: ``{kind: (product,
        price)}`` from the ticket contract's fee schedule where it has a fee of
        that kind, else from the product flagged as the standard one."""
        self.ensure_one()
        # sudo: the contract's fee schedule prices the work, whoever quotes it.
        ticket = self.ticket_id.sudo()
        fees = {}
        for fee in ticket.contract_id.fee_line_ids:
            kind = fee.product_id.aftersales_fee_kind
            if kind and kind not in fees:
                fees[kind] = (fee.product_id, fee.price_unit)
        for kind in ("visit", "labour"):
            if kind in fees:
                continue
            product = self._aftersales_standard_fee_product(kind)
            if product:
                fees[kind] = (product, product.lst_price)
        return fees

    def _aftersales_standard_fee_product(self, kind):
        """The product flagged as the standard fee of ``kind`` for this
        repair's company."""
        self.ensure_one()
        # sudo: the standard fees price the work, whoever quotes it.
        Product = self.env["product.product"].sudo().with_company(self.company_id)
        return Product.search(
            [
                ("aftersales_fee_kind", "=", kind),
                ("company_id", "in", [False, self.company_id.id]),
            ],
            order="company_id, id",
            limit=1,
        )

    def _aftersales_priced_lines(self):
        """The lines of the work at their full price: the visit fee, the labour
        and the parts added (sales price)."""
        self.ensure_one()
        fees = self._aftersales_fees()
        lines = []
        if "visit" in fees:
            lines.append(
                {
                    "product": fees["visit"][0],
                    "price_unit": fees["visit"][1],
                    "quantity": 1.0,
                }
            )
        if "labour" in fees and self.aftersales_labour_hours:
            lines.append(
                {
                    "product": fees["labour"][0],
                    "price_unit": fees["labour"][1],
                    "quantity": self.aftersales_labour_hours,
                }
            )
        for move in self.move_ids.filtered(lambda m: m.repair_line_type == "add"):
            lines.append(
                {
                    "product": move.product_id,
                    "price_unit": move.product_id.lst_price,
                    "quantity": move.product_uom_qty,
                }
            )
        return lines

    # ------------------------------------------------------------------
    # Quotation
    # ------------------------------------------------------------------

    def action_create_sale_order(self):
        """A ticket's repair is quoted only when the ticket is chargeable (the
        customer pays): a covered ticket's work is free. The quotation charges the
        visit fee and the labour besides Odoo's lines of the parts."""
        covered = self.filtered(
            lambda repair: repair.ticket_id and repair.aftersales_coverage in COVERED
        )
        if covered:
            # sudo: the ticket's number in the message, whoever edits the repair
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s is covered (%(coverage)s): its repair "
                    "%(repair)s is free for the customer and gets no quotation. A "
                    "manager may override the coverage to chargeable first.",
                    ticket=covered[0].ticket_id.sudo().display_name,
                    coverage=dict(
                        covered[0]
                        ._fields["aftersales_coverage"]
                        ._description_selection(self.env)
                    ).get(covered[0].aftersales_coverage),
                    repair=covered[0].name,
                )
            )
        ticketed = self.filtered("ticket_id")
        # Chargeable: the parts are not under warranty (the coverage may have been
        # overridden since the repair was made).
        ticketed.filtered("under_warranty").write({"under_warranty": False})
        result = super().action_create_sale_order()
        ticketed._aftersales_add_fee_lines()
        return result

    def _aftersales_add_fee_lines(self):
        vals_list = []
        for repair in self:
            fees = repair._aftersales_fees()
            quantities = {"visit": 1.0, "labour": repair.aftersales_labour_hours}
            for kind in ("visit", "labour"):
                if kind not in fees or not quantities[kind]:
                    continue
                product, price = fees[kind]
                vals_list.append(
                    {
                        "order_id": repair.sale_order_id.id,
                        "product_id": product.id,
                        "product_uom_qty": quantities[kind],
                        "price_unit": price,
                        "sequence": 1 if kind == "visit" else 2,
                    }
                )
        if vals_list:
            self.env["sale.order.line"].create(vals_list)
