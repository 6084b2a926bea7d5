"""The customer's units of the installed base on the portal, and the coverage,
quotations and invoices on the ticket's page.

Portal users read their commercial partner's units only (record rule); a unit
that is not theirs, or does not exist, is "not found" alike. The quotations link to
Odoo's own quotation page (signing, payment) with its access token.
"""

from urllib.parse import urlencode

from odoo import fields, http
from odoo.exceptions import AccessError
from odoo.http import request

from odoo.addons.aftersales_sla.controllers.portal import AftersalesPortal


class AftersalesRepairPortal(AftersalesPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "aftersales_unit_count" in counters:
            Unit = request.env["aftersales.unit"]
            values["aftersales_unit_count"] = (
                Unit.search_count([]) if Unit.has_access("read") else 0
            )
        return values

    def _get_page_view_values(
        self, document, access_token, values, session_history, no_breadcrumbs, **kwargs
    ):
        if document._name == "aftersales.ticket":
            values.update(self._aftersales_ticket_repair_values(document))
        return super()._get_page_view_values(
            document, access_token, values, session_history, no_breadcrumbs, **kwargs
        )

    def _aftersales_ticket_repair_values(self, ticket):
        """The quotations and invoices of the ticket's repair orders, for its
        page: quotations sent or approved (never a draft the customer was not
        sent), posted invoices."""
        # sudo: the ticket's customer reads the quotations and invoices of its
        # repairs (Odoo's own pages then check the access token of each).
        repairs = ticket.sudo().repair_ids.filtered(lambda r: r.state != "cancel")
        orders = repairs.sale_order_id.filtered(lambda o: o.state in ("sent", "sale"))
        invoices = orders.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
        )
        return {
            "repair_quotations": [
                {"order": order, "status": self._aftersales_quotation_status(order)}
                for order in orders
            ],
            "repair_invoices": invoices,
        }

    def _aftersales_quotation_status(self, order):
        """What the customer has to do with a quotation: (code, label)."""
        env = request.env
        if order.state == "sale":
            if order.signed_by:
                return "signed", env._("Signed")
            return "approved", env._("Approved")
        if order.is_expired:
            return "expired", env._("Expired")
        return "to_sign", env._("To sign")

    # ------------------------------------------------------------------
    # Units
    # ------------------------------------------------------------------

    @http.route(
        ["/my/units", "/my/units/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_units(self, page=1, **kw):
        Unit = request.env["aftersales.unit"]
        if not Unit.has_access("read"):
            return request.redirect("/my")
        units, values = self._aftersales_list_page(
            Unit,
            [],
            "/my/units",
            "installation_date desc, id desc",
            page,
            {"page_name": "aftersales_unit"},
        )
        # sudo: the units found are the user's (record rule); their product, serial
        # number and site are shown without the Inventory rights.
        values["units"] = units.sudo()
        values["today"] = fields.Date.context_today(units)
        return request.render("aftersales_repair.portal_my_units", values)

    @http.route("/my/units/<int:unit_id>", type="http", auth="user", website=True)
    def portal_my_unit(self, unit_id, **kw):
        unit = request.env["aftersales.unit"].browse(unit_id).exists()
        try:
            unit.check_access("read")
        except AccessError:
            unit = unit.browse()
        if not unit:
            # Another customer's unit is not found, as a unit that does not exist.
            raise request.not_found()
        tickets = request.env["aftersales.ticket"].search(
            [("unit_id", "=", unit.id)], order="reported_at desc"
        )
        # sudo: the unit was checked to be the customer's (not found above otherwise)
        unit_sudo = unit.sudo()
        # Reporting a problem from the unit's page names it (and its contract).
        query = {"serial_number": unit_sudo.lot_id.name or ""}
        if unit_sudo.contract_id.state == "active":
            query["contract_id"] = unit_sudo.contract_id.id
        values = self._prepare_portal_layout_values()
        values.update(
            new_ticket_url="/my/aftersales/tickets/new?" + urlencode(query),
            # sudo: the unit is the user's (checked above); its product, serial
            # number, site and extensions are shown without the Inventory rights.
            unit=unit_sudo,
            tickets=tickets,
            today=fields.Date.context_today(unit),
            page_name="aftersales_unit",
        )
        return request.render("aftersales_repair.portal_my_unit", values)
