import re

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request

from .portal import AftersalesPortal

#: Languages offered on the portal, with their own names.
PORTAL_LANGS = (("en_US", "English"), ("zh_CN", "中文"))


class AftersalesServiceReportPortal(AftersalesPortal):
    """The monthly service reports of the user's contracts (customers, and
    service partners for their back-to-back contracts), on the portal.

    Record rules decide what a user reads: another customer's report is not
    found (404).
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "aftersales_service_report_count" in counters:
            Report = request.env["aftersales.service.report"]
            values["aftersales_service_report_count"] = (
                Report.search_count([("state", "!=", "failed")])
                if Report.has_access("read")
                else 0
            )
        return values

    @http.route(
        ["/my/service-reports", "/my/service-reports/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_service_reports(self, page=1, **kw):
        Report = request.env["aftersales.service.report"]
        if not Report.has_access("read"):
            return request.redirect("/my")
        reports, values = self._aftersales_list_page(
            Report,
            [("state", "!=", "failed")],
            "/my/service-reports",
            "date_from desc, id desc",
            page,
            {"page_name": "aftersales_service_report"},
        )
        values["service_reports"] = reports
        values["service_report_langs"] = PORTAL_LANGS
        return request.render(
            "aftersales_sla.portal_my_aftersales_service_reports", values
        )

    @http.route(
        "/my/service-reports/<int:report_id>/pdf",
        type="http",
        auth="user",
        website=True,
    )
    def portal_service_report_pdf(self, report_id, lang=None, download=False, **kw):
        """The report's PDF in ``lang`` (default: the user's language), as
        rendered from its snapshot and kept."""
        report = request.env["aftersales.service.report"].browse(report_id)
        try:
            report.check_access("read")
            if not report.exists() or report.state == "failed":
                raise MissingError(request.env._("No such service report."))
        except (AccessError, MissingError):
            return request.not_found()
        codes = [code for code, _name in PORTAL_LANGS]
        if lang not in codes:
            user_lang = request.env.user.lang
            lang = user_lang if user_lang in codes else "en_US"
        # sudo: the reader may read the report (checked above); its PDF is kept
        # and rendered from its snapshot by the system.
        attachment = report.sudo()._pdf(lang)
        content = attachment.raw
        filename = re.sub(r"\W+", "_", report.name) + f"_{lang}.pdf"
        headers = [
            (
                "Content-Type",
                "application/pdf"
                if attachment.mimetype == "application/pdf"
                else "text/html; charset=utf-8",
            ),
            ("Content-Length", len(content)),
            (
                "Content-Disposition",
                content_disposition(filename)
                if download
                else f"inline; filename={filename}",
            ),
        ]
        return request.make_response(content, headers=headers)
