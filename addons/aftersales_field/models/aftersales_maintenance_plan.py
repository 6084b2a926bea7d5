"""Planned maintenance: a contract's promise to visit its covered units every N
months, whatever goes wrong in between.

A plan names its units (or all the units its contract covers, resolved when tickets
are generated); each unit gets a schedule row (``aftersales.maintenance.schedule``)
holding its next due date. The daily generation reads only the rows coming due and
creates their maintenance tickets ahead of time; each ticket's clock is its due date.
Changes of a plan of a contract in force are recorded in the service ledger as a
``contract.maintenance_planned`` event of the contract.
"""

import contextvars

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

MANAGER_GROUP = "aftersales_sla.group_aftersales_manager"

#: Set while a plan is created or written: its checklist lines changed with it are
#: recorded with the plan (one event), not each on its own.
_PLANNING = contextvars.ContextVar("aftersales_maintenance_planning", default=False)

#: Fields whose change is recorded in the ledger (and re-plans the schedule).
PLANNED_FIELDS = (
    "name",
    "contract_id",
    "service_type_id",
    "interval_months",
    "lead_days",
    "date_first_due",
    "all_units",
    "unit_ids",
    "checklist_ids",
    "active",
)


class AftersalesMaintenancePlan(models.Model):
    """Planned maintenance of a contract's units: every ``interval_months``, with a
    checklist, its tickets generated ``lead_days`` before they are due."""

    _name = "aftersales.maintenance.plan"
    _description = "After-Sales Maintenance Plan"
    _inherit = ["mail.thread"]
    _order = "contract_id, name, id"

    def _default_service_type(self):
        return self.env.ref(
            "aftersales_sla.service_type_maintenance", raise_if_not_found=False
        )

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    contract_id = fields.Many2one(
        "aftersales.contract",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        domain="[('contract_type', '=', 'customer'), "
        "('state', 'in', ('draft', 'active', 'suspended'))]",
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id.commercial_partner_id",
        string="Customer",
        store=True,
        index=True,
    )
    service_type_id = fields.Many2one(
        "aftersales.service.type",
        required=True,
        default=lambda self: self._default_service_type(),
        ondelete="restrict",
        tracking=True,
        help="The service type of the tickets the plan generates (penalty clauses "
        "may be limited to it).",
    )
    interval_months = fields.Integer(
        string="Every (Months)",
        required=True,
        default=3,
        tracking=True,
        help="A visit per unit every this many months (1 to 60).",
    )
    lead_days = fields.Integer(
        string="Generate (Days Ahead)",
        required=True,
        default=14,
        tracking=True,
        help="The maintenance ticket is created this many days before it is due, "
        "for the visit to be agreed.",
    )
    date_first_due = fields.Date(
        string="First Due Date",
        required=True,
        tracking=True,
        help="When the first visit of each unit is due; later ones follow every "
        "interval. A unit added later is first due on the plan's next due date.",
    )
    all_units = fields.Boolean(
        string="All Units Covered by the Contract",
        tracking=True,
        help="Every unit of the installed base whose covering contract is this one, "
        "including units added later.",
    )
    unit_ids = fields.Many2many(
        "aftersales.unit",
        "aftersales_maintenance_plan_unit_rel",
        "plan_id",
        "unit_id",
        string="Units",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    unit_count = fields.Integer(string="Units in Scope", compute="_compute_unit_count")
    checklist_ids = fields.One2many(
        "aftersales.maintenance.checklist", "plan_id", string="Checklist", copy=True
    )
    schedule_ids = fields.One2many(
        "aftersales.maintenance.schedule", "plan_id", string="Schedule"
    )
    ticket_ids = fields.One2many(
        "aftersales.ticket", "maintenance_plan_id", string="Maintenance Tickets"
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count")
    next_due = fields.Date(compute="_compute_next_due", help="The earliest visit due.")

    @api.depends("all_units", "unit_ids", "contract_id")
    def _compute_unit_count(self):
        for plan in self:
            plan.unit_count = len(plan._scope_units())

    def _compute_ticket_count(self):
        groups = self.env["aftersales.ticket"]._read_group(
            [("maintenance_plan_id", "in", self.ids)],
            ["maintenance_plan_id"],
            ["__count"],
        )
        counts = {plan.id: count for plan, count in groups}
        for plan in self:
            plan.ticket_count = counts.get(plan.id, 0)

    def _compute_next_due(self):
        # sudo: the schedule is the system's; the plan's reader sees its next date.
        groups = (
            self.env["aftersales.maintenance.schedule"]
            .sudo()
            ._read_group(
                [("plan_id", "in", self.ids), ("active", "=", True)],
                ["plan_id"],
                ["next_due:min"],
            )
        )
        dates = {plan.id: due for plan, due in groups}
        for plan in self:
            plan.next_due = dates.get(plan.id, False)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("interval_months", "lead_days")
    def _check_interval(self):
        for plan in self:
            if not 1 <= plan.interval_months <= 60:
                raise ValidationError(
                    self.env._(
                        "Maintenance plan %(plan)s: the interval is between 1 and "
                        "60 months, not %(months)s.",
                        plan=plan.name,
                        months=plan.interval_months,
                    )
                )
            if not 0 <= plan.lead_days <= 365:
                raise ValidationError(
                    self.env._(
                        "Maintenance plan %(plan)s: tickets are generated 0 to 365 "
                        "days before they are due, not %(days)s.",
                        plan=plan.name,
                        days=plan.lead_days,
                    )
                )

    @api.constrains("contract_id", "unit_ids", "all_units", "active")
    def _check_scope(self):
        for plan in self:
            # sudo: the contract's type and customer, to check the plan.
            contract = plan.contract_id.sudo()
            if contract.contract_type != "customer":
                raise ValidationError(
                    self.env._(
                        "Maintenance plan %(plan)s: only a customer contract plans "
                        "maintenance of its customer's units (%(contract)s is not "
                        "one).",
                        plan=plan.name,
                        contract=contract.display_name,
                    )
                )
            customer = contract.partner_id.commercial_partner_id
            # sudo: other customers' units are refused: the editor may not read them
            foreign = plan.unit_ids.sudo().filtered(
                lambda unit, customer=customer: unit.commercial_partner_id != customer
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "Maintenance plan %(plan)s: unit %(unit)s belongs to "
                        "%(owner)s, not to the contract's customer %(customer)s.",
                        plan=plan.name,
                        unit=foreign[0].display_name,
                        owner=foreign[0].commercial_partner_id.display_name,
                        customer=customer.display_name,
                    )
                )
            if plan.active and not plan._scope_units():
                raise ValidationError(
                    self.env._(
                        "Maintenance plan %(plan)s covers no unit: choose the units "
                        "to maintain, or cover all the units of contract "
                        "%(contract)s (it covers none yet: set it as the covering "
                        "contract of the customer's units first).",
                        plan=plan.name,
                        contract=contract.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager()
        token = _PLANNING.set(True)
        try:
            plans = super().create(vals_list)
        finally:
            _PLANNING.reset(token)
        plans._plan_schedules()
        plans._record_planned()
        return plans

    def write(self, vals):
        self._check_manager()
        if "contract_id" in vals and self.ticket_ids:
            raise UserError(
                self.env._(
                    "Maintenance plan %s has generated tickets under its contract: "
                    "it cannot move to another contract (archive it and plan anew).",
                    self.filtered("ticket_ids")[0].name,
                )
            )
        token = _PLANNING.set(True)
        try:
            result = super().write(vals)
        finally:
            _PLANNING.reset(token)
        if any(name in vals for name in PLANNED_FIELDS):
            self._plan_schedules()
            self._record_planned()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_generated(self):
        self._check_manager()
        for plan in self:
            if plan.with_context(active_test=False).ticket_ids:
                raise UserError(
                    self.env._(
                        "Maintenance plan %s has generated tickets: archive it "
                        "instead of deleting it.",
                        plan.name,
                    )
                )

    def _check_manager(self):
        """Only After-Sales managers plan maintenance (over any interface)."""
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        raise AccessError(
            self.env._("Only After-Sales managers create or change maintenance plans.")
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_field.aftersales_maintenance_ticket_action"
        )
        action["domain"] = [("maintenance_plan_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _scope_units(self):
        """The units the plan maintains now: those chosen, or every active unit
        whose covering contract is the plan's."""
        self.ensure_one()
        # sudo: the installed base of the contract, whoever asks (scope counts).
        Unit = self.env["aftersales.unit"].sudo()
        if self.all_units:
            if not self.contract_id:
                return Unit
            return Unit.search([("contract_id", "=", self.contract_id.id)])
        # sudo: the installed base of the contract, whoever asks (scope counts)
        return self.unit_ids.sudo().filtered("active")

    def _due_dates(self, cycle):
        """The due date of visit number ``cycle`` (0 first) of every unit."""
        self.ensure_one()
        return self.env["aftersales.maintenance.schedule"]._cycle_date(
            self.date_first_due, self.interval_months, cycle
        )

    def _plan_schedules(self):
        """Bring the schedule rows in line with the plan: a row per unit in scope
        (new units start at the plan's next due date from today), rows of units
        out of scope or of an archived plan are deactivated, dates re-derived from
        the plan's first due date and interval for the cycle each row is at."""
        # sudo: schedule rows are the system's bookkeeping, changed with the plan.
        Schedule = self.env["aftersales.maintenance.schedule"].sudo()
        today = fields.Date.context_today(self)
        for plan in self:
            rows = Schedule.with_context(active_test=False).search(
                [("plan_id", "=", plan.id)]
            )
            by_unit = {row.unit_id.id: row for row in rows}
            units = plan._scope_units() if plan.active else self.env["aftersales.unit"]
            keep = set(units.ids)
            rows.filtered(lambda row, keep=keep: row.unit_id.id not in keep).write(
                {"active": False}
            )
            first_cycle = Schedule._first_cycle(
                plan.date_first_due, plan.interval_months, today
            )
            new = []
            for unit in units:
                row = by_unit.get(unit.id)
                if row is None:
                    new.append(
                        Schedule._row_vals(plan, unit.id, first_cycle),
                    )
                else:
                    row.write(dict(Schedule._dates_vals(plan, row.cycle), active=True))
            if new:
                Schedule.create(new)

    def _planned_payload(self):
        """What the ledger records of the plan (ids and codes, no names of
        people)."""
        self.ensure_one()
        return {
            "plan": self.id,
            "name": self.name,
            "active": self.active,
            "service_type": self.service_type_id.code,
            "interval_months": self.interval_months,
            "lead_days": self.lead_days,
            "first_due": fields.Date.to_string(self.date_first_due),
            "all_units": self.all_units,
            "units": sorted(self.unit_ids.ids),
            "checklist": [
                {"name": line.name, "required": line.required}
                for line in self.checklist_ids
            ],
        }

    def _record_planned(self):
        """Record the plans of contracts in force in the ledger, as events of
        their contract (once per plan change: not for each of its checklist lines
        changed with it)."""
        if _PLANNING.get():
            return
        entries = [
            {
                "event_type": "contract.maintenance_planned",
                "subject": plan.contract_id,
                "company": plan.company_id,
                "payload": dict(
                    plan._planned_payload(), contract=plan.contract_id.name
                ),
            }
            # sudo: the contract's state decides whether the change is recorded.
            for plan in self.with_context(active_test=False)
            if plan.contract_id.sudo().state in ("active", "suspended")
        ]
        if entries:
            self.env["aftersales.event"]._append_events(entries)
