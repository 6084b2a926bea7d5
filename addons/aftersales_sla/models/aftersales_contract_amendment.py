import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from .aftersales_contract import _AMENDING


class AftersalesContractAmendment(models.Model):
    """A change to the terms of a contract in force, effective from a date.

    Created only by :meth:`aftersales.contract._apply_amendment` (the amendment
    wizard); never changed or deleted afterwards. ``changes_json`` keeps the old
    and new value of every term it changes (one2many terms as canonical lists of
    their lines), from which :meth:`aftersales.contract._get_terms_at` finds the
    terms in force at any moment; the old and new SLA policy and calendar are also
    kept as columns, for the form and for searching.
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
        help="Canonical JSON: {field: [old, new]}, ids for relations, lists of "
        "{field: value} for lines (covered products, fees, annexes, clauses...).",
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
        line_terms = Contract._amendment_line_fields()
        for amendment in self:
            lines = []
            for name, (old, new) in sorted(amendment._get_changes().items()):
                field = Contract._fields.get(name)
                label = field.get_description(self.env)["string"] if field else name
                if name in line_terms and field:
                    lines.extend(
                        amendment._summarize_lines(label, field.comodel_name, old, new)
                    )
                else:
                    lines.append(f"{label}: {old} → {new}")
            amendment.changes_summary = "\n".join(lines)

    def _summarize_lines(self, label, comodel_name, old, new):
        """Lines removed and added in a one2many term, readable."""
        comodel = self.env[comodel_name]

        def describe(line):
            parts = []
            for name, value in line.items():
                if value in (None, "", False) or name == "sequence":
                    continue
                field = comodel._fields[name]
                if field.type == "many2one":
                    value = comodel.env[field.comodel_name].browse(value).exists()
                    value = value.display_name if value else ""
                elif field.type == "selection":
                    value = dict(field._description_selection(self.env)).get(
                        value, value
                    )
                elif field.type == "html":
                    value = html2plaintext(value)[:60]
                if value not in ("", None):
                    parts.append(str(value))
            return " / ".join(parts)

        def key(line):
            return json.dumps(line, sort_keys=True)

        old_keys = {key(line) for line in old}
        new_keys = {key(line) for line in new}
        removed = [describe(line) for line in old if key(line) not in new_keys]
        added = [describe(line) for line in new if key(line) not in old_keys]
        return [
            self.env._("%(term)s, removed: %(line)s", term=label, line=line)
            for line in removed
        ] + [
            self.env._("%(term)s, added: %(line)s", term=label, line=line)
            for line in added
        ]

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
