from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.aftersales_sla.controllers.portal import AftersalesPortal


class AftersalesSurveyPortal(AftersalesPortal):
    """Customers' satisfaction survey invitations on the portal.

    Portal users have no rights on ``survey.user_input``: the invitations are read
    as the system, limited here to those sent to the user's commercial partner and
    its contacts. Each is answered through Odoo's survey pages with its personal
    link: only by the invited contact's user, logged in, when the contact has one;
    for a contact without a user the link itself is the credential (see
    ``controllers/survey.py``).
    """

    def _aftersales_survey_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [
            ("aftersales_contract_id", "!=", False),
            ("test_entry", "=", False),
            ("partner_id", "child_of", partner.id),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "aftersales_survey_count" in counters:
            # sudo: the customer's invitations, by the portal domain (its partner)
            values["aftersales_survey_count"] = (
                request.env["survey.user_input"]
                .sudo()
                .search_count(self._aftersales_survey_domain())
            )
        return values

    @http.route(
        ["/my/surveys", "/my/surveys/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_aftersales_surveys(self, page=1, **kw):
        # sudo: the customer's invitations, by the portal domain (its partner)
        invitations, values = self._aftersales_list_page(
            request.env["survey.user_input"].sudo(),
            self._aftersales_survey_domain(),
            "/my/surveys",
            "aftersales_sent_at desc, id desc",
            page,
            {"page_name": "aftersales_survey"},
        )
        values["invitations"] = invitations
        return request.render("aftersales_survey.portal_my_aftersales_surveys", values)

    @http.route(
        "/my/aftersales/contracts/<int:contract_id>/evaluations/<int:evaluation_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_aftersales_evaluation_report(
        self, contract_id, evaluation_id, access_token=None, download=False, **kw
    ):
        """The PDF of a closed evaluation of the customer's contract (drafts are
        the service organisation's work in progress)."""
        try:
            contract = self._document_check_access(
                "aftersales.contract", contract_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        evaluation = contract.evaluation_ids.filtered(
            lambda e: e.id == evaluation_id and e.state == "closed"
        )
        if not evaluation:
            return request.redirect("/my")
        return self._show_report(
            model=evaluation,
            report_type="pdf",
            report_ref="aftersales_survey.action_report_aftersales_evaluation",
            download=download,
        )
