"""The service partner's portal: the jobs (tickets) assigned to the partner's
company, and the actions its users take on them (/my/partner-jobs)."""

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.aftersales_sla.controllers.portal import (
    AftersalesPortal,
    _customer_bytes,
    read_uploads,
)

from ..models.aftersales_ticket_partner import PARTNER_PORTAL_ACTIONS

JOBS_URL = "/my/partner-jobs"


class AftersalesPartnerPortal(AftersalesPortal):
    def _partner_portal_commercial(self):
        """The user's company when it is a service partner (else None)."""
        user = request.env.user
        commercial = user.partner_id.commercial_partner_id
        if user.share and commercial.is_aftersales_service_partner:
            return commercial
        return None

    def _partner_jobs_domain(self, commercial):
        return [("service_partner_id", "child_of", commercial.id)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "aftersales_partner_job_count" in counters:
            commercial = self._partner_portal_commercial()
            values["aftersales_partner_job_count"] = (
                request.env["aftersales.ticket"].search_count(
                    self._partner_jobs_domain(commercial) + [("state", "=", "open")]
                )
                if commercial
                else 0
            )
        if "aftersales_ticket_count" in counters and request.env.user.share:
            # A partner's users read the tickets assigned to their company: the
            # customer's pages count and list only the company's own.
            values["aftersales_ticket_count"] = request.env[
                "aftersales.ticket"
            ].search_count(self._own_tickets_domain())
        return values

    def _own_tickets_domain(self):
        return [
            (
                "commercial_partner_id",
                "=",
                request.env.user.partner_id.commercial_partner_id.id,
            )
        ]

    def _aftersales_list_page(
        self, records, domain, url, order, page, values, url_args=None
    ):
        if (
            records._name == "aftersales.ticket"
            and url == "/my/aftersales/tickets"
            and request.env.user.share
        ):
            domain = list(domain) + self._own_tickets_domain()
        return super()._aftersales_list_page(
            records, domain, url, order, page, values, url_args=url_args
        )

    @http.route()
    def portal_my_aftersales_ticket(
        self, ticket_id, access_token=None, report_type=None, download=False, **kw
    ):
        # A partner's user opening a job by the customer's address sees the
        # partner's page (not the customer's contract, SLA or sign-off).
        user = request.env.user
        if user.share and not access_token:
            ticket = request.env["aftersales.ticket"].browse(ticket_id).exists()
            if (
                ticket
                and ticket.has_access("read")
                and ticket.commercial_partner_id
                != user.partner_id.commercial_partner_id
            ):
                return request.redirect(f"{JOBS_URL}/{ticket.id}")
        return super().portal_my_aftersales_ticket(
            ticket_id,
            access_token=access_token,
            report_type=report_type,
            download=download,
            **kw,
        )

    # ------------------------------------------------------------------
    # The partner's jobs
    # ------------------------------------------------------------------

    def _partner_job_filters(self):
        return {
            "open": {
                "label": request.env._("Open"),
                "domain": [("state", "=", "open")],
            },
            "resolved": {
                "label": request.env._("Resolved"),
                "domain": [("state", "in", ("resolved", "closed"))],
            },
            "all": {"label": request.env._("All"), "domain": []},
        }

    @http.route(
        [JOBS_URL, f"{JOBS_URL}/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_partner_jobs(self, page=1, filterby="open", **kw):
        commercial = self._partner_portal_commercial()
        if not commercial:
            return request.redirect("/my")
        filters = self._partner_job_filters()
        if filterby not in filters:
            filterby = "open"
        tickets, values = self._aftersales_list_page(
            request.env["aftersales.ticket"],
            self._partner_jobs_domain(commercial) + filters[filterby]["domain"],
            JOBS_URL,
            "reported_at desc",
            page,
            {
                "filterby": filterby,
                "searchbar_filters": filters,
                "page_name": "aftersales_partner_job",
            },
            url_args={"filterby": filterby},
        )
        values["tickets"] = tickets
        return request.render("aftersales_field.portal_my_partner_jobs", values)

    def _partner_job(self, ticket_id):
        """The job ``ticket_id`` of the user's company, or None."""
        commercial = self._partner_portal_commercial()
        if not commercial:
            return None
        ticket = request.env["aftersales.ticket"].search(
            self._partner_jobs_domain(commercial) + [("id", "=", ticket_id)]
        )
        return ticket or None

    def _partner_job_errors(self):
        """The messages of ``?error=`` codes: the page never echoes its URL."""
        return {
            "photos": request.env._(
                "Add at least one photo of the site to record the arrival."
            ),
            "note": request.env._("Say what was done to resolve the problem."),
            "report": request.env._("Choose the signed service report to upload."),
        }

    @http.route(f"{JOBS_URL}/<int:ticket_id>", type="http", auth="user", website=True)
    def portal_my_partner_job(self, ticket_id, message=None, error=None, **kw):
        ticket = self._partner_job(ticket_id)
        if not ticket:
            raise request.not_found()
        return self._render_partner_job(
            ticket, message=message, error=self._partner_job_errors().get(error)
        )

    def _partner_job_parts(self, ticket):
        """The parts the partner holds in its stock location (for the form)."""
        location = ticket._partner_portal_stock()
        if not location:
            return request.env["product.product"]
        # sudo: the partner's own stock, which its portal users cannot read.
        quants = (
            request.env["stock.quant"]
            .sudo()
            .search(
                [("location_id", "child_of", location.id), ("quantity", ">", 0)],
                limit=200,
            )
        )
        return quants.product_id

    def _render_partner_job(self, ticket, message=None, error=None):
        # sudo: what the partner needs of a job of his company (the site, the
        # deadlines), read after checking the ticket is one (record rules).
        ticket_sudo = ticket.sudo()
        # sudo: the partner company's technicians, which a portal user cannot search
        technicians = (
            request.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", True),
                    (
                        "partner_id.commercial_partner_id",
                        "=",
                        request.env.user.partner_id.commercial_partner_id.id,
                    ),
                ]
            )
        )
        values = self._prepare_portal_layout_values()
        values.update(
            ticket=ticket,
            ticket_sudo=ticket_sudo,
            site=ticket._partner_portal_site(),
            sla_lines=ticket_sudo.sla_ids.filtered(
                lambda line: line.state != "cancelled"
            ),
            technicians=technicians,
            parts=self._partner_job_parts(ticket),
            page_name="aftersales_partner_job",
            # The action just recorded (its name), for the "Recorded." notice.
            message=message if message in PARTNER_PORTAL_ACTIONS else None,
            error=error,
        )
        return request.render("aftersales_field.portal_my_partner_job", values)

    @http.route(
        f"{JOBS_URL}/<int:ticket_id>/<string:action>",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_partner_job_action(self, ticket_id, action, **post):
        """One action on a job (CSRF-checked form): the ticket's
        ``_partner_portal_action`` checks the user and records the event."""
        ticket = self._partner_job(ticket_id)
        if not ticket:
            raise request.not_found()
        values = {}
        files, error = [], None
        if action in ("arrive", "report"):
            field = "photos" if action == "arrive" else "report"
            files, error = read_uploads(
                request.env,
                request.httprequest.files.getlist(field),
                used=_customer_bytes(request.env, "aftersales.ticket", ticket.id),
            )
            if error:
                return self._render_partner_job(ticket, error=error)
            if not files:
                return request.redirect_query(
                    f"{JOBS_URL}/{ticket.id}", {"error": field}
                )
        if action == "arrive":
            values["photos"] = files
        elif action == "report":
            values["file"] = files[0]
        elif action == "resolve":
            if not (post.get("note") or "").strip():
                return request.redirect_query(
                    f"{JOBS_URL}/{ticket.id}", {"error": "note"}
                )
            values["note"] = post["note"]
        elif action == "technician":
            values["user_id"] = post.get("user_id")
        elif action == "parts":
            values.update(
                product_id=post.get("product_id"),
                quantity=post.get("quantity"),
                lot=post.get("lot"),
                reason=post.get("reason"),
            )
        try:
            with request.env.cr.savepoint():
                ticket._partner_portal_action(action, **values)
        except (AccessError, MissingError):
            raise request.not_found() from None
        except (UserError, ValidationError) as exc:
            # Rendered, not redirected: the message is the server's.
            return self._render_partner_job(ticket, error=str(exc))
        return request.redirect_query(f"{JOBS_URL}/{ticket.id}", {"message": action})
