"""After-sales contracts: their life cycle.

Activate, suspend, resume and terminate (user actions) and expire (scheduled action),
each appending its event to the service ledger.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import door, inputs
from .aftersales_contract import CONTRACT, IN_FORCE


# The model is split along its seams on purpose (see the module docstring).
class AftersalesContract(models.Model):
    _inherit = "aftersales.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Life cycle
    # ------------------------------------------------------------------

    def _event_payload(self, **extra):
        self.ensure_one()
        payload = {
            "contract": self.name,
            "contract_type": self.contract_type,
            "partner_id": self.partner_id.id,
            "date_start": fields.Date.to_string(self.date_start),
            "date_end": fields.Date.to_string(self.date_end),
            "amount_value": self.currency_id.round(self.amount_value),
            "currency": self.currency_id.name,
            "sla_policy_id": self.sla_policy_id.id or None,
            "calendar_id": self.calendar_id.id or None,
            "parent_id": self.parent_id.id or None,
        }
        payload.update(extra)
        return payload

    def _check_state(self, allowed, action_label):
        for contract in self:
            if contract.state not in allowed:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s cannot be %(action)s: it is %(state)s.",
                        contract=contract.display_name,
                        action=action_label,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[contract.state],
                    )
                )

    def _get_state_reason(self, reason):
        self.ensure_one()
        reason = inputs.to_text(self.env, reason, self.env._("Reason"))
        reason = (
            reason
            or self.env.context.get("aftersales_contract_reason")
            or self.state_reason
            or ""
        ).strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Give a reason (field Suspension / Termination Reason) for "
                    "contract %(contract)s.",
                    contract=self.display_name,
                )
            )
        return reason

    @door.opens(CONTRACT)
    def action_activate(self):
        """Put draft contracts in force (needs service hours and an SLA policy)."""
        self._check_state(("draft",), self.env._("activated"))
        for contract in self:
            missing = []
            if not contract.calendar_id:
                missing.append(self.env._("service hours"))
            if not contract.sla_policy_id:
                missing.append(self.env._("an SLA policy"))
            if missing:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s needs %(missing)s before it can be "
                        "activated.",
                        contract=contract.display_name,
                        missing=self.env._(" and ").join(missing),
                    )
                )
        self.write({"state": "active", "state_reason": False})
        self.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "contract.activated",
                    "subject": contract,
                    "payload": contract._event_payload(),
                }
                for contract in self
            ]
        )
        for contract in self:
            contract.message_post(body=self.env._("Contract activated."))
        return True

    @door.opens(CONTRACT)
    def action_suspend(self, reason=None):
        """Suspend active contracts; the reason comes from the argument, the
        context key ``aftersales_contract_reason`` or the field ``state_reason``."""
        self._check_state(("active",), self.env._("suspended"))
        reasons = {contract: contract._get_state_reason(reason) for contract in self}
        entries = []
        for contract in self:
            contract.write({"state": "suspended", "state_reason": reasons[contract]})
            entries.append(
                {
                    "event_type": "contract.suspended",
                    "subject": contract,
                    "payload": contract._event_payload(),
                    "reason": reasons[contract],
                }
            )
        self.env["aftersales.event"]._append_events(entries)
        for contract in self:
            contract.message_post(
                body=self.env._(
                    "Contract suspended: %(reason)s", reason=reasons[contract]
                )
            )
        return True

    @door.opens(CONTRACT)
    def action_resume(self):
        """Put suspended contracts back in force."""
        self._check_state(("suspended",), self.env._("resumed"))
        self.write({"state": "active", "state_reason": False})
        self.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "contract.resumed",
                    "subject": contract,
                    "payload": contract._event_payload(),
                }
                for contract in self
            ]
        )
        for contract in self:
            contract.message_post(body=self.env._("Contract resumed."))
        return True

    @door.opens(CONTRACT)
    def action_terminate(self, reason=None, date=None):
        """End active or suspended contracts early, with a reason (argument,
        context key ``aftersales_contract_reason`` or field ``state_reason``) and a
        termination date (default today)."""
        self._check_state(IN_FORCE, self.env._("terminated"))
        date = inputs.to_date(
            self.env, date, self.env._("Termination date")
        ) or fields.Date.context_today(self)
        entries = []
        for contract in self:
            contract_reason = contract._get_state_reason(reason)
            if date < contract.date_start:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s cannot be terminated on %(date)s, "
                        "before it starts (%(start)s).",
                        contract=contract.display_name,
                        date=date,
                        start=contract.date_start,
                    )
                )
            contract.write(
                {
                    "state": "terminated",
                    "state_reason": contract_reason,
                    "termination_date": date,
                }
            )
            entries.append(
                {
                    "event_type": "contract.terminated",
                    "subject": contract,
                    "payload": contract._event_payload(
                        termination_date=fields.Date.to_string(date)
                    ),
                    "reason": contract_reason,
                }
            )
        self.env["aftersales.event"]._append_events(entries)
        for entry in entries:
            entry["subject"].message_post(
                body=self.env._(
                    "Contract terminated on %(date)s: %(reason)s",
                    date=date,
                    reason=entry["reason"],
                )
            )
        return True

    @api.model
    @door.opens(CONTRACT)
    def _cron_expire_contracts(self, batch_size=500):
        """Expire the contracts in force whose end date has passed. Idempotent: an
        expired contract is not found again."""
        today = fields.Date.context_today(self)
        domain = [("state", "in", IN_FORCE), ("date_end", "<", today)]
        contracts = self.search(domain, order="id")
        done = 0
        cron = self.env["ir.cron"]
        for start in range(0, len(contracts), batch_size):
            batch = contracts[start : start + batch_size]
            previous = {contract.id: contract.state for contract in batch}
            batch.write({"state": "expired"})
            self.env["aftersales.event"]._append_events(
                [
                    {
                        "event_type": "contract.expired",
                        "subject": contract,
                        "payload": contract._event_payload(
                            previous_state=previous[contract.id]
                        ),
                    }
                    for contract in batch
                ]
            )
            for contract in batch:
                contract.message_post(
                    body=self.env._(
                        "Contract expired: its term ended on %(date)s.",
                        date=contract.date_end,
                    )
                )
            done += len(batch)
            cron._notify_progress(done=done, remaining=len(contracts) - done)
        return done
