"""The quotations of tickets on Odoo's sale portal: an expired one says why it
cannot be signed."""

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal


class AftersalesCustomerPortal(CustomerPortal):
    @http.route()
    def portal_quote_accept(
        self, order_id, access_token=None, name=None, signature=None
    ):
        """A ticket's expired quotation: the customer reads why he cannot sign
        it (Odoo's own message says only that it needs no signature)."""
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            order_sudo = None
        if order_sudo:
            try:
                order_sudo._aftersales_check_not_expired()
            except UserError as error:
                return {"error": error.args[0]}
        return super().portal_quote_accept(
            order_id, access_token=access_token, name=name, signature=signature
        )
