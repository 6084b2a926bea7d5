from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class AftersalesSettlementPortal(CustomerPortal):
    """A service partner's settlement statements on its portal: the confirmed
    and billed ones of its contracts (record rules), and its disputes of
    lines."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "aftersales_settlement_count" in counters:
            Settlement = request.env["aftersales.partner.settlement"]
            values["aftersales_settlement_count"] = (
                Settlement.search_count([]) if Settlement.has_access("read") else 0
            )
        return values

    def _settlement_page_errors(self):
        """The messages the statement shows for an ``?error=`` code: the page
        never echoes text from its URL."""
        return {
            "reason": request.env._("Say why you dispute this line."),
            "refused": request.env._(
                "The dispute could not be recorded: the line may no longer be open "
                "to dispute."
            ),
        }

    @http.route("/my/settlements", type="http", auth="user", website=True)
    def portal_my_settlements(self, **kw):
        Settlement = request.env["aftersales.partner.settlement"]
        settlements = (
            Settlement.search([], order="date_from desc, id desc")
            if Settlement.has_access("read")
            else Settlement
        )
        values = self._prepare_portal_layout_values()
        values.update(settlements=settlements, page_name="aftersales_settlement")
        return request.render("aftersales_field.portal_my_settlements", values)

    def _get_settlement(self, settlement_id):
        """The settlement if the user may read it (record rules), else None."""
        settlement = request.env["aftersales.partner.settlement"].browse(settlement_id)
        try:
            settlement.check_access("read")
            if not settlement.exists():
                return None
        except (AccessError, MissingError):
            return None
        return settlement

    @http.route(
        "/my/settlements/<int:settlement_id>", type="http", auth="user", website=True
    )
    def portal_my_settlement(self, settlement_id, error=None, disputed=None, **kw):
        settlement = self._get_settlement(settlement_id)
        if not settlement:
            return request.redirect("/my")
        errors = self._settlement_page_errors()
        if error and error not in errors:
            return request.redirect(f"/my/settlements/{settlement.id}")
        return self._render_settlement(
            settlement, error=errors.get(error), disputed=disputed
        )

    def _render_settlement(self, settlement, error=None, disputed=None):
        # sudo: the jobs' numbers and the bill's state only; the partner's
        # portal users do not read the customer's tickets nor our bills.
        tickets = {
            line.id: line.sudo().ticket_id.number or "" for line in settlement.line_ids
        }
        values = self._prepare_portal_layout_values()
        # sudo: the bill's state and number only, not the vendor bill itself
        values.update(
            settlement=settlement,
            ticket_numbers=tickets,
            bill_state=settlement.sudo().move_id.state,
            bill_name=settlement.sudo().move_id.name,
            page_name="aftersales_settlement",
            error=error,
            disputed=disputed,
        )
        return request.render("aftersales_field.portal_my_settlement", values)

    @http.route(
        "/my/settlements/<int:settlement_id>/lines/<int:line_id>/dispute",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_settlement_line_dispute(
        self, settlement_id, line_id, reason=None, **post
    ):
        settlement = self._get_settlement(settlement_id)
        if not settlement:
            return request.redirect("/my")
        line = settlement.line_ids.filtered(lambda rec: rec.id == line_id)
        if not line:
            return request.redirect("/my")
        url = f"/my/settlements/{settlement.id}"
        if not (reason or "").strip():
            return request.redirect_query(url, {"error": "reason"})
        try:
            with request.env.cr.savepoint():
                line.action_dispute(reason)
        except (UserError, AccessError) as error:
            # Rendered, not redirected: the message is the server's, not the URL's.
            return self._render_settlement(settlement, error=str(error))
        return request.redirect_query(url, {"disputed": 1})
