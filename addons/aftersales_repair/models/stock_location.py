"""Stock locations of spare parts: a technician's van, a service partner's stock,
and the company's faulty parts kept for the manufacturers' warranty claims."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

STOCK_MANAGER_GROUP = "stock.group_stock_manager"
MANAGER_GROUP = "aftersales_sla.group_aftersales_manager"


class StockLocation(models.Model):
    _inherit = "stock.location"

    aftersales_holder_user_ids = fields.Many2many(
        "res.users",
        "aftersales_stock_location_holder_rel",
        "location_id",
        "user_id",
        string="Held by Technicians",
        help="The technicians who hold this location (their van): the spare parts "
        "they use on their tickets come from it.",
    )
    aftersales_faulty_parts = fields.Boolean(
        string="Faulty Parts (Warranty Claims)",
        readonly=True,
        copy=False,
        help="The parts removed on tickets' repairs wait here until they are "
        "returned to their manufacturer for its warranty claim.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("aftersales_holder_user_ids") for vals in vals_list):
            self._aftersales_check_holders_manager()
        return super().create(vals_list)

    def write(self, vals):
        if "aftersales_holder_user_ids" in vals:
            self._aftersales_check_holders_manager()
        return super().write(vals)

    @api.model
    def _aftersales_check_holders_manager(self):
        """Who holds a location decides where a technician takes parts from:
        Inventory or After-Sales managers set it."""
        user = self.env.user
        if not (
            self.env.su
            or user.has_group(MANAGER_GROUP)
            or user.has_group(STOCK_MANAGER_GROUP)
        ):
            raise AccessError(
                self.env._(
                    "Only Inventory or After-Sales managers set who holds a "
                    "location (the technicians' vans and the service partners' "
                    "stock)."
                )
            )

    @api.model
    def _aftersales_held_by(self, user):
        """The internal locations ``user`` takes spare parts from: those he holds
        (his van), his service partner's and their sublocations. A manager (of
        After-Sales or Inventory) takes them from any internal location."""
        # sudo: which locations a technician holds, whatever he may read.
        Location = self.sudo()
        domain = [("usage", "=", "internal")]
        if (
            user._is_superuser()
            or user.has_group(MANAGER_GROUP)
            or user.has_group(STOCK_MANAGER_GROUP)
        ):
            return Location.search(domain)
        held = Location.search([("aftersales_holder_user_ids", "in", user.ids)])
        # sudo: the technician's partner company, whoever asks
        partner = user.sudo().partner_id.commercial_partner_id
        held |= partner.aftersales_stock_location_id
        if not held:
            return Location
        return Location.search(domain + [("id", "child_of", held.ids)])

    @api.model
    def _aftersales_faulty_location(self, company):
        """The company's location of faulty parts (made the first time)."""
        # sudo: a technician's removed parts go there without Inventory rights.
        Location = self.sudo().with_company(company)
        location = Location.search(
            [("aftersales_faulty_parts", "=", True), ("company_id", "=", company.id)],
            limit=1,
        )
        if location:
            return location
        # sudo: the company's warehouse, which technicians cannot read
        warehouse = (
            self.env["stock.warehouse"]
            .sudo()
            .search([("company_id", "=", company.id)], limit=1)
        )
        return Location.create(
            {
                "name": self.env._("Faulty Parts (Warranty Claims)"),
                "usage": "internal",
                "location_id": warehouse.view_location_id.id or False,
                "company_id": company.id,
                "aftersales_faulty_parts": True,
            }
        )
