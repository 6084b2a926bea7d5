from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .aftersales_sla_target import PRIORITIES

#: A reported time further in the past than this needs a reason (a phone report
#: entered later); small differences are the time it took to type the ticket.
LATE_ENTRY_TOLERANCE = timedelta(minutes=15)

#: Metrics per kind of ticket.
STANDARD_METRICS = ("response", "arrival", "resolution")
COMPLAINT_METRICS = ("complaint_response", "complaint_feedback")


class AftersalesTicket(models.Model):
    """A service request or complaint whose SLA clocks run on its contract's terms.

    Every action appends a ledger event; the SLA lines are re-projected from the
    ticket's events after each one (see ``aftersales.ticket.sla``).
    """

    _name = "aftersales.ticket"
    _description = "After-Sales Ticket"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin"]
    _order = "priority desc, reported_at desc, id desc"
    _rec_names_search = ["number", "name"]

    def _default_stage(self):
        return self.env["aftersales.ticket.stage"].search(
            [("is_resolved", "=", False), ("is_closed", "=", False)], limit=1
        )

    def _default_service_type(self):
        return self.env.ref(
            "aftersales_sla.service_type_repair", raise_if_not_found=False
        )

    number = fields.Char(
        string="Ticket Number", readonly=True, copy=False, default="/", index=True
    )
    name = fields.Char(string="Summary", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        domain="[('parent_id', '=', commercial_partner_id)]",
    )
    contract_id = fields.Many2one(
        "aftersales.contract",
        string="Contract",
        index=True,
        tracking=True,
        domain="[('state', '=', 'active'), ('contract_type', '=', 'customer')]",
    )
    contract_match = fields.Selection(
        [
            ("matched", "Matched"),
            ("none", "No Contract Found"),
            ("several", "Several Contracts"),
            ("manual", "Chosen by Hand"),
        ],
        readonly=True,
        copy=False,
    )
    candidate_contract_ids = fields.Many2many(
        "aftersales.contract",
        string="Candidate Contracts",
        readonly=True,
        copy=False,
    )
    service_type_id = fields.Many2one(
        "aftersales.service.type",
        required=True,
        default=lambda self: self._default_service_type(),
        tracking=True,
        ondelete="restrict",
    )
    is_complaint = fields.Boolean(related="service_type_id.is_complaint")
    priority = fields.Selection(PRIORITIES, required=True, default="1", tracking=True)
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("portal", "Portal"),
            ("onsite", "On Site"),
        ],
        required=True,
        default="phone",
    )
    description = fields.Html()
    work_notes = fields.Html(
        string="Work Performed",
        help="What the technician did: printed on the service report that the "
        "customer signs (internal chatter notes never are).",
    )
    product_id = fields.Many2one("product.product", string="Product")
    serial_number = fields.Char(index=True)
    reported_at = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        index=True,
        tracking=True,
        help="When the customer reported it. May lie in the past (give the reason), "
        "never in the future.",
    )
    late_entry_reason = fields.Char(
        help="Why the ticket was entered later than it was reported."
    )
    user_id = fields.Many2one(
        "res.users", string="Assigned To", index=True, tracking=True
    )
    team_id = fields.Many2one("aftersales.team", index=True, tracking=True)
    service_partner_id = fields.Many2one(
        "res.partner",
        string="Service Partner",
        index=True,
        tracking=True,
        help="The local service partner serving this ticket for us.",
    )
    stage_id = fields.Many2one(
        "aftersales.ticket.stage",
        default=lambda self: self._default_stage(),
        group_expand="_read_group_stage_ids",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
    )
    responded_at = fields.Datetime(readonly=True, copy=False)
    arrived_at = fields.Datetime(string="Arrived On Site At", readonly=True, copy=False)
    resolved_at = fields.Datetime(readonly=True, copy=False, index="btree_not_null")
    accepted_at = fields.Datetime(readonly=True, copy=False)
    acceptance = fields.Selection(
        [("customer", "By the Customer"), ("automatic", "Automatically")],
        readonly=True,
        copy=False,
    )
    closed_at = fields.Datetime(readonly=True, copy=False)
    signature = fields.Image(
        help="The customer's signature accepting the service (portal sign-off).",
        attachment=True,
        copy=False,
        readonly=True,
        max_width=1024,
        max_height=1024,
    )
    signed_by = fields.Char(
        help="Name of the person who signed the service report.",
        copy=False,
        readonly=True,
    )
    signed_on = fields.Datetime(
        help="When the customer signed the service report.", copy=False, readonly=True
    )
    reopen_count = fields.Integer(readonly=True, copy=False)
    is_first_time_fix = fields.Boolean(
        compute="_compute_is_first_time_fix",
        store=True,
        help="Resolved without ever being reopened.",
    )
    pause_reason_id = fields.Many2one(
        "aftersales.pause.reason", readonly=True, copy=False, string="Paused For"
    )
    is_paused = fields.Boolean(compute="_compute_is_paused", store=True)
    state = fields.Selection(
        [
            ("open", "Open"),
            ("resolved", "Resolved"),
            ("closed", "Closed"),
        ],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    sla_ids = fields.One2many("aftersales.ticket.sla", "ticket_id", string="SLA")
    sla_deadline = fields.Datetime(
        string="Next Deadline",
        compute="_compute_sla_summary",
        store=True,
        index=True,
        help="The nearest deadline of the running SLA clocks.",
    )
    sla_status = fields.Selection(
        [
            ("running", "On Track"),
            ("paused", "Paused"),
            ("met", "Met"),
            ("breached", "Breached"),
            ("none", "No SLA"),
        ],
        string="SLA Status",
        compute="_compute_sla_summary",
        store=True,
        index=True,
    )
    sla_overdue = fields.Boolean(
        string="Overdue", compute="_compute_sla_live", search="_search_sla_overdue"
    )
    sla_at_risk = fields.Boolean(
        string="At Risk", compute="_compute_sla_live", search="_search_sla_at_risk"
    )
    event_ids = fields.Many2many(
        "aftersales.event",
        compute="_compute_event_ids",
        string="Ledger Events",
        help="The ticket's events in the service ledger, in the order they occurred.",
    )

    _sql_constraints = [
        (
            "number_company_unique",
            "UNIQUE(number, company_id)",
            "Ticket numbers are unique per company.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("resolved_at", "reopen_count")
    def _compute_is_first_time_fix(self):
        for ticket in self:
            ticket.is_first_time_fix = (
                bool(ticket.resolved_at) and not ticket.reopen_count
            )

    @api.depends("pause_reason_id")
    def _compute_is_paused(self):
        for ticket in self:
            ticket.is_paused = bool(ticket.pause_reason_id)

    @api.depends("sla_ids.state", "sla_ids.deadline")
    def _compute_sla_summary(self):
        for ticket in self:
            states = set(ticket.sla_ids.mapped("state")) - {"cancelled"}
            running = ticket.sla_ids.filtered(lambda line: line.state == "running")
            ticket.sla_deadline = min(running.mapped("deadline"), default=False)
            if not states:
                ticket.sla_status = "none"
            elif "breached" in states:
                ticket.sla_status = "breached"
            elif "running" in states:
                ticket.sla_status = "running"
            elif "paused" in states:
                ticket.sla_status = "paused"
            else:
                ticket.sla_status = "met"

    @api.depends("sla_ids.is_overdue", "sla_ids.is_at_risk")
    def _compute_sla_live(self):
        for ticket in self:
            ticket.sla_overdue = any(ticket.sla_ids.mapped("is_overdue"))
            ticket.sla_at_risk = any(ticket.sla_ids.mapped("is_at_risk"))

    def _search_sla_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [("sla_ids", "any", [("is_overdue", "=", True)])]
        return domain if (operator == "=") == value else ["!", *domain]

    def _search_sla_at_risk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [("sla_ids", "any", [("is_at_risk", "=", True)])]
        return domain if (operator == "=") == value else ["!", *domain]

    def _compute_event_ids(self):
        Event = self.env["aftersales.event"]
        for ticket in self:
            ticket.event_ids = Event.search(
                [("res_model", "=", self._name), ("res_id", "=", ticket.id)],
                order="occurred_at, id",
            )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/aftersales/tickets/{ticket.id}"
        return result

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([])

    @api.depends("number", "name")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = (
                f"{ticket.number} {ticket.name}"
                if ticket.number not in (False, "/")
                else ticket.name
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("reported_at")
    def _check_reported_at(self):
        now = fields.Datetime.now()
        for ticket in self:
            self._check_not_future(ticket.reported_at, now)

    @api.model
    def _check_not_future(self, reported, now):
        if reported > now + timedelta(seconds=60):
            raise ValidationError(
                self.env._(
                    "A ticket cannot be reported in the future (%(reported)s is "
                    "after now).",
                    reported=reported,
                )
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            reported = fields.Datetime.to_datetime(vals.get("reported_at")) or now
            # Before anything is written (events, SLA lines): checked again by the
            # constraint for later writes.
            self._check_not_future(reported, now)
            if now - reported > LATE_ENTRY_TOLERANCE and not vals.get(
                "late_entry_reason"
            ):
                raise ValidationError(
                    self.env._(
                        "The ticket was reported at %(reported)s, earlier than now: "
                        "say why it is entered late (e.g. reported by phone).",
                        reported=reported,
                    )
                )
        # Defaults that need a search: once for the batch, not once per ticket.
        if any("stage_id" not in vals for vals in vals_list):
            stage = self._default_stage()
            for vals in vals_list:
                vals.setdefault("stage_id", stage.id)
        self._assign_numbers(vals_list)
        self._match_contract_vals(vals_list)
        tickets = super().create(vals_list)
        tickets._append_reported_events()
        tickets._project_sla()
        return tickets

    def write(self, vals):
        if "reported_at" in vals and any(ticket.sla_ids for ticket in self):
            raise UserError(
                self.env._(
                    "The reported time of a ticket cannot change once its SLA clocks "
                    "run: record a correction instead."
                )
            )
        priority_changes = {}
        if "priority" in vals:
            priority_changes = {
                ticket.id: ticket.priority
                for ticket in self
                if ticket.priority != vals["priority"]
            }
        assignees = {}
        if "user_id" in vals:
            assignees = {
                ticket.id: ticket.user_id
                for ticket in self
                if ticket.user_id.id != vals["user_id"]
            }
        stage = None
        if vals.get("stage_id"):
            stage = self.env["aftersales.ticket.stage"].browse(vals["stage_id"])
        if "contract_id" in vals and not self.env.context.get(
            "aftersales_contract_match"
        ):
            vals["contract_match"] = "manual" if vals["contract_id"] else "none"
        result = super().write(vals)
        if priority_changes:
            self.browse(list(priority_changes))._on_priority_changed(priority_changes)
        if assignees:
            self.browse(list(assignees))._append_ticket_events(
                "ticket.assigned",
                lambda ticket: {
                    "from": assignees[ticket.id].id or None,
                    "to": ticket.user_id.id or None,
                    "user": ticket.user_id.name or None,
                },
            )
        if stage is not None and not self.env.context.get("aftersales_stage_action"):
            self._apply_stage(stage)
        return result

    # ------------------------------------------------------------------
    # Contract matching and SLA targets
    # ------------------------------------------------------------------

    @api.model
    def _assign_numbers(self, vals_list):
        """Ticket numbers for a batch: one sequence lookup per company, and the
        numbers of a standard sequence drawn in one query."""
        todo = defaultdict(list)
        for vals in vals_list:
            if vals.get("number", "/") == "/":
                todo[vals.get("company_id") or self.env.company.id].append(vals)
        Sequence = self.env["ir.sequence"].sudo()
        for company_id, batch in todo.items():
            sequence = Sequence.search(
                [
                    ("code", "=", "aftersales.ticket"),
                    ("company_id", "in", [company_id, False]),
                ],
                order="company_id",
                limit=1,
            )
            if not sequence:
                continue
            sequence = sequence.with_company(company_id)
            if sequence.implementation == "standard":
                self.env.cr.execute(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    [f"ir_sequence_{sequence.id:03d}", len(batch)],
                )
                prefix, suffix = sequence._get_prefix_suffix()
                for vals, (number,) in zip(batch, self.env.cr.fetchall(), strict=True):
                    vals["number"] = f"{prefix}{number:0{sequence.padding}d}{suffix}"
            else:
                for vals in batch:
                    vals["number"] = sequence._next()

    @api.model
    def _match_contract_vals(self, vals_list):
        """Find each new ticket's contract before it is written (one search per
        distinct customer, product, serial, reported time, region and service
        type of the batch); none or several are flagged for the user to choose."""
        Contract = self.env["aftersales.contract"]
        Partner = self.env["res.partner"]
        cache = {}
        default_type = self._default_service_type()
        now = fields.Datetime.now()
        for vals in vals_list:
            if vals.get("contract_id"):
                vals.setdefault("contract_match", "manual")
                continue
            partner = Partner.browse(vals.get("partner_id"))
            product = self.env["product.product"].browse(vals.get("product_id"))
            service_type = (
                self.env["aftersales.service.type"].browse(vals.get("service_type_id"))
                or default_type
            )
            when = fields.Datetime.to_datetime(vals.get("reported_at")) or now
            key = (
                partner.commercial_partner_id.id,
                product.id,
                (vals.get("serial_number") or "").strip().lower(),
                # The moment, not the day: an amendment may take effect mid-day.
                when,
                service_type.id,
            )
            if key not in cache:
                cache[key] = Contract._match_for_ticket(
                    partner,
                    product=product,
                    serial_number=vals.get("serial_number"),
                    when=when,
                    country=partner.country_id,
                    state=partner.state_id,
                    service_type=service_type,
                )
            candidates = cache[key]
            vals["candidate_contract_ids"] = [(6, 0, candidates.ids)]
            if len(candidates) == 1:
                vals["contract_id"] = candidates.id
                vals["contract_match"] = "matched"
            else:
                vals["contract_match"] = "several" if candidates else "none"

    def _sla_targets(self):
        """The SLA targets in force for this ticket: from its contract's terms at the
        reported time (amendments apply to tickets reported after them)."""
        self.ensure_one()
        if not self.contract_id:
            return self.env["aftersales.sla.target"]
        terms = self.contract_id._get_terms_at(self.reported_at)
        policy = terms.get("sla_policy")
        if not policy:
            return self.env["aftersales.sla.target"]
        metrics = COMPLAINT_METRICS if self.is_complaint else STANDARD_METRICS
        return policy._get_targets(self.priority, self.service_type_id, metrics)

    def _targets_payload(self):
        self.ensure_one()
        return [
            {
                "metric": target.metric,
                "target": target.id,
                "seconds": target.target_seconds,
                "calendar": target.calendar_id.id or None,
                "warning": target.warning_percent,
                "pause_reasons": sorted(target.pause_reason_ids.mapped("code")),
            }
            for target in self._sla_targets()
        ]

    # ------------------------------------------------------------------
    # Ledger
    # ------------------------------------------------------------------

    def _append_ticket_events(
        self, event_type, payload=None, occurred_at=None, reason=None
    ):
        """Append one event per ticket; ``payload`` may be a callable of the ticket."""
        entries = []
        for ticket in self:
            data = payload(ticket) if callable(payload) else dict(payload or {})
            data.setdefault("ticket", ticket.number)
            entries.append(
                {
                    "event_type": event_type,
                    "subject": ticket,
                    "company": ticket.company_id,
                    "payload": data,
                    "occurred_at": occurred_at,
                    "reason": reason,
                }
            )
        return self.env["aftersales.event"]._append_events(entries)

    def _append_reported_events(self):
        entries = []
        for ticket in self:
            entries.append(
                {
                    "event_type": "ticket.reported",
                    "subject": ticket,
                    "company": ticket.company_id,
                    "occurred_at": ticket.reported_at,
                    "reason": ticket.late_entry_reason or None,
                    "payload": {
                        "ticket": ticket.number,
                        "customer": ticket.partner_id.id,
                        "contract": ticket.contract_id.id or None,
                        "contract_match": ticket.contract_match,
                        "service_type": ticket.service_type_id.code,
                        "priority": ticket.priority,
                        "channel": ticket.channel,
                        "targets": ticket._targets_payload(),
                    },
                }
            )
        self.env["aftersales.event"]._append_events(entries)

    def _project_sla(self):
        """Re-project the SLA lines from the ledger. The lines are derived data,
        written by the system whoever triggered the change."""
        self.env["aftersales.ticket.sla"].sudo()._project_tickets(self.sudo())
        # New events: the timeline (computed, cached) is stale.
        self.invalidate_recordset(["event_ids"])

    def _on_priority_changed(self, previous):
        self._append_ticket_events(
            "ticket.priority_changed",
            lambda ticket: {
                "from": previous[ticket.id],
                "to": ticket.priority,
                "targets": ticket._targets_payload(),
            },
        )
        self._project_sla()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_open(self):
        for ticket in self:
            if ticket.state == "closed":
                raise UserError(self.env._("Ticket %s is closed.", ticket.display_name))

    def _occurred(self, when):
        """Validate the time a milestone is recorded for (default now)."""
        now = fields.Datetime.now()
        when = fields.Datetime.to_datetime(when) if when else now
        for ticket in self:
            if when > now + timedelta(seconds=60):
                raise ValidationError(
                    self.env._("A milestone cannot be recorded in the future.")
                )
            if when < ticket.reported_at:
                raise ValidationError(
                    self.env._(
                        "A milestone of %(ticket)s cannot come before its report "
                        "(%(reported)s).",
                        ticket=ticket.display_name,
                        reported=ticket.reported_at,
                    )
                )
        return min(when, now)

    def _milestone(self, field, event_type, when=None, reason=None, extra=None):
        self._check_open()
        when = self._occurred(when)
        todo = self.filtered(lambda ticket: not ticket[field])
        if not todo:
            return when
        values = {field: when}
        values.update(extra or {})
        todo.with_context(aftersales_stage_action=True).write(values)
        todo._append_ticket_events(
            event_type,
            occurred_at=when,
            reason=reason,
        )
        todo._project_sla()
        return when

    def action_acknowledge(self, when=None, reason=None):
        """The response milestone: the service organisation answered."""
        self._milestone("responded_at", "ticket.responded", when, reason)
        return True

    def action_arrive(self, when=None, reason=None):
        """The technician arrived on site."""
        self._milestone("arrived_at", "ticket.arrived", when, reason)
        return True

    def action_resolve(self, when=None, reason=None):
        self._check_open()
        paused = self.filtered("pause_reason_id")
        if paused:
            paused.action_resume(when=when)
        stage = self.env["aftersales.ticket.stage"].search(
            [("is_resolved", "=", True)], limit=1
        )
        extra = {"state": "resolved"}
        if stage:
            extra["stage_id"] = stage.id
        self._milestone("resolved_at", "ticket.resolved", when, reason, extra)
        return True

    def action_accept(self, acceptance="customer", when=None):
        """The customer accepts the resolved service (or it is accepted
        automatically after the contract's days); acceptance closes the ticket."""
        for ticket in self:
            if ticket.state != "resolved":
                raise UserError(
                    self.env._(
                        "Only a resolved ticket can be accepted: %s",
                        ticket.display_name,
                    )
                )
        when = self._occurred(when)
        self.with_context(aftersales_stage_action=True).write(
            {"accepted_at": when, "acceptance": acceptance}
        )
        self._append_ticket_events(
            "ticket.accepted", {"acceptance": acceptance}, occurred_at=when
        )
        self.action_close(when=when)
        return True

    def _portal_sign_and_accept(self, name, signature):
        """The customer signs the service report of a resolved ticket and so accepts
        the service, which closes the ticket (portal sign-off).

        Called in the signing user's environment: only a resolved ticket of the
        user's own company (commercial partner) can be signed; the signature is then
        stored and the ticket accepted as the system, in the user's name.

        :param name: who signs (required)
        :param signature: the signature image, base64 (required)
        """
        self.ensure_one()
        self.check_access("read")
        user = self.env.user
        if self.commercial_partner_id != user.commercial_partner_id:
            raise AccessError(
                self.env._("Only the customer can sign ticket %s.", self.display_name)
            )
        if self.state != "resolved":
            raise UserError(
                self.env._(
                    "Only a resolved ticket can be signed: %s", self.display_name
                )
            )
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("Say who signs the service report."))
        if not signature:
            raise UserError(self.env._("The signature is missing."))
        ticket = self.sudo()
        ticket.write(
            {
                "signature": signature,
                "signed_by": name,
                "signed_on": fields.Datetime.now(),
            }
        )
        ticket.action_accept(acceptance="customer")
        return True

    def action_close(self, when=None, reason=None):
        self._check_open()
        stage = self.env["aftersales.ticket.stage"].search(
            [("is_closed", "=", True)], limit=1
        )
        extra = {"state": "closed", "pause_reason_id": False}
        if stage:
            extra["stage_id"] = stage.id
        self._milestone("closed_at", "ticket.closed", when, reason, extra)
        return True

    def action_reopen(self, reason=None, when=None):
        """Reopen a resolved ticket: its resolution clock resumes where it stopped and
        it no longer counts as fixed the first time."""
        for ticket in self:
            if ticket.state != "resolved":
                raise UserError(
                    self.env._(
                        "Only a resolved ticket can be reopened: %s",
                        ticket.display_name,
                    )
                )
        when = self._occurred(when)
        stage = self._default_stage()
        for ticket in self:
            ticket.with_context(aftersales_stage_action=True).write(
                {
                    "state": "open",
                    "resolved_at": False,
                    "reopen_count": ticket.reopen_count + 1,
                    "stage_id": stage.id or ticket.stage_id.id,
                }
            )
        self._append_ticket_events(
            "ticket.reopened",
            lambda ticket: {"reopen_count": ticket.reopen_count},
            occurred_at=when,
            reason=reason,
        )
        self._project_sla()
        return True

    def action_pause(self, reason, when=None):
        """Pause with a reason (an ``aftersales.pause.reason`` record or code)."""
        self._check_open()
        if isinstance(reason, str):
            reason = self.env["aftersales.pause.reason"].search(
                [("code", "=", reason)], limit=1
            )
        if not reason:
            raise UserError(self.env._("Pausing a ticket needs a reason."))
        when = self._occurred(when)
        self.with_context(aftersales_stage_action=True).write(
            {"pause_reason_id": reason.id}
        )
        self._append_ticket_events(
            "ticket.paused",
            {"reason": reason.code, "label": reason.name},
            occurred_at=when,
        )
        self._project_sla()
        return True

    def action_resume(self, when=None):
        paused = self.filtered("pause_reason_id")
        if not paused:
            return True
        when = paused._occurred(when)
        paused.with_context(aftersales_stage_action=True).write(
            {"pause_reason_id": False}
        )
        paused._append_ticket_events("ticket.resumed", occurred_at=when)
        paused._project_sla()
        return True

    def _apply_stage(self, stage):
        """A stage moved by hand (kanban): run the milestone its flags stand for."""
        if stage.is_closed:
            self.filtered(lambda t: t.state != "closed").action_close()
        elif stage.is_resolved:
            self.filtered(lambda t: t.state == "open").action_resolve()
        elif stage.pause_reason_id:
            self.filtered(lambda t: t.state == "open").action_pause(
                stage.pause_reason_id
            )
        else:
            self.filtered("pause_reason_id").action_resume()

    @api.model
    def _cron_auto_accept(self):
        """Accept resolved tickets whose contract's acceptance period has passed."""
        now = fields.Datetime.now()
        resolved = self.search(
            [("state", "=", "resolved"), ("resolved_at", "!=", False)]
        )
        due = resolved.filtered(
            lambda ticket: ticket.resolved_at
            + timedelta(days=ticket.contract_id.auto_accept_days or 7)
            <= now
        )
        if due:
            due.action_accept(acceptance="automatic")

    def action_rebuild_sla(self):
        """Maintenance: replay these tickets' ledger events and fix their SLA lines."""
        differences = self.env["aftersales.ticket.sla"]._rebuild_from_ledger(self)
        message = (
            self.env._("%s differences found and fixed.", len(differences))
            if differences
            else self.env._("The SLA lines match the ledger.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("SLA rebuild"),
                "message": message,
                "sticky": False,
            },
        }
