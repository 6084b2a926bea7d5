from odoo import http
from odoo.http import request

from odoo.addons.survey.controllers.main import Survey


class AftersalesSurvey(Survey):
    """Who may open and answer an after-sales survey invitation's personal link.

    - The invited contact has a user (portal or internal): only that user, logged
      in. An anonymous visitor with the link is asked to log in (Odoo's
      "authentication required" page, which leads to the login and back), and
      another user is refused (Odoo's own partner check). A forwarded or leaked
      link thus answers nothing in the customer's name.
    - The invited contact has no user (an e-mail-only customer): the personal
      link itself is the credential, as in Odoo's own token surveys. Whoever holds
      the link can answer once, before its deadline; the link is sent only to the
      contact's address, and the answer is recorded as the contact's.

    Other surveys keep Odoo's rules.
    """

    def _check_validity(
        self, survey_token, answer_token, ensure_token=True, check_partner=True
    ):
        validity = super()._check_validity(
            survey_token,
            answer_token,
            ensure_token=ensure_token,
            check_partner=check_partner,
        )
        if validity is not True or not answer_token:
            return validity
        _survey, answer = self._fetch_from_access_token(survey_token, answer_token)
        if not answer or not answer.aftersales_contract_id or answer.test_entry:
            return validity
        invited_users = answer.partner_id.with_context(active_test=True).user_ids
        if invited_users and request.env.user not in invited_users:
            if request.env.user._is_public():
                return "survey_auth"
            return "answer_wrong_user"
        return validity

    @http.route()
    def survey_retry(self, survey_token, answer_token, **post):
        """A satisfaction survey is not a test: an answer is given once, there is
        no retake (the finish page offers none; the URL leads back to it)."""
        survey_sudo, answer_sudo = self._fetch_from_access_token(
            survey_token, answer_token
        )
        if survey_sudo and survey_sudo.aftersales_satisfaction and answer_sudo:
            return request.redirect(
                f"/survey/{survey_sudo.access_token}/{answer_sudo.access_token}"
            )
        return super().survey_retry(survey_token, answer_token, **post)
