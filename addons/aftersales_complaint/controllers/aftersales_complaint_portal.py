from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.aftersales_sla.controllers.portal import AftersalesPortal

#: Messages the ticket page shows after a complaint action (by code: the page
#: never echoes text from its URL).
COMPLAINT_MESSAGES = ("complaint_filed", "complaint_confirmed", "complaint_rejected")


class AftersalesComplaintPortal(AftersalesPortal):
    """Complaints on the portal: a customer files one (about one of their
    tickets, or in general) and the complainant confirms or rejects its outcome."""

    @http.route()
    def portal_my_aftersales_ticket(
        self, ticket_id, access_token=None, report_type=None, download=False, **kw
    ):
        response = super().portal_my_aftersales_ticket(
            ticket_id,
            access_token=access_token,
            report_type=report_type,
            download=download,
            **kw,
        )
        qcontext = getattr(response, "qcontext", None)
        ticket = qcontext and qcontext.get("ticket")
        if not ticket:
            return response
        user = request.env.user
        own = (
            not user._is_public()
            and ticket.commercial_partner_id == user.commercial_partner_id
        )
        if ticket.is_complaint:
            # A complaint ends with the complainant's confirmation, not a signature.
            qcontext["can_sign"] = False
        qcontext.update(
            can_complain=own and not ticket.is_complaint and user.share,
            complaint_can_answer=ticket.is_complaint
            and ticket.complaint_state == "answered"
            and not user._is_public()
            and ticket._complaint_is_complainant(user),
            complaint_message=kw.get("message")
            if kw.get("message") in COMPLAINT_MESSAGES
            else False,
        )
        return response

    def _complaint_tickets(self):
        """The tickets the user may complain about: their customer's, not
        complaints themselves."""
        user = request.env.user
        return request.env["aftersales.ticket"].search(
            [
                ("is_complaint", "=", False),
                ("commercial_partner_id", "=", user.commercial_partner_id.id),
            ],
            order="reported_at desc",
            limit=200,
        )

    @http.route(
        "/my/aftersales/complaints/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_aftersales_complaint_new(self, **post):
        tickets = self._complaint_tickets()
        categories = request.env["aftersales.complaint.category"].search([])
        errors = []
        if request.httprequest.method == "POST":
            complaint, errors = self._create_portal_complaint(tickets, categories, post)
            if complaint:
                return request.redirect(
                    complaint.get_portal_url(query_string="&message=complaint_filed")
                )
        values = self._prepare_portal_layout_values()
        values.update(
            tickets=tickets,
            categories=categories,
            errors=errors,
            post=post,
            selected_ticket=post.get("ticket_id") or request.params.get("ticket_id"),
            page_name="aftersales_complaint_new",
        )
        return request.render(
            "aftersales_complaint.portal_aftersales_complaint_new", values
        )

    def _portal_id(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0

    def _create_portal_complaint(self, tickets, categories, post):
        env = request.env
        errors = []
        subject = (post.get("name") or "").strip()
        if not subject:
            errors.append(env._("Say in a few words what you complain about."))
        category = categories.filtered(
            lambda c: c.id == self._portal_id(post.get("category_id"))
        )
        if not category:
            errors.append(env._("Choose what your complaint is about."))
        complained = env["aftersales.ticket"]
        if post.get("ticket_id"):
            complained = tickets.filtered(
                lambda t: t.id == self._portal_id(post["ticket_id"])
            )
            if not complained:
                errors.append(
                    env._(
                        "That ticket is not one of yours: you can only complain "
                        "about your own tickets."
                    )
                )
        if errors:
            return None, errors
        user = env.user
        partner = user.commercial_partner_id
        values = {
            "name": subject,
            "partner_id": partner.id,
            "contact_id": user.partner_id.id if user.partner_id != partner else False,
            "description": post.get("description") or False,
            "channel": "portal",
            "service_type_id": env.ref("aftersales_sla.service_type_complaint").id,
            "complaint_category_id": category.id,
            "complaint_ticket_id": complained.id,
            "company_id": (complained.company_id or env.company).id,
        }
        if complained:
            # sudo: the complained ticket's contract, which the complaint runs on.
            values["contract_id"] = complained.sudo().contract_id.id
        try:
            with env.cr.savepoint():
                # sudo: portal users never create tickets themselves; what they
                # named was checked to be theirs above.
                complaint = (
                    env["aftersales.ticket"]
                    .sudo()
                    .with_context(mail_create_nosubscribe=True)
                    .create(values)
                )
                complaint.message_subscribe(partner_ids=user.partner_id.ids)
        except (UserError, ValidationError) as error:
            return None, [str(error)]
        return complaint.with_env(env), []

    def _complaint_answer(self, ticket_id, answer, **post):
        try:
            ticket_sudo = self._document_check_access("aftersales.ticket", ticket_id)
        except (AccessError, MissingError):
            raise request.not_found() from None
        ticket = ticket_sudo.with_env(request.env)
        try:
            with request.env.cr.savepoint():
                if answer == "confirm":
                    ticket._complaint_confirm_by_customer()
                else:
                    ticket._complaint_reject_by_customer(post.get("reason"))
        except (AccessError, UserError, ValidationError) as error:
            values = self._prepare_portal_layout_values()
            values.update(ticket=ticket_sudo, error=str(error))
            return request.render(
                "aftersales_complaint.portal_aftersales_complaint_error",
                values,
                status=403 if isinstance(error, AccessError) else 400,
            )
        message = "complaint_confirmed" if answer == "confirm" else "complaint_rejected"
        return request.redirect(
            ticket_sudo.get_portal_url(query_string=f"&message={message}")
        )

    @http.route(
        "/my/aftersales/complaints/<int:ticket_id>/confirm",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_aftersales_complaint_confirm(self, ticket_id, **post):
        return self._complaint_answer(ticket_id, "confirm", **post)

    @http.route(
        "/my/aftersales/complaints/<int:ticket_id>/reject",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_aftersales_complaint_reject(self, ticket_id, **post):
        return self._complaint_answer(ticket_id, "reject", **post)
