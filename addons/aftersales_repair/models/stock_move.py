"""Spare parts of tickets' repairs as stock moves.

A part a technician adds on his ticket's repair comes from a location he holds
(his van, his service partner's stock); a part not approved for the unit's
product needs a reason; a part removed goes to the company's faulty parts, to be
returned to its manufacturer for the warranty claim.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

USER_GROUP = "aftersales_sla.group_aftersales_user"
#: The fields whose change checks a ticket's part again.
CHECKED_FIELDS = {
    "product_id",
    "location_id",
    "repair_id",
    "repair_line_type",
    "aftersales_unapproved_reason",
}


class StockMove(models.Model):
    _inherit = "stock.move"

    aftersales_approved = fields.Boolean(
        string="Approved Part",
        compute="_compute_aftersales_approved",
        help="Whether the part is approved for the product the ticket's repair "
        "repairs.",
    )
    aftersales_unapproved_reason = fields.Char(
        string="Reason (Part Not Approved)",
        help="Why a part not approved for the repaired product is used.",
    )
    aftersales_return_move_id = fields.Many2one(
        "stock.move",
        string="Returned to Manufacturer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The move returning this removed faulty part to its manufacturer.",
    )

    @api.depends(
        "product_id", "repair_id.product_id", "repair_id.ticket_id", "repair_line_type"
    )
    def _compute_aftersales_approved(self):
        for move in self:
            product = move.repair_id.product_id
            # sudo: whether the repair is a ticket's, whoever reads the move
            move.aftersales_approved = bool(
                move.repair_line_type != "add"
                or not move.repair_id.sudo().ticket_id
                or not product
                or not move.product_id
                or product.product_tmpl_id._aftersales_approves(move.product_id)
            )

    @api.onchange("product_id")
    def _onchange_aftersales_approved_part(self):
        if (
            self.repair_id.ticket_id
            and self.repair_line_type == "add"
            and self.product_id
            and not self.aftersales_approved
        ):
            return {
                "warning": {
                    "title": self.env._("Part not approved"),
                    "message": self.env._(
                        "%(part)s is not an approved spare part of %(product)s: "
                        "give the reason for using it.",
                        part=self.product_id.display_name,
                        product=self.repair_id.product_id.display_name,
                    ),
                }
            }

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # sudo: the repairs of the new moves, whoever adds parts (no Repairs rights)
        Repair = self.env["repair.order"].sudo()
        for vals in vals_list:
            if vals.get("repair_line_type") != "remove" or not vals.get("repair_id"):
                continue
            repair = Repair.browse(vals["repair_id"])
            if repair.ticket_id:
                source, destination = self._aftersales_removed_locations(repair)
                vals.setdefault("location_id", source.id)
                vals.setdefault("location_dest_id", destination.id)
        moves = super().create(vals_list)
        moves._aftersales_check_parts()
        return moves

    def write(self, vals):
        result = super().write(vals)
        if CHECKED_FIELDS & set(vals):
            # sudo: whether the repair is a ticket's, whoever writes the move
            self.filtered(
                lambda move: move.repair_id.sudo().ticket_id
            )._aftersales_check_parts()
        return result

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _get_repair_locations(self, repair_line_type, repair_id=False):
        """Odoo's Repairs sets a part's locations again when its type or the
        repair's operation type changes: a ticket's part used keeps the internal
        location it comes from (the technician's van), a faulty part removed goes
        from the customer's unit to the faulty parts."""
        source, destination = super()._get_repair_locations(repair_line_type, repair_id)
        if repair_id or len(self) != 1:
            return source, destination
        # sudo: the repair's ticket decides the locations, whoever adds parts
        repair = self.repair_id.sudo()
        if not repair.ticket_id:
            return source, destination
        if repair_line_type == "remove":
            return self._aftersales_removed_locations(repair)
        if repair_line_type == "add" and self.location_id.usage == "internal":
            return self.location_id, destination
        return source, destination

    @api.model
    def _aftersales_removed_locations(self, repair):
        """Where a faulty part removed on a ticket's repair comes from (the
        customer's unit) and goes to (the faulty parts, for warranty claims)."""
        source = repair.partner_id.with_company(
            repair.company_id
        ).property_stock_customer or self.env.ref("stock.stock_location_customers")
        destination = self.env["stock.location"]._aftersales_faulty_location(
            repair.company_id
        )
        return source, destination

    def _aftersales_check_parts(self):
        """The parts added on tickets' repairs: from a location the acting
        technician holds, approved for the repaired product or with a reason."""
        # sudo: whether the repair is a ticket's, whoever adds parts
        parts = self.filtered(
            lambda move: move.repair_line_type == "add"
            and move.repair_id.sudo().ticket_id
            and move.state != "cancel"
        )
        if not parts:
            return
        user = self.env.user
        Location = self.env["stock.location"]
        held = None
        for move in parts:
            # sudo: the ticket's name in the message, whoever adds the part.
            ticket = move.repair_id.sudo().ticket_id
            # A technician, or a service partner's user on the portal (field
            # service), takes parts from the locations he holds.
            if user.has_group(USER_GROUP) or user.share:
                held = held if held is not None else Location._aftersales_held_by(user)
                if move.location_id not in held:
                    # sudo: the location's name in the message, whoever adds parts
                    raise UserError(
                        self.env._(
                            "%(user)s does not hold location %(location)s: the "
                            "parts of ticket %(ticket)s come from a location the "
                            "technician holds (his van or his service partner's).",
                            user=user.name,
                            location=move.location_id.sudo().display_name,
                            ticket=ticket.display_name,
                        )
                    )
            if (
                not move.aftersales_approved
                and not (move.aftersales_unapproved_reason or "").strip()
            ):
                raise UserError(
                    self.env._(
                        "%(part)s is not an approved spare part of %(product)s "
                        "(ticket %(ticket)s): give the reason for using it.",
                        part=move.product_id.display_name,
                        product=move.repair_id.product_id.display_name,
                        ticket=ticket.display_name,
                    )
                )

    def _aftersales_part_payload(self):
        """What the ledger records of these parts."""
        payload = []
        for move in self:
            lots = move.move_line_ids.lot_id
            payload.append(
                {
                    "product": move.product_id.display_name,
                    "qty": move.quantity or move.product_uom_qty,
                    "uom": move.product_uom.name,
                    "lot": ", ".join(lots.mapped("name")) or None,
                    "location": move.location_id.display_name,
                    "approved": move.aftersales_approved,
                    "reason": move.aftersales_unapproved_reason or None,
                }
            )
        return payload
