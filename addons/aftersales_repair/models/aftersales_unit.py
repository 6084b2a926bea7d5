from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesUnit(models.Model):
    """A unit of the installed base: one product the company sold or serves, at a
    customer's site, with its serial number and its warranty.

    The warranty ends on the latest of: the product's warranty months counted from
    the installation date, the end of a service contract covering the unit, and the
    unit's warranty extensions. Tickets find their unit by serial number, else by
    product and customer, and their coverage follows (see ``aftersales.ticket``).
    """

    _name = "aftersales.unit"
    _description = "After-Sales Unit (Installed Base)"
    _inherit = ["mail.thread"]
    _order = "partner_id, product_id, id"

    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    product_tracking = fields.Selection(related="product_id.tracking")
    lot_id = fields.Many2one(
        "stock.lot",
        string="Serial Number",
        index=True,
        copy=False,
        tracking=True,
        ondelete="restrict",
        domain="[('product_id', '=', product_id)]",
        help="Required when the product is tracked by serial number; one unit per "
        "serial number.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    site_partner_id = fields.Many2one(
        "res.partner",
        string="Site Address",
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="Where the unit is installed: an address of the customer (a delivery "
        "address), else the customer's own.",
    )
    installation_date = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True
    )
    contract_id = fields.Many2one(
        "aftersales.contract",
        string="Covering Contract",
        index=True,
        tracking=True,
        domain="[('contract_type', '=', 'customer'), "
        "('partner_id', 'child_of', commercial_partner_id)]",
        help="A service contract (or extended warranty) of the customer covering "
        "this unit: the unit is under warranty until the contract ends.",
    )
    extension_ids = fields.One2many(
        "aftersales.unit.warranty.extension", "unit_id", string="Warranty Extensions"
    )
    # Stored: searched and grouped on (in or out of warranty, the coverage of a
    # batch of tickets); recomputed when the product, contract or extensions change.
    product_warranty_end = fields.Date(
        compute="_compute_product_warranty_end",
        store=True,
        help="Installation date plus the product's warranty months.",
    )
    warranty_end = fields.Date(
        compute="_compute_warranty_end",
        store=True,
        index=True,
        tracking=True,
        help="The last day of warranty: the latest of the product's warranty, the "
        "covering contract's end and the warranty extensions.",
    )
    warranty_source = fields.Selection(
        [
            ("product", "Product Warranty"),
            ("contract", "Service Contract"),
            ("extension", "Warranty Extension"),
            ("none", "No Warranty"),
        ],
        compute="_compute_warranty_end",
        store=True,
    )
    in_warranty = fields.Boolean(
        compute="_compute_in_warranty",
        search="_search_in_warranty",
        help="Under warranty today.",
    )
    warranty_terms = fields.Text(
        compute="_compute_warranty_texts",
        store=True,
        readonly=False,
        precompute=True,
        help="What the warranty covers (from the product, may be adapted).",
    )
    warranty_exclusions = fields.Text(
        compute="_compute_warranty_texts",
        store=True,
        readonly=False,
        precompute=True,
        help="What the warranty excludes (from the product, may be adapted).",
    )
    ticket_ids = fields.One2many("aftersales.ticket", "unit_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("product_id", "lot_id", "partner_id")
    def _compute_display_name(self):
        for unit in self:
            name = unit.product_id.display_name or ""
            if unit.lot_id:
                name = f"{name} ({unit.lot_id.name})"
            unit.display_name = name

    @api.depends("installation_date", "product_id.aftersales_warranty_months")
    def _compute_product_warranty_end(self):
        for unit in self:
            months = unit.product_id.aftersales_warranty_months
            if unit.installation_date and months:
                unit.product_warranty_end = (
                    unit.installation_date
                    + relativedelta(months=months)
                    - relativedelta(days=1)
                )
            else:
                unit.product_warranty_end = False

    @api.depends(
        "product_warranty_end",
        "contract_id.state",
        "contract_id.date_end",
        "contract_id.termination_date",
        "extension_ids.date_end",
    )
    def _compute_warranty_end(self):
        for unit in self:
            ends = []
            if unit.product_warranty_end:
                ends.append((unit.product_warranty_end, "product"))
            # sudo: the covering contract's term, whoever reads the unit.
            contract = unit.contract_id.sudo()
            if contract and contract.state != "draft":
                end = contract.date_end
                if contract.termination_date:
                    end = min(end, contract.termination_date)
                ends.append((end, "contract"))
            ends += [
                (day, "extension") for day in unit.extension_ids.mapped("date_end")
            ]
            if ends:
                unit.warranty_end, unit.warranty_source = max(ends)
            else:
                unit.warranty_end, unit.warranty_source = False, "none"

    @api.depends_context("tz")
    @api.depends("warranty_end")
    def _compute_in_warranty(self):
        today = fields.Date.context_today(self)
        for unit in self:
            unit.in_warranty = bool(unit.warranty_end) and unit.warranty_end >= today

    def _search_in_warranty(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        domain = [("warranty_end", ">=", today)]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("product_id")
    def _compute_warranty_texts(self):
        for unit in self:
            template = unit.product_id.product_tmpl_id
            unit.warranty_terms = template.aftersales_warranty_terms or False
            unit.warranty_exclusions = template.aftersales_warranty_exclusions or False

    def _compute_ticket_count(self):
        groups = self.env["aftersales.ticket"]._read_group(
            [("unit_id", "in", self.ids)], ["unit_id"], ["__count"]
        )
        counts = {unit.id: count for unit, count in groups}
        for unit in self:
            unit.ticket_count = counts.get(unit.id, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("product_id", "lot_id", "partner_id")
    def _check_serial(self):
        """A serial-tracked product needs its serial number, the serial number
        belongs to the product, and one serial number is one unit (of one
        customer)."""
        # sudo: units of other customers the user may not read hold the serial too.
        Unit = self.sudo().with_context(active_test=False)
        for unit in self:
            if unit.product_id.tracking == "serial" and not unit.lot_id:
                raise ValidationError(
                    self.env._(
                        "%(product)s is tracked by serial number: give the unit's "
                        "serial number.",
                        product=unit.product_id.display_name,
                    )
                )
            if not unit.lot_id:
                continue
            if unit.lot_id.product_id != unit.product_id:
                raise ValidationError(
                    self.env._(
                        "Serial number %(serial)s is one of %(other)s, not of "
                        "%(product)s.",
                        serial=unit.lot_id.name,
                        other=unit.lot_id.product_id.display_name,
                        product=unit.product_id.display_name,
                    )
                )
            other = Unit.search(
                [("lot_id", "=", unit.lot_id.id), ("id", "!=", unit.id)], limit=1
            )
            if not other:
                continue
            if other.commercial_partner_id != unit.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Serial number %(serial)s already belongs to a unit of "
                        "another customer (%(customer)s): a serial number is one "
                        "unit. Correct the serial number, or transfer the existing "
                        "unit to the new owner.",
                        serial=unit.lot_id.name,
                        customer=other.commercial_partner_id.display_name,
                    )
                )
            raise ValidationError(
                self.env._(
                    "Serial number %(serial)s is already registered for this "
                    "customer: open the existing unit instead.",
                    serial=unit.lot_id.name,
                )
            )

    @api.constrains("site_partner_id", "partner_id")
    def _check_site_partner(self):
        for unit in self.filtered("site_partner_id"):
            if unit.site_partner_id.commercial_partner_id != unit.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "The site address %(site)s is not an address of %(customer)s.",
                        site=unit.site_partner_id.display_name,
                        customer=unit.commercial_partner_id.display_name,
                    )
                )

    @api.constrains("contract_id", "partner_id")
    def _check_contract_customer(self):
        for unit in self.filtered("contract_id"):
            # sudo: the contract's customer, to check the choice.
            contract = unit.contract_id.sudo()
            if (
                contract.contract_type != "customer"
                or contract.partner_id.commercial_partner_id
                != unit.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s is not a contract of %(customer)s: it "
                        "cannot cover their unit.",
                        contract=contract.display_name,
                        customer=unit.commercial_partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions and business methods
    # ------------------------------------------------------------------

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_sla.aftersales_ticket_action"
        )
        action["domain"] = [("unit_id", "=", self.id)]
        action["context"] = {
            "default_unit_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action

    @api.model
    def _find_for_tickets(self, keys):
        """The unit of each ticket, found as contracts are matched: by serial
        number first (case and spaces ignored), else the customer's only unit of
        the product (without a serial number, when the ticket gives one).

        :param keys: iterable of (commercial partner id, product id or False,
            serial number or "")
        :return: {key: aftersales.unit (one or none)}; one search for the batch
        """
        keys = set(keys)
        partner_ids = {key[0] for key in keys if key[0]}
        # sudo: tickets find their unit whoever reports them (portal customers,
        # technicians of other teams).
        units = (
            self.sudo().search([("commercial_partner_id", "in", list(partner_ids))])
            if partner_ids
            else self.sudo().browse()
        )
        by_serial = {}
        by_product = {}
        for unit in units:
            partner_id = unit.commercial_partner_id.id
            if unit.lot_id:
                serial = unit.lot_id.name.strip().casefold()
                by_serial[partner_id, serial] = unit
            by_product.setdefault((partner_id, unit.product_id.id), []).append(unit)
        found = {}
        for key in keys:
            partner_id, product_id, serial = key
            serial = (serial or "").strip().casefold()
            unit = by_serial.get((partner_id, serial)) if serial else None
            if unit is None and product_id:
                # A serial number no unit has may still be the customer's only
                # unit of the product registered without one.
                candidates = [
                    candidate
                    for candidate in by_product.get((partner_id, product_id), [])
                    if not (serial and candidate.lot_id)
                ]
                unit = candidates[0] if len(candidates) == 1 else None
            found[key] = (unit or self.browse()).with_env(self.env)
        return found
