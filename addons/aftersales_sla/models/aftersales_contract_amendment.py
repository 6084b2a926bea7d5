import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from .aftersales_contract import _AMENDING


class AftersalesContractAmendment(models.Model):
    """A change to the terms of a contract in force, effective from a date.

    Created only by :meth:`aftersales.contract._apply_amendment` (the amendment
    wizard); never changed or deleted afterwards. The old and new SLA policy and
    calendar are kept as columns so that the terms in force at any moment can be
    found (:meth:`aftersales.contract._get_terms_at`).
    """

    _name = "aftersales.contract.amendment"
    _description = "After-Sales Contract Amendment"
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "aftersales.contract",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(readonly=True, copy=False)
    name = fields.Char(readonly=True, copy=False)
    effective_date = fields.Datetime(
        required=True,
        readonly=True,
        help="Tickets reported from this moment on get the amended terms.",
    )
    reason = fields.Text(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Amended by",
        readonly=True,
        default=lambda self: self.env.user,
        ondelete="restrict",
    )
    changes_json = fields.Text(
        string="Changes",
        readonly=True,
        help="Canonical JSON: {field: [old, new]}, ids for relations.",
    )
    changes_summary = fields.Text(compute="_compute_changes_summary")
    old_sla_policy_id = fields.Many2one(
        "aftersales.sla.policy", readonly=True, ondelete="restrict"
    )
    new_sla_policy_id = fields.Many2one(
        "aftersales.sla.policy", readonly=True, ondelete="restrict"
    )
    old_calendar_id = fields.Many2one(
        "resource.calendar", readonly=True, ondelete="restrict"
    )
    new_calendar_id = fields.Many2one(
        "resource.calendar", readonly=True, ondelete="restrict"
    )

    _sql_constraints = [
        (
            "sequence_unique",
            "UNIQUE(contract_id, sequence)",
            "Amendment numbers are unique per contract.",
        ),
    ]

    @api.depends("changes_json")
    def _compute_changes_summary(self):
        Contract = self.env["aftersales.contract"]
        for amendment in self:
            lines = []
            for name, (old, new) in sorted(amendment._get_changes().items()):
                field = Contract._fields.get(name)
                label = field.get_description(self.env)["string"] if field else name
                lines.append(f"{label}: {old} → {new}")
            amendment.changes_summary = "\n".join(lines)

    @api.model_create_multi
    def create(self, vals_list):
        if not _AMENDING.get():
            raise UserError(
                self.env._(
                    "Contract amendments are recorded by amending the contract "
                    "(Amend button); they cannot be created directly."
                )
            )
        next_sequence = {}
        for vals in vals_list:
            contract_id = vals.get("contract_id")
            if contract_id not in next_sequence:
                self.env.cr.execute(
                    "SELECT COALESCE(MAX(sequence), 0) FROM "
                    "aftersales_contract_amendment WHERE contract_id = %s",
                    [contract_id],
                )
                next_sequence[contract_id] = self.env.cr.fetchone()[0] + 1
            vals["sequence"] = next_sequence[contract_id]
            next_sequence[contract_id] += 1
            vals["name"] = self.env._("Amendment %(number)s", number=vals["sequence"])
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(
            self.env._(
                "A contract amendment cannot be changed: record a new amendment "
                "instead."
            )
        )

    def _get_changes(self):
        self.ensure_one()
        return json.loads(self.changes_json or "{}")

    def _get_term_changes(self):
        """The terms this amendment changes, as {term: (old, new)} with the keys of
        :meth:`aftersales.contract._get_terms_at`."""
        self.ensure_one()
        changes = self._get_changes()
        result = {}
        if "sla_policy_id" in changes:
            result["sla_policy"] = (self.old_sla_policy_id, self.new_sla_policy_id)
        if "calendar_id" in changes:
            result["calendar"] = (self.old_calendar_id, self.new_calendar_id)
        if "auto_accept_days" in changes:
            old, new = changes["auto_accept_days"]
            result["auto_accept_days"] = (old, new)
        return result
