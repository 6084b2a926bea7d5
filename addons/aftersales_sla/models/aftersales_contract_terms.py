"""After-sales contracts: amendments and the terms in force at a moment.

An active contract changes only by an amendment (:meth:`_apply_amendment`, called by
the amendment wizard), which records the old and new terms with an effective date;
:meth:`_get_terms_at` reconstructs the terms in force for a ticket reported at a given
moment, and :meth:`_penalty_rules_at` the penalty clauses.
"""

import hashlib
import json

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from .aftersales_contract import _AMENDING, AMENDMENT_LINE_FIELDS, IN_FORCE


# The model is split along its seams on purpose (see the module docstring).
class AftersalesContract(models.Model):
    _inherit = "aftersales.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Amendments and terms in force
    # ------------------------------------------------------------------

    def action_open_amend_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Amend Contract"),
            "res_model": "aftersales.contract.amend",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_id": self.id},
        }

    def action_view_amendments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Amendments"),
            "res_model": "aftersales.contract.amendment",
            "view_mode": "list,form",
            "domain": [("contract_id", "=", self.id)],
            "context": {"default_contract_id": self.id, "create": False},
        }

    def action_view_tickets(self):
        """The contract's tickets; a ticket created from there is on the
        contract."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_sla.aftersales_ticket_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        if self.contract_type == "customer":
            action["context"]["default_partner_id"] = self.partner_id.id
        return action

    @api.model
    def _amendable_fields(self):
        """Contract fields an amendment may change, in the order the amendment
        wizard offers them (extended by other addons)."""
        return [
            "sla_policy_id",
            "calendar_id",
            "amount_value",
            "date_end",
            "auto_accept_days",
            "service_type_ids",
            "product_line_ids",
            "country_ids",
            "country_state_ids",
            "fee_line_ids",
            "annex_ids",
            "penalty_rule_ids",
            "penalty_cap_amount",
            "penalty_cap_percent",
            "penalty_period",
            "penalty_period_cap_amount",
            "penalty_period_cap_percent",
        ]

    @api.model
    def _amendment_line_fields(self):
        """{one2many term: the fields of its lines} (extended by other addons)."""
        return dict(AMENDMENT_LINE_FIELDS)

    @api.model
    def _amendment_versioned_terms(self):
        """One2many terms whose lines are never edited in place while the contract
        is in force: an amendment ends the old lines (kept for the tickets reported
        before it and for what references them) and creates new ones."""
        return {"penalty_rule_ids"}

    @api.model
    def _time_bound_terms(self):
        """Terms whose value at any moment :meth:`_get_terms_at` reconstructs from
        the amendments (extended by other addons)."""
        return [
            "sla_policy_id",
            "calendar_id",
            "auto_accept_days",
            "amount_value",
            "date_end",
            "service_type_ids",
            "product_line_ids",
            "country_ids",
            "country_state_ids",
        ]

    def _json_value(self, field, value):
        """The canonical (JSON) form of ``value`` of ``field``: ids for relations,
        rounded amounts, ISO dates, None for empty."""
        if field.type == "many2one":
            return (value.id if isinstance(value, models.BaseModel) else value) or None
        if field.type == "many2many":
            return sorted(value.ids)
        if field.type == "monetary":
            return self.currency_id.round(value or 0.0)
        if field.type == "float":
            return float_round(value or 0.0, precision_digits=6)
        if field.type == "integer":
            return value or 0
        if field.type == "boolean":
            return bool(value)
        if field.type == "date":
            return fields.Date.to_string(value) or None
        if field.type == "datetime":
            return fields.Datetime.to_string(value) or None
        return str(value) if value else None

    def _line_json(self, term, values):
        """A line of one2many ``term`` in canonical form; ``values`` maps its
        fields to values (a line record or a dict of new values)."""
        comodel = self.env[self._fields[term].comodel_name]
        if not isinstance(values, models.BaseModel):
            values = {name: values.get(name) for name in comodel._fields}
        return {
            name: self._json_value(comodel._fields[name], values[name])
            for name in self._amendment_line_fields()[term]
        }

    @staticmethod
    def _sorted_lines(lines):
        return sorted(
            lines, key=lambda line: json.dumps(line, sort_keys=True, default=str)
        )

    def _term_json(self, name):
        """The contract's current value of term ``name`` in canonical form (lines:
        a sorted list of {field: value})."""
        self.ensure_one()
        if name in self._amendment_line_fields():
            return self._sorted_lines(
                [self._line_json(name, line) for line in self[name]]
            )
        return self._json_value(self._fields[name], self[name])

    def _apply_amendment(self, values, effective_date, reason):
        """Amend a contract in force: write ``values``, record the amendment,
        append ``contract.amended`` and post on the chatter.

        :param values: {field: new value} for amendable fields
            (:meth:`_amendable_fields`): records for relations; for a one2many
            term, the list of its new lines as dicts of the line fields
            (:meth:`_amendment_line_fields`, ids or records for relations), with
            ``id`` naming the line it replaces, if any. Unchanged terms are ignored.
        :param effective_date: naive UTC datetime from which tickets get the new terms
        :param reason: text, required
        :return: the ``aftersales.contract.amendment`` record
        """
        self.ensure_one()
        self.check_access("write")
        if self.state not in IN_FORCE:
            raise UserError(
                self.env._(
                    "Only a contract in force is amended; edit draft contract "
                    "%(contract)s directly.",
                    contract=self.display_name,
                )
            )
        unknown = set(values) - set(self._amendable_fields())
        if unknown:
            raise UserError(
                self.env._(
                    "An amendment cannot change %(fields)s.",
                    fields=", ".join(
                        self._fields[name].get_description(self.env)["string"]
                        if name in self._fields
                        else name
                        for name in sorted(unknown)
                    ),
                )
            )
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("An amendment needs a reason."))
        effective_date = self._check_amendment_date(effective_date)
        changes, write_vals = self._diff_amendment_values(values)
        line_changes = self._diff_amendment_lines(values)
        if not changes and not line_changes:
            raise UserError(
                self.env._(
                    "The amendment changes nothing in contract %(contract)s.",
                    contract=self.display_name,
                )
            )
        amendment_vals = {
            "contract_id": self.id,
            "effective_date": effective_date,
            "reason": reason,
        }
        if "sla_policy_id" in changes:
            amendment_vals["old_sla_policy_id"] = self.sla_policy_id.id
            amendment_vals["new_sla_policy_id"] = write_vals["sla_policy_id"]
        if "calendar_id" in changes:
            amendment_vals["old_calendar_id"] = self.calendar_id.id
            amendment_vals["new_calendar_id"] = write_vals["calendar_id"]
        token = _AMENDING.set(True)
        try:
            # One savepoint: a constraint failing on any term writes nothing.
            with self.env.cr.savepoint():
                if write_vals:
                    self.write(write_vals)
                for term, (old_json, lines) in line_changes.items():
                    self._amend_lines(term, lines, effective_date)
                    self.invalidate_recordset([term])
                    changes[term] = [old_json, self._term_json(term)]
                amendment_vals["changes_json"] = json.dumps(
                    changes, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                )
                amendment = self.env["aftersales.contract.amendment"].create(
                    amendment_vals
                )
                self.env.flush_all()
        finally:
            _AMENDING.reset(token)
        now = fields.Datetime.now().replace(microsecond=0)
        payload = {
            "contract": self.name,
            "amendment": amendment.name,
            "amendment_id": amendment.id,
            "changes": self._amendment_event_changes(changes),
            "effective_date": fields.Datetime.to_string(effective_date),
        }
        self.env["aftersales.event"]._append_events(
            [
                {
                    "event_type": "contract.amended",
                    "subject": self,
                    "payload": payload,
                    "occurred_at": min(effective_date, now),
                    "reason": reason,
                }
            ]
        )
        self.message_post(
            body=self.env._(
                "%(amendment)s, effective %(date)s (UTC): %(reason)s",
                amendment=amendment.name,
                date=effective_date,
                reason=reason,
            )
        )
        return amendment

    def _check_amendment_date(self, effective_date):
        """Refuse an effective date before the start or the previous amendment."""
        self.ensure_one()
        if not effective_date:
            raise UserError(self.env._("An amendment needs an effective date."))
        effective_date = fields.Datetime.to_datetime(effective_date).replace(
            microsecond=0
        )
        if effective_date.date() < self.date_start:
            raise UserError(
                self.env._(
                    "An amendment cannot take effect (%(date)s) before the contract "
                    "starts (%(start)s).",
                    date=effective_date,
                    start=self.date_start,
                )
            )
        last = self.amendment_ids.sorted(lambda a: (a.effective_date, a.id))[-1:]
        if last and effective_date < last.effective_date:
            raise UserError(
                self.env._(
                    "An amendment cannot take effect (%(date)s) before the previous "
                    "one (%(previous)s, %(name)s).",
                    date=effective_date,
                    previous=last.effective_date,
                    name=last.name,
                )
            )
        return effective_date

    def _diff_amendment_values(self, values):
        """:return: ({field: [old, new]} as JSON, {field: new value} to write) for
        the plain (not one2many) values that differ from the contract's."""
        self.ensure_one()
        changes, write_vals = {}, {}
        line_terms = self._amendment_line_fields()
        for name, new in values.items():
            if name in line_terms:
                continue
            field = self._fields[name]
            old_json = self._json_value(field, self[name])
            new_json = self._json_value(field, new)
            if field.type == "monetary":
                if not self.currency_id.compare_amounts(self[name], new or 0.0):
                    continue
            elif old_json == new_json:
                continue
            if field.type == "many2one":
                write_vals[name] = new.id
            elif field.type == "many2many":
                write_vals[name] = [Command.set(new.ids)]
            else:
                write_vals[name] = new
            changes[name] = [old_json, new_json]
        return changes, write_vals

    def _diff_amendment_lines(self, values):
        """:return: {one2many term: (current lines as JSON, new lines)} for the
        one2many terms whose lines differ from the contract's."""
        self.ensure_one()
        result = {}
        for term in self._amendment_line_fields():
            if term not in values:
                continue
            lines = [dict(line) for line in values[term]]
            old_json = self._term_json(term)
            new_json = self._sorted_lines(
                [self._line_json(term, line) for line in lines]
            )
            if old_json != new_json:
                result[term] = (old_json, lines)
        return result

    def _amend_lines(self, term, lines, effective_date):
        """Replace the lines of one2many ``term`` by ``lines`` (under
        ``_AMENDING``): a line equal to the one it names is kept; the others are
        updated, created or deleted, or, for versioned terms
        (:meth:`_amendment_versioned_terms`), the old line ends at the effective
        date (archived) and a new one applies from it."""
        self.ensure_one()
        current = self[term]
        comodel = current.browse()
        names = self._amendment_line_fields()[term]
        versioned = term in self._amendment_versioned_terms()
        kept = comodel
        commands = []
        for line in lines:
            origin = current.filtered(lambda rec, line=line: rec.id == line.get("id"))
            vals = {
                name: (
                    line[name].id
                    if isinstance(line.get(name), models.BaseModel)
                    and comodel._fields[name].type == "many2one"
                    else line.get(name)
                )
                for name in names
            }
            if origin and self._line_json(term, origin) == self._line_json(term, vals):
                kept |= origin
            elif versioned:
                commands.append(Command.create(dict(vals, date_from=effective_date)))
            elif origin:
                kept |= origin
                commands.append(Command.update(origin.id, vals))
            else:
                commands.append(Command.create(vals))
        ended = current - kept
        if versioned:
            ended.write({"active": False, "date_to": effective_date})
        else:
            commands = [Command.unlink(line.id) for line in ended] + commands
        if commands:
            self.write({term: commands})

    def _amendment_event_changes(self, changes):
        """The changes as the ledger records them: as in the amendment, except that
        annex texts are recorded by their SHA-256 digest (the amendment keeps the
        texts; the ledger payload stays small)."""

        def digest(lines):
            return [
                dict(
                    {key: value for key, value in line.items() if key != "body"},
                    body_sha256=hashlib.sha256(
                        (line.get("body") or "").encode()
                    ).hexdigest(),
                )
                for line in lines
            ]

        result = dict(changes)
        if "annex_ids" in result:
            result["annex_ids"] = [digest(lines) for lines in result["annex_ids"]]
        return result

    def _get_terms_at(self, when):
        """The terms in force for a ticket reported at ``when`` (naive UTC datetime).

        The contract's terms before its first amendment, with every amendment whose
        effective date is not after ``when`` applied in order.

        :return: ``{"sla_policy": record, "calendar": record, "auto_accept_days":
            int, "amount_value": float, "date_end": date, "service_types":
            records, "product_lines": [(product record, serial or False)],
            "countries": records, "states": records}``
        """
        self.ensure_one()
        when = fields.Datetime.to_datetime(when or fields.Datetime.now())
        amendments = self.amendment_ids.sorted(lambda a: (a.effective_date, a.id))
        values = {name: self._term_json(name) for name in self._time_bound_terms()}
        changed = [amendment._get_changes() for amendment in amendments]
        # Walk back from the current terms to those before the first amendment...
        for term_changes in reversed(changed):
            for name, (old, _new) in term_changes.items():
                if name in values:
                    values[name] = old
        # ...then forward through the amendments in effect at ``when``.
        for amendment, term_changes in zip(amendments, changed, strict=True):
            if amendment.effective_date > when:
                break
            for name, (_old, new) in term_changes.items():
                if name in values:
                    values[name] = new
        return self._terms_from_json(values)

    def _terms_from_json(self, values):
        """The terms of :meth:`_get_terms_at` from their canonical values."""
        env = self.env
        product = env["product.product"]
        return {
            "sla_policy": env["aftersales.sla.policy"].browse(
                values["sla_policy_id"] or ()
            ),
            "calendar": env["resource.calendar"].browse(values["calendar_id"] or ()),
            "auto_accept_days": values["auto_accept_days"],
            "amount_value": values["amount_value"],
            "date_end": fields.Date.to_date(values["date_end"]),
            "service_types": env["aftersales.service.type"].browse(
                values["service_type_ids"]
            ),
            "product_lines": [
                (product.browse(line["product_id"]), line["serial_number"] or False)
                for line in values["product_line_ids"]
            ],
            "countries": env["res.country"].browse(values["country_ids"]),
            "states": env["res.country.state"].browse(values["country_state_ids"]),
        }

    def _penalty_rules_at(self, when):
        """The penalty clauses of these contracts in force for a ticket reported at
        ``when`` (naive UTC datetime), the ones amended since included."""
        when = fields.Datetime.to_datetime(when or fields.Datetime.now())
        return self.with_context(active_test=False).penalty_rule_ids.filtered(
            lambda rule: (rule.active or rule.date_to)
            and (not rule.date_from or rule.date_from <= when)
            and (not rule.date_to or when < rule.date_to)
        )
