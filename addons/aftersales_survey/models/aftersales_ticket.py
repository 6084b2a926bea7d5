import logging

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import kpi

_logger = logging.getLogger(__name__)


class AftersalesTicket(models.Model):
    """Closed tickets send the contract's satisfaction survey to a sample."""

    _inherit = "aftersales.ticket"

    survey_input_ids = fields.One2many(
        "survey.user_input", "aftersales_ticket_id", string="Satisfaction Surveys"
    )
    survey_input_count = fields.Integer(
        compute="_compute_survey_input_count",
        groups="aftersales_sla.group_aftersales_manager",
    )

    def _compute_survey_input_count(self):
        # sudo: invitations are counted for whoever reads the ticket (no survey rights)
        groups = (
            self.env["survey.user_input"]
            .sudo()
            ._read_group(
                [("aftersales_ticket_id", "in", self.ids)],
                ["aftersales_ticket_id"],
                ["__count"],
            )
        )
        counts = {ticket.id: count for ticket, count in groups}
        for ticket in self:
            ticket.survey_input_count = counts.get(ticket.id, 0)

    def action_close(self, when=None, reason=None):
        """Closing is where every path ends (by hand, by stage, on acceptance,
        automatic acceptance): the survey follows it."""
        closing = self.filtered(lambda ticket: not ticket.closed_at)
        result = super().action_close(when=when, reason=reason)
        closing.filtered(lambda ticket: ticket.state == "closed")._survey_after_close()
        return result

    def _survey_sampled(self):
        """Whether this ticket is in its contract's survey sample.

        Reproducible: ``kpi.in_sample(ticket id, contract's sample %, salt=contract
        id)`` gives the same answer for the same ticket on every run and server, and
        about the sample's share of a contract's tickets is in.
        """
        self.ensure_one()
        contract = self.contract_id
        return kpi.in_sample(self.id, contract.survey_sample_percent, salt=contract.id)

    def _survey_after_close(self):
        """Invite each closed ticket's contact (else its customer) to the survey,
        once per ticket, when its contract surveys closed tickets and the ticket
        is in the sample. As the system: technicians close tickets without any
        survey rights."""
        # sudo: technicians close tickets without any survey rights
        Input = self.env["survey.user_input"].sudo()
        already = set(
            Input.search(
                [
                    ("aftersales_ticket_id", "in", self.ids),
                    ("aftersales_trigger", "=", "ticket_closed"),
                ]
            ).aftersales_ticket_id.ids
        )
        # sudo: technicians close tickets without any survey rights
        for ticket in self.sudo():
            contract = ticket.contract_id
            if (
                not contract.survey_after_close
                or not contract.survey_id
                or ticket.id in already
                or not ticket._survey_sampled()
            ):
                continue
            try:
                with self.env.cr.savepoint():
                    Input._aftersales_invite(
                        contract,
                        ticket.contact_id or ticket.partner_id,
                        "ticket_closed",
                        ticket=ticket,
                    )
            except UserError as error:
                # The survey is misconfigured (archived, internal only...): the
                # ticket still closes; the managers see it in the log.
                _logger.warning(
                    "Survey of closed ticket %s not sent: %s", ticket.number, error
                )

    def action_send_survey(self):
        """Send the contract's survey by hand to the ticket's contact (managers:
        the invitation is written as the system)."""
        if not self.env.user.has_group("aftersales_sla.group_aftersales_manager"):
            raise AccessError(
                self.env._("Only after-sales managers send surveys by hand.")
            )
        for ticket in self:
            if not ticket.contract_id:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s has no contract, hence no survey.",
                        ticket=ticket.display_name,
                    )
                )
            partner = ticket.contact_id or ticket.partner_id
            if not partner.email:
                raise UserError(
                    self.env._(
                        "%(partner)s has no e-mail address to send the survey to.",
                        partner=partner.display_name,
                    )
                )
            self.env["survey.user_input"]._aftersales_invite(
                ticket.contract_id, partner, "manual", ticket=ticket
            )
        return True

    def action_view_survey_inputs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_survey.action_aftersales_survey_input"
        )
        action["domain"] = [("aftersales_ticket_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def _portal_pending_surveys(self, user):
        """``user``'s own invitations of this ticket that can still be answered
        (Odoo's survey pages take an invitation's answer only from its own partner
        once logged in). The portal renders tickets as superuser: the viewer is
        given explicitly."""
        self.ensure_one()
        # sudo: the portal renders tickets as superuser: the viewer is given explicitly
        Input = self.env["survey.user_input"].sudo()
        if user._is_public():
            return Input.browse()
        return Input.search(
            [
                ("aftersales_ticket_id", "=", self.id),
                ("partner_id", "=", user.partner_id.id),
                ("test_entry", "=", False),
            ]
        ).filtered("aftersales_is_open")
