"""After-sales contracts: penalties (liquidated damages).

The caps' checks, the stored total of penalties assessed (checked against the caps
under a row lock by the penalty engine), the cap left and the counts shown on the form.
"""

from odoo import api, models
from odoo.exceptions import ValidationError

from ..tools import door
from .aftersales_contract import CONTRACT


# The model is split along its seams on purpose (see the module docstring).
class AftersalesContract(models.Model):
    _inherit = "aftersales.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Penalties
    # ------------------------------------------------------------------

    @api.depends(
        "penalty_total", "penalty_cap_amount", "penalty_cap_percent", "amount_value"
    )
    def _compute_penalty_cap_left(self):
        # sudo: counts and sums only; the fields are for penalty readers.
        Penalty = self.env["aftersales.penalty"].sudo()
        counts = dict(
            Penalty._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        breaches = dict(
            Penalty._read_group(
                [("contract_id", "in", self.ids), ("sla_line_id", "!=", False)],
                ["contract_id"],
                ["sla_line_id:count_distinct"],
            )
        )
        for contract in self:
            caps = [
                cap
                for cap in (
                    contract.penalty_cap_amount,
                    contract.amount_value * contract.penalty_cap_percent / 100.0,
                )
                if cap
            ]
            contract.penalty_cap_left = (
                max(0.0, min(caps) - contract.penalty_total) if caps else 0.0
            )
            contract.penalty_count = counts.get(contract, 0)
            contract.breach_count = breaches.get(contract, 0)

    @api.constrains(
        "penalty_cap_percent", "penalty_period_cap_percent", "penalty_cap_amount"
    )
    def _check_penalty_caps(self):
        for contract in self:
            for percent in (
                contract.penalty_cap_percent,
                contract.penalty_period_cap_percent,
            ):
                if not 0 <= percent <= 100:
                    raise ValidationError(
                        self.env._("A penalty cap is a percentage between 0 and 100.")
                    )
            if (
                contract.penalty_cap_amount < 0
                or contract.penalty_period_cap_amount < 0
            ):
                raise ValidationError(self.env._("A penalty cap cannot be negative."))

    @door.opens(CONTRACT)
    def _compute_penalty_totals(self):
        """Store the penalties assessed (not waived) on each contract."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT contract_id, coalesce(sum(amount), 0) FROM aftersales_penalty
                WHERE contract_id = ANY(%s) AND state != 'waived'
             GROUP BY contract_id""",
            [self.ids],
        )
        totals = dict(self.env.cr.fetchall())
        # sudo: the stored total is the engine's, whoever's action assessed a penalty
        for contract in self.sudo():
            contract.penalty_total = totals.get(contract.id, 0.0)

    def action_view_penalties(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_sla.aftersales_penalty_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action

    def action_view_breach_penalties(self):
        """The penalties of the contract's breaches, one group per breached
        service level (what the Breaches button counts)."""
        action = self.action_view_penalties()
        action["name"] = self.env._("Penalised Breaches")
        action["domain"] += [("sla_line_id", "!=", False)]
        action["context"]["group_by"] = ["sla_line_id"]
        return action

    def action_view_penalties_due(self):
        """The penalties counted against the caps: every one not waived (what the
        total on the button sums)."""
        action = self.action_view_penalties()
        action["name"] = self.env._("Penalties against the Caps")
        action["domain"] += [("state", "!=", "waived")]
        return action
