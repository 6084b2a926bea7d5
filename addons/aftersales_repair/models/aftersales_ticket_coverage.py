"""Tickets: their unit of the installed base and their coverage.

A ticket finds its unit by serial number (else the customer's only unit of the
product), as contracts are matched; its coverage (contract, warranty, re-repair
guarantee or chargeable, with the reason) is decided by rule
(:mod:`..tools.coverage`) when it is reported and again when its unit, contract,
product, serial number or customer changes. A manager may override the decision
with a reason and a note. Each decision and override is a ledger event; the
coverage fields change only through them (the one door).
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.aftersales_sla.tools import door, inputs

from ..tools import coverage as rule

TICKET = "aftersales.ticket"
MANAGER_GROUP = "aftersales_sla.group_aftersales_manager"

#: Written only by the coverage decision and the manager's override.
COVERAGE_FIELDS = frozenset(
    {"coverage", "coverage_reason", "coverage_note", "coverage_overridden"}
)
#: Fields whose change looks for the ticket's unit again.
UNIT_FIELDS = ("partner_id", "product_id", "serial_number")
#: Fields whose change decides the coverage again.
DECISION_FIELDS = ("unit_id", "contract_id", *UNIT_FIELDS)


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    unit_id = fields.Many2one(
        "aftersales.unit",
        string="Unit",
        index=True,
        tracking=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The unit of the installed base concerned: found by serial number (or "
        "the customer's only unit of the product) when left empty.",
    )
    unit_warranty_end = fields.Date(
        related="unit_id.warranty_end", string="Warranty End"
    )
    unit_warranty_source = fields.Selection(
        related="unit_id.warranty_source", string="Warranty From"
    )
    coverage = fields.Selection(
        [(code, label) for code, label in rule.COVERAGES],
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Who pays for the work: the service contract, the warranty, or the "
        "customer (chargeable). Decided by rule; a manager may override it.",
    )
    coverage_reason = fields.Selection(
        [(code, label) for code, label in rule.REASONS],
        readonly=True,
        copy=False,
        tracking=True,
    )
    coverage_overridden = fields.Boolean(
        readonly=True,
        copy=False,
        help="A manager decided the coverage: later changes of the ticket no longer "
        "decide it again by rule.",
    )
    coverage_note = fields.Text(
        readonly=True, copy=False, help="Why a manager overrode the coverage."
    )
    unit_guarantee_end = fields.Date(
        string="Repair Guarantee End",
        compute="_compute_unit_guarantee",
        help="Last day of the re-repair guarantee of the unit's latest paid repair "
        "(of another ticket): the same fault reported until then is repaired free.",
    )
    unit_guarantee_repair = fields.Char(
        string="Guaranteed Repair",
        compute="_compute_unit_guarantee",
        help="The paid repair whose guarantee covers this ticket's unit.",
    )

    @api.depends("unit_id")
    def _compute_unit_guarantee(self):
        for ticket in self:
            repair = ticket._guaranteed_repair()
            ticket.unit_guarantee_end = repair.aftersales_guarantee_end
            ticket.unit_guarantee_repair = repair.name or False

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("unit_id", "partner_id")
    def _check_unit_customer(self):
        for ticket in self.filtered("unit_id"):
            # sudo: the unit's customer, to check the choice.
            unit = ticket.unit_id.sudo()
            if unit.commercial_partner_id != ticket.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Unit %(unit)s belongs to %(owner)s, not to the ticket's "
                        "customer %(customer)s.",
                        unit=unit.display_name,
                        owner=unit.commercial_partner_id.display_name,
                        customer=ticket.commercial_partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD and the one door
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Malformed values get the core's clear error before they are looked at.
        for vals in vals_list:
            inputs.check_vals(self, vals)
        self._match_unit_vals(vals_list)
        # The decision is recorded in the ``ticket.reported`` event.
        return super().create(vals_list)

    def write(self, vals):
        if door.is_open(TICKET):
            return super().write(vals)
        inputs.check_vals(self, vals)
        if vals.get("unit_id"):
            self._fill_from_unit(vals, tickets=self)
        elif "unit_id" not in vals and any(name in vals for name in UNIT_FIELDS):
            groups = self._units_after(vals)
            if len(groups) > 1:
                for unit, tickets in groups:
                    tickets.write(dict(vals, unit_id=unit.id))
                return True
            vals["unit_id"] = groups[0][0].id if groups else False
        result = super().write(vals)
        if any(name in vals for name in DECISION_FIELDS):
            # A change of contract or customer recorded the new coverage with the
            # re-targeting (see _on_retargeted); this records the others.
            self._decide_coverage()
        return result

    def _units_after(self, vals):
        """The unit each ticket will have once ``vals`` is written (customer,
        product or serial number corrected): [(unit, tickets)]."""
        Partner = self.env["res.partner"]
        Product = self.env["product.product"]
        keys = {
            ticket.id: self._unit_key(
                Partner.browse(vals["partner_id"])
                if "partner_id" in vals
                else ticket.partner_id,
                Product.browse(vals["product_id"])
                if "product_id" in vals
                else ticket.product_id,
                vals["serial_number"]
                if "serial_number" in vals
                else ticket.serial_number,
            )
            for ticket in self
        }
        found = self.env["aftersales.unit"]._find_for_tickets(keys.values())
        groups = {}
        for ticket in self:
            unit = found[keys[ticket.id]]
            groups.setdefault(unit.id, (unit, self.browse()))
            groups[unit.id] = (unit, groups[unit.id][1] | ticket)
        return list(groups.values())

    def _reported_payload(self):
        payload = super()._reported_payload()
        payload.update(self._coverage_summary())
        return payload

    def _targeting_snapshot(self):
        """The coverage is part of what a re-targeting records (before, after)."""
        snapshot = super()._targeting_snapshot()
        snapshot.update(coverage=self.coverage, coverage_reason=self.coverage_reason)
        return snapshot

    def _on_retargeted(self, previous):
        # The contract or customer changed: decide the coverage first, so that the
        # re-targeting event records it.
        self._decide_coverage(record=False)
        return super()._on_retargeted(previous)

    @api.model
    def _check_create_door(self, vals_list):
        result = super()._check_create_door(vals_list)
        for vals in vals_list:
            preset = [
                name
                for name in COVERAGE_FIELDS
                if name in vals and not door.is_empty(vals[name])
            ]
            if preset:
                door.refuse(
                    self,
                    preset,
                    hint=self.env._(
                        "The coverage is decided when the ticket is reported; a "
                        "manager may then override it."
                    ),
                )
        return result

    def _check_write_door(self, vals):
        result = super()._check_write_door(vals)
        guarded = COVERAGE_FIELDS.intersection(vals)
        if guarded:
            door.refuse(
                self,
                guarded,
                hint=self.env._(
                    "After-Sales managers override the coverage with a reason "
                    "(Override Coverage)."
                ),
            )
        return result

    # ------------------------------------------------------------------
    # Unit
    # ------------------------------------------------------------------

    @api.model
    def _unit_key(self, partner, product, serial):
        return (partner.commercial_partner_id.id, product.id or False, serial or "")

    @api.model
    def _match_unit_vals(self, vals_list):
        """Find each new ticket's unit (one search for the batch) and complete the
        product and serial number from it, so that the contract matching that
        follows sees them."""
        Partner = self.env["res.partner"]
        Product = self.env["product.product"]
        todo = [vals for vals in vals_list if not vals.get("unit_id")]
        keys = {
            id(vals): self._unit_key(
                Partner.browse(vals.get("partner_id")),
                Product.browse(vals.get("product_id")),
                vals.get("serial_number"),
            )
            for vals in todo
        }
        found = self.env["aftersales.unit"]._find_for_tickets(keys.values())
        # sudo: the units chosen on the tickets, whoever reports them (one query
        # for the batch: which of them exist).
        chosen = (
            self.env["aftersales.unit"]
            .sudo()
            .browse({vals["unit_id"] for vals in vals_list if vals.get("unit_id")})
            .exists()
        )
        for vals in vals_list:
            if vals.get("unit_id"):
                unit = chosen.browse(vals["unit_id"])
                if unit in chosen:
                    self._fill_from_unit(vals, unit=unit)
                continue
            unit = found[keys[id(vals)]]
            if unit:
                vals["unit_id"] = unit.id
                # sudo: the unit found fills the ticket, whoever reports (portal too)
                self._fill_from_unit(vals, unit=unit.sudo())

    @api.model
    def _fill_from_unit(self, vals, tickets=None, unit=None):
        """The product and serial number of the unit in ``vals`` (``unit`` when
        the caller has it, known to exist), where ``vals`` gives none and
        ``tickets`` (being written) do not have them already."""
        if unit is None:
            # sudo: the unit's product and serial, whoever reports on it.
            unit = self.env["aftersales.unit"].sudo().browse(vals["unit_id"])
            if not unit.exists():
                return
        tickets = tickets if tickets is not None else self.browse()
        if not vals.get("product_id") and (
            not tickets or any(t.product_id != unit.product_id for t in tickets)
        ):
            vals["product_id"] = unit.product_id.id
        serial = unit.lot_id.name
        if (
            serial
            and not vals.get("serial_number")
            and (
                not tickets
                or any(
                    (t.serial_number or "").strip().casefold()
                    != serial.strip().casefold()
                    for t in tickets
                )
            )
        ):
            vals["serial_number"] = serial

    @door.opens(TICKET)
    def _rematch_unit(self):
        """Look for the unit of these tickets (reported before the addon was
        installed): the one found, or none."""
        found = self.env["aftersales.unit"]._find_for_tickets(
            self._unit_key(t.partner_id, t.product_id, t.serial_number) for t in self
        )
        for ticket in self:
            unit = found[
                self._unit_key(
                    ticket.partner_id, ticket.product_id, ticket.serial_number
                )
            ]
            if unit != ticket.unit_id:
                ticket.write({"unit_id": unit.id})

    # ------------------------------------------------------------------
    # Coverage
    # ------------------------------------------------------------------

    @api.model
    def _match_contract_vals(self, vals_list):
        """The coverage of new tickets follows their contract and unit: decided
        with the contract, before anything is written."""
        result = super()._match_contract_vals(vals_list)
        Contract = self.env["aftersales.contract"]
        # sudo: the unit's warranty decides, whoever reports the ticket.
        Unit = self.env["aftersales.unit"].sudo()
        now = fields.Datetime.now()
        guarantee_ends = self._guarantee_ends(
            Unit.browse({vals["unit_id"] for vals in vals_list if vals.get("unit_id")})
        )
        for vals in vals_list:
            reported = fields.Datetime.to_datetime(vals.get("reported_at")) or now
            unit = Unit.browse(vals.get("unit_id"))
            decision = rule.decide(
                has_contract=bool(vals.get("contract_id")),
                has_unit=bool(unit),
                warranty_end=unit.warranty_end or None,
                reported_on=Contract._local_date(reported),
                guarantee_end=self._guarantee_end_for(
                    guarantee_ends.get(unit.id, []), reported
                ),
            )
            vals["coverage"] = decision.coverage
            vals["coverage_reason"] = decision.reason
        return result

    def _coverage_decision(self):
        """The rule's decision for this ticket as it stands."""
        self.ensure_one()
        # sudo: the unit's warranty decides, whoever looks.
        unit = self.sudo().unit_id
        return rule.decide(
            has_contract=bool(self.contract_id),
            has_unit=bool(unit),
            warranty_end=unit.warranty_end or None,
            reported_on=self.env["aftersales.contract"]._local_date(self.reported_at),
            guarantee_end=self._guaranteed_repair().aftersales_guarantee_end or None,
        )

    @api.model
    def _guarantee_ends(self, units):
        """The re-repair guarantees of ``units``: {unit id: [(the repaired
        ticket's resolution time, the guarantee's last day)]}; one query for the
        batch (new tickets: every repair is another ticket's)."""
        if not units:
            return {}
        # sudo: the guarantee decides, whoever reports.
        repairs = (
            self.env["repair.order"]
            .sudo()
            .search(
                [
                    ("ticket_id.unit_id", "in", units.ids),
                    ("aftersales_guarantee_end", "!=", False),
                ]
            )
        )
        ends = {}
        for repair in repairs:
            ends.setdefault(repair.ticket_id.unit_id.id, []).append(
                (repair.ticket_id.resolved_at, repair.aftersales_guarantee_end)
            )
        return ends

    @api.model
    def _guarantee_end_for(self, guarantees, reported):
        """The last day of the latest-ending guarantee among ``guarantees`` (see
        ``_guarantee_ends``) of a repair resolved before ``reported``: a fault
        reported before the repair was done is not its repeat. None if none."""
        ends = [
            end for resolved, end in guarantees if not resolved or resolved <= reported
        ]
        return max(ends) if ends else None

    def _guaranteed_repair(self, unit=None):
        """The latest-ending paid repair of the unit (``unit``, else this ticket's)
        made for another ticket resolved before this one was reported, whose
        re-repair guarantee has started: an empty recordset when none. Sudo: the
        guarantee decides, whoever reports."""
        # sudo: the guarantee decides, whoever reports (see the docstring)
        unit = unit if unit is not None else self.sudo().unit_id
        if not unit:
            # sudo: the same environment as the search below
            return self.env["repair.order"].sudo().browse()
        domain = [
            ("ticket_id.unit_id", "=", unit.id),
            ("aftersales_guarantee_end", "!=", False),
        ]
        if self.ids:
            domain.append(("ticket_id", "not in", self.ids))
        if len(self) == 1 and self.reported_at:
            domain.append(("ticket_id.resolved_at", "<=", self.reported_at))
        # sudo: the guarantee decides, whoever reports (see the docstring)
        return (
            self.env["repair.order"]
            .sudo()
            .search(domain, order="aftersales_guarantee_end desc, id desc", limit=1)
        )

    @door.opens(TICKET)
    def _decide_coverage(self, record=True, closed=False):
        """Decide the coverage again of the open (and with ``closed``, closed)
        tickets whose coverage no manager overrode; record (``record``) those whose
        coverage changed in a ``ticket.coverage_decided`` event."""
        changed = self.browse()
        for ticket in self:
            if ticket.coverage_overridden or (ticket.state == "closed" and not closed):
                continue
            decision = ticket._coverage_decision()
            if (ticket.coverage, ticket.coverage_reason) != tuple(decision):
                ticket.write(
                    {
                        "coverage": decision.coverage,
                        "coverage_reason": decision.reason,
                    }
                )
                changed |= ticket
        if record and changed:
            changed._append_ticket_events(
                "ticket.coverage_decided",
                lambda ticket: ticket._coverage_summary(),
            )
        return changed

    def _coverage_summary(self):
        """The coverage and what it rests on, as the ledger records it."""
        self.ensure_one()
        # sudo: what the decision rested on, recorded whoever acts.
        unit = self.sudo().unit_id
        repair = self._guaranteed_repair()
        return {
            "guarantee_repair": repair.name or None,
            "guarantee_end": fields.Date.to_string(repair.aftersales_guarantee_end)
            or None,
            "coverage": self.coverage or None,
            "coverage_reason": self.coverage_reason or None,
            "unit": unit.id or None,
            "serial": unit.lot_id.name or None,
            "warranty_end": fields.Date.to_string(unit.warranty_end) or None,
        }

    def action_override_coverage(self, coverage, reason, note):
        """A manager decides the coverage by hand (e.g. the technician found the
        unit misused): a reason code that goes with the coverage, and a note.

        :param coverage: a code of ``coverage``
        :param reason: a code of ``coverage_reason`` going with it
        :param note: why (required text)
        """
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only After-Sales managers override a ticket's coverage.")
            )
        self.check_access("write")
        coverages = dict(self._fields["coverage"]._description_selection(self.env))
        reasons = dict(self._fields["coverage_reason"]._description_selection(self.env))
        if coverage not in coverages:
            raise ValidationError(
                self.env._("Unknown coverage: %r", str(coverage)[:60])
            )
        if reason not in reasons:
            raise ValidationError(
                self.env._("Unknown coverage reason: %r", str(reason)[:60])
            )
        if not rule.check_override(coverage, reason):
            raise ValidationError(
                self.env._(
                    "The reason %(reason)s does not go with the coverage %(coverage)s.",
                    reason=reasons[reason],
                    coverage=coverages[coverage],
                )
            )
        note = inputs.to_text(self.env, note, self.env._("Note"), required=True)
        for ticket in self:
            if ticket.state == "closed":
                raise UserError(
                    self.env._(
                        "Ticket %s is closed: its coverage can no longer change.",
                        ticket.display_name,
                    )
                )
        return self._override_coverage(coverage, reason, note)

    @door.opens(TICKET)
    def _override_coverage(self, coverage, reason, note):
        previous = {
            ticket.id: {"coverage": ticket.coverage, "reason": ticket.coverage_reason}
            for ticket in self
        }
        self.write(
            {
                "coverage": coverage,
                "coverage_reason": reason,
                "coverage_overridden": True,
                "coverage_note": note,
            }
        )
        self._append_ticket_events(
            "ticket.coverage_overridden",
            lambda ticket: dict(
                ticket._coverage_summary(), previous=previous[ticket.id]
            ),
            reason=note,
        )
        return True

    def action_open_coverage_override(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Coverage"),
            "res_model": "aftersales.ticket.coverage.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }
