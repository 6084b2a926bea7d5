from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesSlaPolicy(models.Model):
    """An SLA schedule: target durations per metric and priority (and service type)."""

    _name = "aftersales.sla.policy"
    _description = "After-Sales SLA Policy"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(required=True, translate=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)
    description = fields.Html(translate=True)
    target_ids = fields.One2many(
        "aftersales.sla.target", "policy_id", string="Targets", copy=True
    )

    @api.constrains("target_ids")
    def _check_unique_targets(self):
        Target = self.env["aftersales.sla.target"]
        metrics = dict(Target._fields["metric"]._description_selection(self.env))
        priorities = dict(Target._fields["priority"]._description_selection(self.env))
        for policy in self:
            seen = set()
            for target in policy.target_ids:
                key = (
                    target.metric,
                    target.priority or False,
                    target.service_type_id.id,
                )
                if key in seen:
                    service_type = target.service_type_id.name or self.env._("any type")
                    raise ValidationError(
                        self.env._(
                            "Policy %(policy)s has two targets for %(metric)s, "
                            "priority %(priority)s, %(service_type)s.",
                            policy=policy.name,
                            metric=metrics[target.metric],
                            priority=priorities.get(target.priority)
                            or self.env._("any"),
                            service_type=service_type,
                        )
                    )
                seen.add(key)

    def _retarget_unmatched_tickets(self):
        """A target added or changed may fit tickets that none fitted: give them
        their clocks now (counted from their report, see the re-targeting rule).
        Tickets that have clocks keep the targets recorded when they were reported:
        a policy edit applies to tickets reported after it."""
        if not self:
            return
        # sudo: every ticket on the policy, whoever edits it
        Ticket = self.env["aftersales.ticket"].sudo()
        tickets = Ticket.search(
            [("sla_unmatched", "=", True), ("state", "!=", "closed")]
        ).filtered(lambda ticket: ticket._sla_terms().get("sla_policy") in self)
        if tickets:
            tickets._on_retargeted(
                {ticket.id: ticket._targeting_snapshot() for ticket in tickets}
            )

    def _get_targets(self, priority, service_type, metrics=None):
        """The targets that apply to a ticket: one per metric, the most specific
        winning. A target's empty priority or service type means any; one naming
        the ticket's service type wins over one for any type, then one naming the
        ticket's priority wins over one for any priority."""
        self.ensure_one()
        chosen = {}
        for target in self.target_ids:
            if target.priority and target.priority != priority:
                continue
            if metrics and target.metric not in metrics:
                continue
            if target.service_type_id and target.service_type_id != service_type:
                continue
            current = chosen.get(target.metric)
            if current is None or target._specificity() > current._specificity():
                chosen[target.metric] = target
        return self.env["aftersales.sla.target"].union(*chosen.values())
