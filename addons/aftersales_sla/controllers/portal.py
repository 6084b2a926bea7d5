import binascii
import re

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request

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

    def _get_http_headers(self, model, report_type, report, download):
        """Downloaded reports of contracts and tickets are named after their
        number (these models have no ``_get_report_base_filename``)."""
        names = {"aftersales.contract": "name", "aftersales.ticket": "number"}
        if model._name not in names:
            return super()._get_http_headers(model, report_type, report, download)
        headers = super()._get_http_headers(model, report_type, report, False)
        if report_type == "pdf" and download:
            filename = re.sub(r"\W+", "_", model[names[model._name]] or model._name)
            headers["Content-Disposition"] = content_disposition(f"{filename}.pdf")
        return headers

    def _aftersales_list_page(
        self, records, domain, url, order, page, values, url_args=None
    ):
        """One page of ``records`` matching ``domain`` with its pager, and the
        portal layout values: the common part of the after-sales list pages.

        :param values: the page's own rendering values (page_name, filters...)
        :return: (the page of records, the rendering values with the pager)
        """
        pager = portal_pager(
            url=url,
            url_args=url_args,
            total=records.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        page_records = records.search(
            domain, order=order, limit=self._items_per_page, offset=pager["offset"]
        )
        layout = self._prepare_portal_layout_values()
        layout.update(values, pager=pager, default_url=url)
        return page_records, layout

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
        contracts, values = self._aftersales_list_page(
            request.env["aftersales.contract"],
            [("state", "!=", "draft")],
            "/my/aftersales/contracts",
            "date_start desc",
            page,
            {"page_name": "aftersales_contract"},
        )
        values["contracts"] = contracts
        return request.render("aftersales_sla.portal_my_aftersales_contracts", values)

    @http.route(
        "/my/aftersales/contracts/<int:contract_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_aftersales_contract(
        self, contract_id, access_token=None, report_type=None, download=False, **kw
    ):
        try:
            contract = self._document_check_access(
                "aftersales.contract", contract_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=contract,
                report_type=report_type,
                report_ref="aftersales_sla.action_report_aftersales_contract",
                download=download,
            )
        values = self._get_page_view_values(
            contract,
            access_token,
            {"contract": contract, "page_name": "aftersales_contract"},
            "my_aftersales_contracts_history",
            False,
        )
        return request.render("aftersales_sla.portal_my_aftersales_contract", values)

    @http.route(
        "/my/aftersales/contracts/<int:contract_id>/statement",
        type="http",
        auth="public",
        website=True,
    )
    def portal_aftersales_contract_statement(
        self, contract_id, access_token=None, period="current", download=False, **kw
    ):
        """The SLA statement of the contract's current or previous penalty period,
        as a PDF."""
        try:
            contract = self._document_check_access(
                "aftersales.contract", contract_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        Statement = request.env["report.aftersales_sla.report_sla_statement"]
        if period == "previous":
            date_from, date_to = Statement._previous_period(contract)
        else:
            date_from, date_to = Statement._current_period(contract)
        Report = (
            request.env["ir.actions.report"].sudo().with_company(contract.company_id)
        )
        pdf = Report._render_qweb_pdf(
            "aftersales_sla.action_report_sla_statement",
            contract.ids,
            data={
                "report_type": "pdf",
                "contract_ids": contract.ids,
                "date_from": fields.Date.to_string(date_from),
                "date_to": fields.Date.to_string(date_to),
            },
        )[0]
        headers = self._get_http_headers(contract, "pdf", pdf, False)
        if download:
            filename = re.sub(r"\W+", "_", f"{contract.name} {date_from.isoformat()}")
            headers["Content-Disposition"] = content_disposition(
                f"SLA_statement_{filename}.pdf"
            )
        return request.make_response(pdf, headers=list(headers.items()))

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
        tickets, values = self._aftersales_list_page(
            Ticket,
            filters.get(filterby, filters["open"])["domain"],
            "/my/aftersales/tickets",
            "reported_at desc",
            page,
            {
                "filterby": filterby,
                "searchbar_filters": filters,
                "page_name": "aftersales_ticket",
            },
            url_args={"filterby": filterby},
        )
        values["tickets"] = tickets
        return request.render("aftersales_sla.portal_my_aftersales_tickets", values)

    @http.route(
        "/my/aftersales/tickets/<int:ticket_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_aftersales_ticket(
        self, ticket_id, access_token=None, report_type=None, download=False, **kw
    ):
        try:
            ticket = self._document_check_access(
                "aftersales.ticket", ticket_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=ticket,
                report_type=report_type,
                report_ref="aftersales_sla.action_report_aftersales_ticket",
                download=download,
            )
        values = self._get_page_view_values(
            ticket,
            access_token,
            {
                "ticket": ticket,
                "page_name": "aftersales_ticket",
                "can_sign": ticket.state == "resolved"
                and ticket.commercial_partner_id
                == request.env.user.commercial_partner_id,
                "message": kw.get("message"),
            },
            "my_aftersales_tickets_history",
            False,
        )
        return request.render("aftersales_sla.portal_my_aftersales_ticket", values)

    @http.route(
        "/my/aftersales/tickets/<int:ticket_id>/accept",
        type="json",
        auth="user",
        website=True,
    )
    def portal_aftersales_ticket_accept(
        self, ticket_id, access_token=None, name=None, signature=None
    ):
        """The customer signs the service report of a resolved ticket (the portal
        signature dialog): the ticket is accepted and closed."""
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            ticket_sudo = self._document_check_access(
                "aftersales.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return {"error": request.env._("Invalid ticket.")}
        ticket = ticket_sudo.with_env(request.env)
        try:
            with request.env.cr.savepoint():
                ticket._portal_sign_and_accept(name, signature)
        except (AccessError, UserError, ValidationError) as error:
            return {"error": str(error)}
        except (TypeError, binascii.Error):
            return {"error": request.env._("Invalid signature data.")}
        pdf = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(ticket_sudo.company_id)
            ._render_qweb_pdf(
                "aftersales_sla.action_report_aftersales_ticket", ticket_sudo.ids
            )[0]
        )
        ticket_sudo.message_post(
            body=request.env._(
                "Service report signed by %(name)s: the service is accepted.",
                name=ticket_sudo.signed_by,
            ),
            attachments=[(f"{ticket_sudo.number}.pdf", pdf)],
            author_id=request.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return {
            "force_refresh": True,
            "redirect_url": ticket_sudo.get_portal_url(query_string="&message=sign_ok"),
        }

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
        contracts = request.env["aftersales.contract"].search(
            [("state", "in", ("active", "suspended"))], order="date_start desc"
        )
        values = self._prepare_portal_layout_values()
        values.update(
            penalties=penalties,
            statement_contracts=contracts,
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
