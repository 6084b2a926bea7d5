from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

#: Largest attachment a customer may upload with a ticket.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class AftersalesPortal(CustomerPortal):
    """Customers' contracts and tickets, with SLA deadlines, on the portal.

    Portal users only read tickets (record rules: their commercial partner's); a
    ticket they submit is created here, as the system, after checking that the
    contract, product and everything else they named is theirs.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Contract = request.env["aftersales.contract"]
        Ticket = request.env["aftersales.ticket"]
        if "aftersales_contract_count" in counters:
            values["aftersales_contract_count"] = (
                Contract.search_count([]) if Contract.has_access("read") else 0
            )
        if "aftersales_penalty_count" in counters:
            Penalty = request.env["aftersales.penalty"]
            values["aftersales_penalty_count"] = (
                Penalty.search_count([("state", "!=", "waived")])
                if Penalty.has_access("read")
                else 0
            )
        if "aftersales_ticket_count" in counters:
            values["aftersales_ticket_count"] = (
                Ticket.search_count([]) if Ticket.has_access("read") else 0
            )
        return values

    # ------------------------------------------------------------------
    # Contracts
    # ------------------------------------------------------------------

    @http.route(
        ["/my/aftersales/contracts", "/my/aftersales/contracts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_aftersales_contracts(self, page=1, **kw):
        Contract = request.env["aftersales.contract"]
        domain = [("state", "!=", "draft")]
        total = Contract.search_count(domain)
        pager = portal_pager(
            url="/my/aftersales/contracts",
            total=total,
            page=page,
            step=self._items_per_page,
        )
        contracts = Contract.search(
            domain,
            order="date_start desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            contracts=contracts,
            pager=pager,
            page_name="aftersales_contract",
            default_url="/my/aftersales/contracts",
        )
        return request.render("aftersales_sla.portal_my_aftersales_contracts", values)

    @http.route(
        "/my/aftersales/contracts/<int:contract_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_aftersales_contract(self, contract_id, access_token=None, **kw):
        try:
            contract = self._document_check_access(
                "aftersales.contract", contract_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            contract,
            access_token,
            {"contract": contract, "page_name": "aftersales_contract"},
            "my_aftersales_contracts_history",
            False,
        )
        return request.render("aftersales_sla.portal_my_aftersales_contract", values)

    # ------------------------------------------------------------------
    # Tickets
    # ------------------------------------------------------------------

    @http.route(
        ["/my/aftersales/tickets", "/my/aftersales/tickets/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_aftersales_tickets(self, page=1, filterby="open", **kw):
        Ticket = request.env["aftersales.ticket"]
        filters = {
            "open": {
                "label": request.env._("Open"),
                "domain": [("state", "!=", "closed")],
            },
            "all": {"label": request.env._("All"), "domain": []},
        }
        domain = filters.get(filterby, filters["open"])["domain"]
        total = Ticket.search_count(domain)
        pager = portal_pager(
            url="/my/aftersales/tickets",
            url_args={"filterby": filterby},
            total=total,
            page=page,
            step=self._items_per_page,
        )
        tickets = Ticket.search(
            domain,
            order="reported_at desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            tickets=tickets,
            pager=pager,
            filterby=filterby,
            searchbar_filters=filters,
            page_name="aftersales_ticket",
            default_url="/my/aftersales/tickets",
        )
        return request.render("aftersales_sla.portal_my_aftersales_tickets", values)

    @http.route(
        "/my/aftersales/tickets/<int:ticket_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_aftersales_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket = self._document_check_access(
                "aftersales.ticket", ticket_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            ticket,
            access_token,
            {"ticket": ticket, "page_name": "aftersales_ticket"},
            "my_aftersales_tickets_history",
            False,
        )
        return request.render("aftersales_sla.portal_my_aftersales_ticket", values)

    @http.route(
        "/my/aftersales/tickets/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_aftersales_ticket_new(self, **post):
        partner = request.env.user.partner_id.commercial_partner_id
        contracts = request.env["aftersales.contract"].search(
            [("state", "=", "active"), ("contract_type", "=", "customer")]
        )
        errors = []
        if request.httprequest.method == "POST":
            ticket, errors = self._create_portal_ticket(partner, contracts, post)
            if ticket:
                return request.redirect(ticket.access_url)
        values = self._prepare_portal_layout_values()
        values.update(
            contracts=contracts,
            service_types=request.env["aftersales.service.type"].sudo().search([]),
            errors=errors,
            post=post,
            page_name="aftersales_ticket_new",
        )
        return request.render("aftersales_sla.portal_aftersales_ticket_new", values)

    def _create_portal_ticket(self, partner, contracts, post):
        errors = []
        subject = (post.get("name") or "").strip()
        if not subject:
            errors.append(request.env._("Say in a few words what the problem is."))
        contract = request.env["aftersales.contract"]
        if post.get("contract_id"):
            try:
                contract = contracts.filtered(
                    lambda c: c.id == int(post["contract_id"])
                )
            except ValueError:
                contract = contract.browse()
            if not contract:
                errors.append(request.env._("That contract is not one of yours."))
        service_type = request.env["aftersales.service.type"].sudo()
        if post.get("service_type_id"):
            try:
                service_type = service_type.browse(
                    int(post["service_type_id"])
                ).exists()
            except ValueError:
                service_type = service_type.browse()
            if not service_type:
                errors.append(request.env._("Unknown service type."))
        uploads = request.httprequest.files.getlist("attachments")
        files = []
        for upload in uploads:
            if not upload.filename:
                continue
            content = upload.read()
            if len(content) > MAX_ATTACHMENT_BYTES:
                errors.append(
                    request.env._("%s is larger than 10 MB.", upload.filename)
                )
            files.append((upload.filename, content, upload.mimetype))
        if errors:
            return None, errors
        values = {
            "name": subject,
            "partner_id": partner.id,
            "contact_id": request.env.user.partner_id.id
            if request.env.user.partner_id != partner
            else False,
            "description": post.get("description") or False,
            "serial_number": (post.get("serial_number") or "").strip() or False,
            "channel": "portal",
            "company_id": (contract.company_id or request.env.company).id,
        }
        if contract:
            values["contract_id"] = contract.id
        if service_type:
            values["service_type_id"] = service_type.id
        try:
            with request.env.cr.savepoint():
                ticket = (
                    request.env["aftersales.ticket"]
                    .sudo()
                    .with_context(mail_create_nosubscribe=True)
                    .create(values)
                )
                ticket.message_subscribe(partner_ids=request.env.user.partner_id.ids)
                request.env["ir.attachment"].sudo().create(
                    [
                        {
                            "name": name,
                            "raw": content,
                            "mimetype": mimetype,
                            "res_model": "aftersales.ticket",
                            "res_id": ticket.id,
                        }
                        for name, content, mimetype in files
                    ]
                )
        except ValidationError as error:
            return None, [str(error)]
        return ticket.with_env(request.env), []

    # ------------------------------------------------------------------
    # Penalties and disputes
    # ------------------------------------------------------------------

    @http.route("/my/aftersales/penalties", type="http", auth="user", website=True)
    def portal_my_aftersales_penalties(self, **kw):
        penalties = request.env["aftersales.penalty"].search(
            [("parent_id", "=", False)], order="assessed_at desc"
        )
        values = self._prepare_portal_layout_values()
        values.update(
            penalties=penalties,
            page_name="aftersales_penalty",
            disputed=kw.get("disputed"),
            error=kw.get("error"),
        )
        return request.render("aftersales_sla.portal_my_aftersales_penalties", values)

    @http.route(
        "/my/aftersales/penalties/<int:penalty_id>/dispute",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_aftersales_penalty_dispute(self, penalty_id, reason=None, **post):
        penalty = request.env["aftersales.penalty"].browse(penalty_id).exists()
        try:
            penalty.check_access("read")
        except AccessError:
            return request.redirect("/my")
        if not penalty:
            return request.redirect("/my")
        reason = (reason or "").strip()
        if not reason:
            return request.redirect(
                "/my/aftersales/penalties?error="
                + request.env._("Say why you dispute this penalty.")
            )
        files = []
        for upload in request.httprequest.files.getlist("attachments"):
            if upload.filename:
                content = upload.read()
                if len(content) > MAX_ATTACHMENT_BYTES:
                    return request.redirect(
                        "/my/aftersales/penalties?error="
                        + request.env._("%s is larger than 10 MB.", upload.filename)
                    )
                files.append((upload.filename, content, upload.mimetype))
        try:
            with request.env.cr.savepoint():
                attachments = (
                    request.env["ir.attachment"]
                    .sudo()
                    .create(
                        [
                            {
                                "name": name,
                                "raw": content,
                                "mimetype": mimetype,
                                "res_model": "aftersales.penalty",
                                "res_id": penalty.id,
                            }
                            for name, content, mimetype in files
                        ]
                    )
                )
                penalty.action_dispute(reason, attachments)
        except (UserError, ValidationError, AccessError) as error:
            return request.redirect("/my/aftersales/penalties?error=" + str(error))
        return request.redirect("/my/aftersales/penalties?disputed=1")
