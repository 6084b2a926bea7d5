"""Penalty caps with an explicit "no cap" (issue #11, point 7).

Each of the four caps (term and period, amount and percentage of the contract
value) has a flag saying whether it applies. A cap that applies with 0 is a cap
of zero: nothing can be assessed. Before, 0 meant "no cap", so a contract that
capped penalties at zero was uncapped. Existing data keeps its meaning: a new
contract, or an existing row when the flags first appear, gets a flag for each
non-zero cap; writing a non-zero cap turns its flag on.
"""

from odoo import api, fields, models
from odoo.tools import SQL

from .aftersales_contract import MONEY_READERS

#: (flag, value field) of each cap.
CAP_FIELDS = (
    ("has_penalty_cap_amount", "penalty_cap_amount"),
    ("has_penalty_cap_percent", "penalty_cap_percent"),
    ("has_penalty_period_cap_amount", "penalty_period_cap_amount"),
    ("has_penalty_period_cap_percent", "penalty_period_cap_percent"),
)


# A file of its own on purpose: the caps' flags apart from the contract's other
# terms. pylint: disable=consider-merging-classes-inherited
class AftersalesContract(models.Model):
    _inherit = "aftersales.contract"

    has_penalty_cap_amount = fields.Boolean(
        string="Capped per Term (Amount)",
        help="Unchecked: no cap by amount over the term. Checked: at most the "
        "amount given, which may be zero.",
        groups=MONEY_READERS,
    )
    has_penalty_cap_percent = fields.Boolean(
        string="Capped per Term (% of Value)",
        default=True,
        help="Unchecked: no cap by share of the contract value over the term. "
        "Checked: at most the percentage given, which may be zero.",
        groups=MONEY_READERS,
    )
    has_penalty_period_cap_amount = fields.Boolean(
        string="Capped per Period (Amount)",
        help="Unchecked: no cap by amount per period. Checked: at most the "
        "amount given, which may be zero.",
        groups=MONEY_READERS,
    )
    has_penalty_period_cap_percent = fields.Boolean(
        string="Capped per Period (% of Value)",
        help="Unchecked: no cap by share of the contract value per period. "
        "Checked: at most the percentage given, which may be zero.",
        groups=MONEY_READERS,
    )

    def _auto_init(self):
        """When the flags first appear, existing caps keep their meaning: a cap
        of 0 was no cap."""
        cr = self.env.cr
        cr.execute(
            """SELECT 1 FROM information_schema.columns
                WHERE table_name = 'aftersales_contract'
                  AND column_name = 'has_penalty_cap_amount'"""
        )
        new = not cr.fetchone()
        result = super()._auto_init()
        if new:
            for flag, value in CAP_FIELDS:
                cr.execute(
                    SQL(
                        "UPDATE aftersales_contract SET %s = coalesce(%s, 0) != 0",
                        SQL.identifier(flag),
                        SQL.identifier(value),
                    )
                )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            for flag, value in CAP_FIELDS:
                if flag not in vals and value in vals:
                    vals[flag] = bool(vals[value])
        return super().create(vals_list)

    def write(self, vals):
        vals = dict(vals)
        for flag, value in CAP_FIELDS:
            if flag not in vals and vals.get(value):
                vals[flag] = True
        return super().write(vals)

    @api.onchange(*(value for _flag, value in CAP_FIELDS))
    def _onchange_penalty_caps(self):
        for flag, value in CAP_FIELDS:
            if self[value]:
                self[flag] = True

    @api.model
    def _contractual_fields(self):
        return super()._contractual_fields() | {flag for flag, _v in CAP_FIELDS}

    @api.model
    def _amendable_fields(self):
        fields_ = super()._amendable_fields()
        for flag, value in CAP_FIELDS:
            fields_.insert(fields_.index(value), flag)
        return fields_

    @api.depends(
        "penalty_total",
        "penalty_cap_amount",
        "penalty_cap_percent",
        "has_penalty_cap_amount",
        "has_penalty_cap_percent",
        "amount_value",
    )
    def _compute_penalty_cap_left(self):
        result = super()._compute_penalty_cap_left()
        Penalty = self.env["aftersales.penalty"]
        for contract in self:
            term_cap = Penalty._caps(contract)[0]
            contract.penalty_cap_left = (
                max(0.0, term_cap - contract.penalty_total)
                if term_cap is not None
                else 0.0
            )
        return result
