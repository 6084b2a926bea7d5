"""The schedule of planned maintenance: one row per plan and unit, holding the next
due date and the day its ticket is generated (due date minus the plan's lead days).

The generation reads only the rows whose generation day has come (a partial index
on ``generate_on`` of the active rows), so its work grows with what is due, not with
the installed base. Rows are locked ``FOR UPDATE SKIP LOCKED``: two workers never
generate the same visit, and a unique index on the generated tickets (plan, unit,
due date) is the last guard. The scheduled action generates one batch per call and
Odoo's cron loop commits between batches (``ir.cron._notify_progress``).
"""

from datetime import datetime, time

import psycopg2.errors
import pytz
from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import create_index

from odoo.addons.aftersales_sla.tools import door
from odoo.addons.aftersales_sla.tools.quiet_sql import quiet_sql

#: Door of the maintenance fields of tickets and of their checklist points.
MAINTENANCE = "aftersales.maintenance.schedule"
CHECK = "aftersales.maintenance.check"


class AftersalesMaintenanceSchedule(models.Model):
    """When the next planned visit of a unit is due (system bookkeeping)."""

    _name = "aftersales.maintenance.schedule"
    _description = "After-Sales Maintenance Schedule"
    _order = "next_due, id"
    _rec_name = "plan_id"

    plan_id = fields.Many2one(
        "aftersales.maintenance.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    unit_id = fields.Many2one(
        "aftersales.unit", required=True, ondelete="cascade", index=True
    )
    active = fields.Boolean(default=True)
    cycle = fields.Integer(
        readonly=True, help="Number of the next visit (0: the first) of this unit."
    )
    next_due = fields.Date(readonly=True, required=True, index=True)
    generate_on = fields.Date(
        readonly=True,
        required=True,
        help="The day the next visit's ticket is generated (due date minus the "
        "plan's lead days).",
    )
    last_ticket_id = fields.Many2one(
        "aftersales.ticket", readonly=True, ondelete="set null"
    )

    _sql_constraints = [
        (
            "plan_unit_unique",
            "UNIQUE(plan_id, unit_id)",
            "A unit is scheduled once per maintenance plan.",
        ),
    ]

    def init(self):
        # The generation scans only active rows whose day has come.
        create_index(
            self.env.cr,
            "aftersales_maintenance_schedule_due_idx",
            self._table,
            ["generate_on"],
            where="active",
        )

    # ------------------------------------------------------------------
    # Dates
    # ------------------------------------------------------------------

    @api.model
    def _cycle_date(self, first_due, interval_months, cycle):
        """Due date of visit ``cycle``: counted from the first due date (no drift at
        month ends: 31 Jan, 30 Apr, 31 Jul...)."""
        return first_due + relativedelta(months=interval_months * cycle)

    @api.model
    def _first_cycle(self, first_due, interval_months, today):
        """The first visit due today or later (a unit joining a running plan)."""
        if first_due >= today:
            return 0
        months = (today.year - first_due.year) * 12 + today.month - first_due.month
        cycle = max(0, months // interval_months)
        while self._cycle_date(first_due, interval_months, cycle) < today:
            cycle += 1
        return cycle

    @api.model
    def _dates_vals(self, plan, cycle):
        due = self._cycle_date(plan.date_first_due, plan.interval_months, cycle)
        return {
            "cycle": cycle,
            "next_due": due,
            "generate_on": due - relativedelta(days=plan.lead_days),
        }

    @api.model
    def _row_vals(self, plan, unit_id, cycle):
        return dict(self._dates_vals(plan, cycle), plan_id=plan.id, unit_id=unit_id)

    @api.model
    def _due_instant(self, contract, due):
        """The end of due date ``due`` (23:59:59) in the time zone of the
        contract's service hours (else its company's), as naive UTC."""
        tz_name = contract.calendar_id.tz or contract.company_id.partner_id.tz or "UTC"
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        local = tz.localize(datetime.combine(due, time(23, 59, 59)))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------

    @api.model
    def _lock_due(self, today, limit):
        """Active rows whose generation day has come, locked for this transaction;
        rows another worker holds are skipped, not waited for (as the SLA watch's
        ``_lock_due``)."""
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False), quiet_sql():
                self.env.cr.execute(
                    """SELECT id FROM aftersales_maintenance_schedule
                        WHERE active AND generate_on <= %s
                     ORDER BY generate_on, id LIMIT %s
                          FOR UPDATE SKIP LOCKED""",
                    [today, limit],
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.errors.SerializationFailure:
            return self.browse()
        return self.browse(ids)

    @api.model
    def _count_due(self, today):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT count(*) FROM aftersales_maintenance_schedule
                WHERE active AND generate_on <= %s""",
            [today],
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _generate_due(self, batch_size=500, today=None):
        """Generate the maintenance tickets of one batch of due rows and advance
        them to their next visit. Returns the new tickets."""
        today = today or fields.Date.context_today(self)
        rows = self._lock_due(today, batch_size)
        if not rows:
            return self.env["aftersales.ticket"]
        now = fields.Datetime.now()
        to_generate, dropped = rows._split_generable(now)
        if dropped:
            dropped.write({"active": False})
        if not to_generate:
            return self.env["aftersales.ticket"]
        vals_list = [row._ticket_vals() for row in to_generate]
        with door.opened(MAINTENANCE, CHECK):
            tickets = self.env["aftersales.ticket"].create(vals_list)
        to_generate._advance(tickets)
        return tickets

    def _split_generable(self, now):
        """(rows to generate, rows to deactivate): a row is dropped when its plan
        is archived, its unit is archived or out of the plan's scope, or its
        contract is not active at ``now`` or ends before the visit is due."""
        keep, drop = self.browse(), self.browse()
        in_scope = self._in_scope_ids()
        in_force = {}
        for row in self:
            contract = row.plan_id.contract_id
            if contract.id not in in_force:
                in_force[contract.id] = (
                    contract.state == "active" and contract._covers_moment(now)
                )
            end = contract.termination_date or contract.date_end
            if (
                row.id in in_scope
                and in_force[contract.id]
                and (not end or row.next_due <= end)
            ):
                keep |= row
            else:
                drop |= row
        return keep, drop

    def _in_scope_ids(self):
        """Ids of these rows whose unit the plan still maintains (active plan and
        unit; the unit chosen, or covered by the plan's contract): one query for
        the batch, whatever the size of the plans' scope."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT s.id FROM aftersales_maintenance_schedule s
                 JOIN aftersales_maintenance_plan p ON p.id = s.plan_id
                 JOIN aftersales_unit u ON u.id = s.unit_id
                WHERE s.id = ANY(%s) AND p.active AND u.active
                  AND CASE WHEN p.all_units THEN u.contract_id = p.contract_id
                           ELSE EXISTS (
                               SELECT 1 FROM aftersales_maintenance_plan_unit_rel r
                                WHERE r.plan_id = p.id AND r.unit_id = u.id)
                      END""",
            [self.ids],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _ticket_vals(self):
        """The maintenance ticket of this row's next visit."""
        self.ensure_one()
        plan, unit = self.plan_id, self.unit_id
        lang = plan.partner_id.lang or self.env.lang
        label = self.with_context(lang=lang).env._(
            "Planned maintenance %(plan)s, due %(due)s",
            plan=plan.name,
            due=fields.Date.to_string(self.next_due),
        )
        checklist = plan.checklist_ids
        description = Markup("<p>%s</p>") % label
        if checklist:
            description += Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % escape(line.name) for line in checklist
            )
        return {
            "name": label,
            "company_id": plan.company_id.id,
            "partner_id": unit.partner_id.id,
            "contract_id": plan.contract_id.id,
            "service_type_id": plan.service_type_id.id,
            "channel": "phone",
            "unit_id": unit.id,
            "product_id": unit.product_id.id,
            "serial_number": unit.lot_id.name or False,
            "description": description,
            "maintenance_plan_id": plan.id,
            "maintenance_due": self.next_due,
            "maintenance_check_ids": [
                (
                    0,
                    0,
                    {
                        "sequence": line.sequence,
                        "name": line.name,
                        "required": line.required,
                    },
                )
                for line in checklist
            ],
        }

    def _advance(self, tickets):
        """Each row to its next visit, remembering the ticket generated (one SQL
        statement for the batch)."""
        values = []
        for row, ticket in zip(self, tickets, strict=True):
            dates = self._dates_vals(row.plan_id, row.cycle + 1)
            values.append(
                (
                    row.id,
                    ticket.id,
                    dates["cycle"],
                    dates["next_due"],
                    dates["generate_on"],
                )
            )
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE aftersales_maintenance_schedule s
                  SET last_ticket_id = v.ticket, cycle = v.cycle,
                      next_due = v.due, generate_on = v.generate_on,
                      write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
                 FROM unnest(%s::int[], %s::int[], %s::int[], %s::date[], %s::date[])
                   AS v(id, ticket, cycle, due, generate_on)
                WHERE s.id = v.id""",
            [
                self.env.uid,
                [value[0] for value in values],
                [value[1] for value in values],
                [value[2] for value in values],
                [value[3] for value in values],
                [value[4] for value in values],
            ],
        )
        self.invalidate_recordset(
            ["last_ticket_id", "cycle", "next_due", "generate_on"]
        )

    @api.model
    def _cron_generate(self, batch_size=500):
        """Scheduled action: generate the maintenance tickets coming due, one batch
        per call; Odoo's cron loop commits and calls again while some remain."""
        today = fields.Date.context_today(self)
        tickets = self._generate_due(batch_size=batch_size, today=today)
        remaining = self._count_due(today)
        self.env["ir.cron"]._notify_progress(done=len(tickets), remaining=remaining)
        return tickets
