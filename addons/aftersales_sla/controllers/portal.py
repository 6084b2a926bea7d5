import binascii
import re

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request

from odoo.addons.mail.controllers.attachment import AttachmentController
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

#: Largest file a customer may upload (ticket photos, comments, dispute evidence).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: Largest total a customer may upload to one ticket or penalty, over all requests.
MAX_RECORD_ATTACHMENT_BYTES = 25 * 1024 * 1024
#: Most files in one request.
MAX_UPLOAD_FILES = 10
#: Read uploads in pieces of this size: the limits stop the reading, not the end.
UPLOAD_CHUNK = 64 * 1024


def _uploads_of(thread_model):
    """Models whose customer uploads the portal limits."""
    return thread_model in ("aftersales.ticket", "aftersales.penalty")


def _customer_bytes(env, model, res_id):
    """What customers (portal and public users) uploaded to a record so far."""
    env.cr.execute(
        """SELECT coalesce(sum(a.file_size), 0) FROM ir_attachment a
             JOIN res_users u ON u.id = a.create_uid
            WHERE a.res_model = %s AND a.res_id = %s AND u.share""",
        [model, res_id],
    )
    return env.cr.fetchone()[0]


def read_uploads(env, uploads, used=0):
    """Read customer uploads within the limits, piece by piece.

    The request as a whole is refused from its announced length before anything
    is read; each file is read in pieces and given up at the first byte beyond
    the per-file limit or the record's total (``used`` counts what the record
    holds already), so an oversized upload never ends up in memory. (Werkzeug
    spools uploads over 500 KB to a temporary file while parsing the form.)

    :return: ([(name, content, mimetype)], None) or (None, error message)
    """
    uploads = [upload for upload in uploads if upload.filename]
    if len(uploads) > MAX_UPLOAD_FILES:
        return None, env._("At most %s files at once.", MAX_UPLOAD_FILES)
    length = request.httprequest.content_length or 0
    if length > MAX_RECORD_ATTACHMENT_BYTES - used + 64 * 1024:
        return None, env._(
            "The files are too large: at most 10 MB each and 25 MB in all for one "
            "ticket or penalty."
        )
    files, total = [], used
    for upload in uploads:
        chunks, size = [], 0
        while True:
            chunk = upload.stream.read(UPLOAD_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_ATTACHMENT_BYTES:
                return None, env._("%s is larger than 10 MB.", upload.filename)
            if total + size > MAX_RECORD_ATTACHMENT_BYTES:
                return None, env._(
                    "The files are too large: at most 10 MB each and 25 MB in all "
                    "for one ticket or penalty."
                )
            chunks.append(chunk)
        total += size
        files.append((upload.filename, b"".join(chunks), upload.mimetype))
    return files, None


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
        """Downloaded service reports of tickets are named after the ticket's
        number (the ticket has no ``_get_report_base_filename``)."""
        names = {"aftersales.ticket": "number"}
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
        # sudo: portal customers cannot read report actions; the contract is theirs
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
                # Not "!= closed": that reads every ticket of the customer's history
                # (no index serves it); the few open and resolved ones come from the
                # state index, whatever the history.
                "domain": [("state", "in", ["open", "resolved"])],
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
            if not ticket._has_service_report():
                # Nothing to report yet: the ticket's page says so, rather than
                # an empty report.
                return request.redirect(
                    ticket.get_portal_url(query_string="&message=no_report")
                )
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
                and not ticket.signed_on
                and ticket.commercial_partner_id
                == request.env.user.commercial_partner_id,
                "has_report": ticket._has_service_report(),
                "photos": ticket._portal_photos(),
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
            service_types=request.env["aftersales.service.type"].search([]),
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
        service_type = request.env["aftersales.service.type"]
        if post.get("service_type_id"):
            try:
                service_type = service_type.browse(
                    int(post["service_type_id"])
                ).exists()
            except ValueError:
                service_type = service_type.browse()
            if not service_type:
                errors.append(request.env._("Unknown service type."))
        files = []
        if not errors:
            files, error = read_uploads(
                request.env, request.httprequest.files.getlist("attachments")
            )
            if error:
                errors.append(error)
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
                # sudo: the portal form creates the ticket, its values checked above
                ticket = (
                    request.env["aftersales.ticket"]
                    .sudo()
                    .with_context(mail_create_nosubscribe=True)
                    .create(values)
                )
                ticket.message_subscribe(partner_ids=request.env.user.partner_id.ids)
                # sudo: the photos of the ticket just created
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

    def _penalty_page_errors(self):
        """The messages the penalties page shows for an ``?error=`` code: the page
        never echoes text from its URL."""
        return {
            "reason": request.env._("Say why you dispute this penalty."),
            "refused": request.env._(
                "The dispute could not be recorded: the penalty may no longer be "
                "open to dispute."
            ),
        }

    @http.route("/my/aftersales/penalties", type="http", auth="user", website=True)
    def portal_my_aftersales_penalties(self, error=None, **kw):
        if error and error not in self._penalty_page_errors():
            # An unknown code is dropped from the address too: the language
            # selector's links would otherwise carry the forged text along.
            return request.redirect("/my/aftersales/penalties")
        return self._render_penalties(
            error=self._penalty_page_errors().get(error), disputed=kw.get("disputed")
        )

    def _render_penalties(self, error=None, disputed=None):
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
            disputed=disputed,
            error=error,
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
            return request.redirect_query(
                "/my/aftersales/penalties", {"error": "reason"}
            )
        files, error = read_uploads(
            request.env,
            request.httprequest.files.getlist("attachments"),
            used=_customer_bytes(request.env, "aftersales.penalty", penalty.id),
        )
        if error:
            return self._render_penalties(error=error)
        try:
            with request.env.cr.savepoint():
                # sudo: the dispute's documents, the penalty checked above
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
            # Rendered, not redirected: the message is the server's, not the URL's.
            return self._render_penalties(error=str(error))
        return request.redirect_query("/my/aftersales/penalties", {"disputed": 1})

    # ------------------------------------------------------------------
    # Uploads from the chatter (comments with files)
    # ------------------------------------------------------------------


class AftersalesAttachmentController(AttachmentController):
    @http.route()
    def mail_attachment_upload(
        self, ufile, thread_id, thread_model, is_pending=False, **kwargs
    ):
        """Customers' files on a ticket's or penalty's chatter keep the portal's
        limits (per file and per record), checked while reading."""
        user = request.env.user
        if _uploads_of(thread_model) and user.share:
            try:
                res_id = int(thread_id)
            except (TypeError, ValueError):
                res_id = 0
            _files, error = read_uploads(
                request.env,
                [ufile],
                used=_customer_bytes(request.env, thread_model, res_id),
            )
            if error:
                return request.make_json_response({"error": error}, status=413)
            ufile.stream.seek(0)
        return super().mail_attachment_upload(
            ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
        )
