from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class AftersalesTicketParts(models.TransientModel):
    """A technician records a spare part he used (from his van) or a faulty part
    he removed on his ticket's repair order, without the Inventory rights."""

    _name = "aftersales.ticket.parts"
    _description = "Record the Parts of a Ticket's Repair"

    ticket_id = fields.Many2one("aftersales.ticket", required=True, readonly=True)
    repair_name = fields.Char(
        string="Repair Order", compute="_compute_repair", compute_sudo=True
    )
    repaired_product_id = fields.Many2one(
        "product.product",
        string="Repaired Product",
        compute="_compute_repair",
        compute_sudo=True,
    )
    line_type = fields.Selection(
        [("add", "Part used"), ("remove", "Faulty part removed")],
        string="Type",
        required=True,
        default="add",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Part",
        required=True,
        domain="[('type', '=', 'consu')]",
    )
    tracking = fields.Selection(related="product_id.tracking")
    quantity = fields.Float(
        required=True, default=1.0, digits="Product Unit of Measure"
    )
    allowed_location_ids = fields.Many2many(
        "stock.location", compute="_compute_allowed_location_ids"
    )
    location_id = fields.Many2one(
        "stock.location",
        string="From Location",
        domain="[('id', 'in', allowed_location_ids)]",
        help="Where the part comes from: your van or your service partner's stock.",
    )
    lot_name = fields.Char(
        string="Serial/Lot Number",
        help="The serial (or lot) number of a tracked part.",
    )
    approved = fields.Boolean(string="Approved Part", compute="_compute_approved")
    reason = fields.Char(
        string="Reason (Part Not Approved)",
        help="Why a part not approved for the repaired product is used.",
    )

    @api.depends("ticket_id")
    def _compute_repair(self):
        for wizard in self:
            repair = wizard._open_repair()
            wizard.repair_name = repair.name or False
            wizard.repaired_product_id = repair.product_id

    @api.depends("ticket_id")
    @api.depends_context("uid")
    def _compute_allowed_location_ids(self):
        held = self.env["stock.location"]._aftersales_held_by(self.env.user)
        for wizard in self:
            wizard.allowed_location_ids = held

    @api.depends("product_id", "ticket_id", "line_type")
    def _compute_approved(self):
        for wizard in self:
            # sudo: the ticket's repair decides, whoever opens the wizard
            product = wizard.sudo()._open_repair().product_id
            wizard.approved = bool(
                wizard.line_type != "add"
                or not product
                or not wizard.product_id
                or product.product_tmpl_id._aftersales_approves(wizard.product_id)
            )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "location_id" in fields_list and not values.get("location_id"):
            held = self.env["stock.location"]._aftersales_held_by(self.env.user)
            if len(held) == 1:
                values["location_id"] = held.id
        return values

    def _open_repair(self):
        """The ticket's repair order in progress (the latest)."""
        self.ensure_one()
        # sudo: the technician works his ticket's repair without Repairs rights.
        return (
            self.env["repair.order"]
            .sudo()
            .search(
                [
                    ("ticket_id", "=", self.ticket_id.id),
                    ("state", "not in", ("done", "cancel")),
                ],
                order="id desc",
                limit=1,
            )
            if self.ticket_id
            else self.env["repair.order"]
        )

    def action_record(self):
        """Check, then write the part on the ticket's repair order."""
        self.ensure_one()
        ticket = self.ticket_id
        ticket._aftersales_check_repair_work(
            self.env._("Only After-Sales technicians and managers record parts.")
        )
        repair = self._open_repair()
        if not repair:
            raise UserError(
                self.env._(
                    "Ticket %s has no repair order in progress: create one before "
                    "recording its parts.",
                    ticket.display_name,
                )
            )
        if self.quantity <= 0:
            raise UserError(self.env._("The quantity of a part must be positive."))
        if self.line_type == "add" and not self.location_id:
            raise UserError(
                self.env._(
                    "Choose the location the part %s comes from.",
                    self.product_id.display_name,
                )
            )
        lot = self._lot()
        vals = {
            "repair_id": repair.id,
            "repair_line_type": self.line_type,
            "product_id": self.product_id.id,
            "product_uom": self.product_id.uom_id.id,
            "product_uom_qty": self.quantity,
            "company_id": repair.company_id.id,
            "aftersales_unapproved_reason": (self.reason or "").strip() or False,
        }
        if self.line_type == "add":
            vals["location_id"] = self.location_id.id
        # sudo: the technician has no Inventory rights; the move checks (its own
        # create) that he holds the location and that the part is approved or
        # has a reason, as the acting user.
        move = self.env["stock.move"].sudo().create(vals)
        if lot:
            move.move_line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_uom.id,
                        "lot_id": lot.id,
                        "quantity": self.quantity,
                        "location_id": move.location_id.id,
                        "location_dest_id": move.location_dest_id.id,
                    }
                )
            ]
        return {"type": "ir.actions.act_window_close"}

    def _lot(self):
        """The part's serial (lot) number: a part used is one known in stock; a
        faulty part removed may be new to the company (then it is recorded)."""
        product = self.product_id
        name = (self.lot_name or "").strip()
        if product.tracking == "none" or not name:
            return self.env["stock.lot"]
        if product.tracking == "serial" and self.quantity != 1:
            raise UserError(
                self.env._(
                    "A serial number is one part: record %s one by one.",
                    product.display_name,
                )
            )
        # sudo: the technician reads and records serial numbers without the
        # Inventory rights.
        Lot = self.env["stock.lot"].sudo()
        company = self.ticket_id.company_id
        lot = Lot.search(
            [
                ("product_id", "=", product.id),
                ("name", "=", name),
                ("company_id", "in", [False, company.id]),
            ],
            limit=1,
        )
        if lot:
            return lot
        if self.line_type == "add":
            raise UserError(
                self.env._(
                    "Serial/lot number %(lot)s of %(part)s is not in stock: check "
                    "the number on the part.",
                    lot=name,
                    part=product.display_name,
                )
            )
        return Lot.create(
            {"name": name, "product_id": product.id, "company_id": company.id}
        )
