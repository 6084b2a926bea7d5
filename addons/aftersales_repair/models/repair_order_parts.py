"""Spare parts of a ticket's repair: checked when the repair ends, recorded in the
ledger (``ticket.parts_used``); the faulty parts removed are returned to their
manufacturer for its warranty claim (``ticket.faulty_parts_returned``)."""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

STOCK_USER_GROUP = "stock.group_stock_user"


class RepairOrder(models.Model):
    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    aftersales_faulty_count = fields.Integer(
        string="Faulty Parts to Return",
        compute="_compute_aftersales_faulty_count",
        help="The faulty parts removed by this repair that wait in the faulty "
        "parts location to be returned to their manufacturer.",
    )

    @api.depends(
        "move_ids.state",
        "move_ids.repair_line_type",
        "move_ids.aftersales_return_move_id.state",
    )
    def _compute_aftersales_faulty_count(self):
        for repair in self:
            repair.aftersales_faulty_count = len(repair._aftersales_faulty_moves())

    def _aftersales_faulty_moves(self):
        """The removed parts of these ticket repairs not returned yet."""
        return self.filtered("ticket_id").move_ids.filtered(
            lambda move: move.repair_line_type == "remove"
            and move.state == "done"
            and move.location_dest_id.aftersales_faulty_parts
            and (
                not move.aftersales_return_move_id
                or move.aftersales_return_move_id.state == "cancel"
            )
        )

    def action_repair_done(self):
        self._aftersales_check_serials()
        result = super().action_repair_done()
        for repair in self.filtered("ticket_id"):
            moves = repair.move_ids.filtered(lambda move: move.state == "done")
            added = moves.filtered(lambda move: move.repair_line_type == "add")
            removed = moves.filtered(lambda move: move.repair_line_type == "remove")
            if not (added or removed):
                continue
            # sudo: the ledger records the parts of the ticket, whoever ends it.
            repair.ticket_id.sudo()._append_ticket_events(
                "ticket.parts_used",
                {
                    "repair": repair.name,
                    "parts": added._aftersales_part_payload(),
                    "removed": removed._aftersales_part_payload(),
                },
            )
        return result

    def _aftersales_check_serials(self):
        """A tracked part of a ticket's repair has its serial (lot) number before
        the repair ends."""
        for repair in self.filtered("ticket_id"):
            for move in repair.move_ids:
                if (
                    move.repair_line_type not in ("add", "remove")
                    or move.state == "cancel"
                    or move.product_id.tracking == "none"
                ):
                    continue
                lines = move.move_line_ids
                if not lines or any(
                    line.quantity and not (line.lot_id or line.lot_name)
                    for line in lines
                ):
                    raise UserError(
                        self.env._(
                            "%(part)s on repair %(repair)s is tracked by serial or "
                            "lot number: record its number before ending the "
                            "repair.",
                            part=move.product_id.display_name,
                            repair=repair.name,
                        )
                    )

    def action_aftersales_return_faulty_parts(self):
        """Return the faulty parts removed by these repairs to their manufacturer
        (the part's first vendor): one outgoing transfer per vendor, from the
        faulty parts location, for the warranty claim. Parts without vendor:
        the wizard asks who takes them back."""
        moves = self._aftersales_check_faulty_return()
        if any(not move.product_id.seller_ids for move in moves):
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Return to Manufacturer"),
                "res_model": "repair.order.faulty.return",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
                "context": {"default_repair_ids": self.ids},
            }
        return self._aftersales_return_faulty_parts()

    def _aftersales_check_faulty_return(self):
        """The faulty parts to return, for an Inventory user."""
        if not self.env.user.has_group(STOCK_USER_GROUP):
            raise AccessError(
                self.env._(
                    "Only Inventory users return faulty parts to their manufacturer."
                )
            )
        moves = self._aftersales_faulty_moves()
        if not moves:
            raise UserError(
                self.env._("These repairs have no faulty parts left to return.")
            )
        return moves

    def _aftersales_return_faulty_parts(self, vendor=None):
        """Return the faulty parts; ``vendor`` takes back the parts without
        one."""
        moves = self._aftersales_check_faulty_return()
        by_vendor = {}
        for move in moves:
            part_vendor = move.product_id.seller_ids[:1].partner_id or vendor
            if not part_vendor:
                raise UserError(
                    self.env._(
                        "%(part)s has no vendor: choose the manufacturer that takes "
                        "it back.",
                        part=move.product_id.display_name,
                    )
                )
            by_vendor.setdefault(part_vendor, self.env["stock.move"])
            by_vendor[part_vendor] |= move
        pickings = self.env["stock.picking"]
        for part_vendor, faulty in by_vendor.items():
            pickings |= self._aftersales_return_to(part_vendor, faulty)
        for repair in self:
            returned = moves.filtered(lambda move, r=repair: move.repair_id == r)
            if not returned:
                continue
            pickings_of = returned.aftersales_return_move_id.picking_id
            # sudo: the ledger records the return on the ticket.
            repair.ticket_id.sudo()._append_ticket_events(
                "ticket.faulty_parts_returned",
                {
                    "repair": repair.name,
                    "transfers": pickings_of.mapped("name"),
                    "vendors": pickings_of.partner_id.mapped("display_name"),
                    "parts": [
                        {
                            "product": move.product_id.display_name,
                            "qty": move.quantity,
                            "lot": ", ".join(move.move_line_ids.lot_id.mapped("name"))
                            or None,
                        }
                        for move in returned
                    ],
                },
            )
        if len(pickings) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "stock.picking",
                "res_id": pickings.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("id", "in", pickings.ids)],
        }

    def _aftersales_return_to(self, vendor, faulty):
        """One outgoing transfer of the ``faulty`` moves' parts to ``vendor``."""
        company = faulty.company_id[:1]
        source = faulty.location_dest_id[:1]
        picking_type = self.env["stock.picking.type"].search(
            [("code", "=", "outgoing"), ("company_id", "=", company.id)], limit=1
        )
        destination = vendor.with_company(company).property_stock_supplier
        picking = self.env["stock.picking"].create(
            {
                "partner_id": vendor.id,
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "origin": ", ".join(faulty.repair_id.mapped("name")),
                "company_id": company.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.env._(
                                "Warranty claim: %s", move.product_id.display_name
                            ),
                            "product_id": move.product_id.id,
                            "product_uom": move.product_uom.id,
                            "product_uom_qty": move.quantity,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                            "company_id": company.id,
                        }
                    )
                    for move in faulty
                ],
            }
        )
        picking.action_confirm()
        for move, returned in zip(faulty, picking.move_ids, strict=True):
            move.aftersales_return_move_id = returned
            returned.move_line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "product_uom_id": line.product_uom_id.id,
                        "lot_id": line.lot_id.id,
                        "quantity": line.quantity,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                        "picking_id": picking.id,
                    }
                )
                for line in move.move_line_ids
            ]
        return picking
