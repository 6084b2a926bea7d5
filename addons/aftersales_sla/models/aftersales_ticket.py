from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, create_index

from ..tools import door, inputs
from .aftersales_sla_target import PRIORITIES

#: A reported time further in the past than this needs a reason (a phone report
#: entered later); small differences are the time it took to type the ticket.
LATE_ENTRY_TOLERANCE = timedelta(minutes=15)

#: Metrics per kind of ticket.
STANDARD_METRICS = ("response", "arrival", "resolution")
COMPLAINT_METRICS = ("complaint_response", "complaint_feedback")

MANAGER_GROUP = "aftersales_sla.group_aftersales_manager"

#: Fields whose correction re-targets a ticket: they decide its contract (through
#: matching) and the targets that apply. The priority has its own event.
RETARGET_FIELDS = ("contract_id", "service_type_id", "partner_id")
#: Fields that only re-run the contract matching (when it was not chosen by hand).
REMATCH_FIELDS = ("partner_id", "product_id", "serial_number", "service_type_id")

TICKET = "aftersales.ticket"

#: Fields only the ticket's actions write (the one door): its state and milestones,
#: what the matching and the projection derive, and what identifies it in the ledger.
GUARDED_FIELDS = frozenset(
    {
        "state",
        "responded_at",
        "arrived_at",
        "resolved_at",
        "accepted_at",
        "acceptance",
        "closed_at",
        "reopen_count",
        "pause_reason_id",
        "signature",
        "signed_by",
        "signed_on",
        "number",
        "contract_match",
        "candidate_contract_ids",
        "sla_unmatched",
        "company_id",
        "reported_at",
        "late_entry_reason",
    }
)
#: Guarded fields a new ticket may set: when and why it was reported, its company.
CREATE_FIELDS = frozenset({"reported_at", "late_entry_reason", "company_id"})
#: Who the ticket is for and under which contract: after creation, only
#: After-Sales managers correct them (the ticket is re-targeted through the ledger).
PARTY_FIELDS = ("partner_id", "contract_id")


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
            ("unmatched", "No Matching Target"),
            ("none", "No SLA"),
        ],
        string="SLA Status",
        compute="_compute_sla_summary",
        store=True,
        index=True,
        help="No Matching Target: the contract promises service levels, but none of "
        "its targets fits this ticket (priority, service type); the service manager "
        "is asked to look at it.",
    )
    sla_unmatched = fields.Boolean(
        string="No Matching SLA Target",
        readonly=True,
        copy=False,
        index=True,
        help="The ticket's contract has an SLA policy, but no target of it applies to "
        "the ticket's priority and service type.",
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
        groups="aftersales_sla.group_aftersales_auditor",
        help="The ticket's events in the service ledger, in the order they occurred.",
    )
    timeline_ids = fields.One2many(
        "aftersales.ticket.timeline",
        "ticket_id",
        string="Timeline",
        help="What happened to the ticket, from the service ledger.",
    )

    _sql_constraints = [
        (
            "number_company_unique",
            "UNIQUE(number, company_id)",
            "Ticket numbers are unique per company.",
        ),
    ]

    def init(self):
        # "The tickets of a contract" as a subquery (a period's clocks, breaches
        # and KPIs of one contract) and counted under the company rule (the
        # contract form's counter): index-only scans, without reading the
        # contract's whole history from the table.
        create_index(
            self.env.cr,
            "aftersales_ticket_contract_company_id_idx",
            self._table,
            ["contract_id", "company_id", "id"],
        )

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

    @api.depends("sla_ids.state", "sla_ids.deadline", "sla_unmatched")
    def _compute_sla_summary(self):
        for ticket in self:
            states = set(ticket.sla_ids.mapped("state")) - {"cancelled"}
            running = ticket.sla_ids.filtered(lambda line: line.state == "running")
            ticket.sla_deadline = min(running.mapped("deadline"), default=False)
            if not states:
                ticket.sla_status = "unmatched" if ticket.sla_unmatched else "none"
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
        # sudo: the events of tickets the user may read (these records).
        Event = self.env["aftersales.event"].sudo()
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

    @api.constrains("contract_id", "reported_at")
    def _check_contract_term(self):
        """A contract chosen for a ticket must be in force on the day it was
        reported: its promises do not reach before or after its term."""
        for ticket in self.filtered("contract_id"):
            self._check_contract_covers(
                ticket.contract_id, ticket.reported_at, ticket.display_name
            )

    @api.model
    def _check_contract_covers(self, contract, reported, ticket_name):
        # sudo: the contract's state and term, to check the choice.
        contract = contract.sudo()
        if contract.state == "draft":
            raise ValidationError(
                self.env._(
                    "Contract %(contract)s is a draft: it promises nothing yet, "
                    "so ticket %(ticket)s cannot be served under it.",
                    contract=contract.display_name,
                    ticket=ticket_name,
                )
            )
        if not contract._covers_moment(reported):
            raise ValidationError(
                self.env._(
                    "Ticket %(ticket)s was reported on %(reported)s, outside the "
                    "term of contract %(contract)s (%(start)s - %(end)s).",
                    ticket=ticket_name,
                    reported=contract._local_date(reported),
                    contract=contract.display_name,
                    start=contract.date_start,
                    end=contract.termination_date or contract.date_end,
                )
            )

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
        if not door.is_open(TICKET):
            self._check_create_door(vals_list)
        now = fields.Datetime.now()
        for vals in vals_list:
            reported = fields.Datetime.to_datetime(vals.get("reported_at")) or now
            # Before anything is written (events, SLA lines): checked again by the
            # constraint for later writes.
            self._check_not_future(reported, now)
            if vals.get("contract_id"):
                self._check_contract_covers(
                    self.env["aftersales.contract"].browse(vals["contract_id"]),
                    reported,
                    vals.get("name") or "",
                )
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
        if any("service_type_id" not in vals for vals in vals_list):
            service_type = self._default_service_type()
            for vals in vals_list:
                vals.setdefault("service_type_id", service_type.id)
        self._assign_numbers(vals_list)
        self._match_contract_vals(vals_list)
        tickets = super().create(vals_list)
        # Appending ``ticket.reported`` projects the clocks (see aftersales.event).
        tickets._append_reported_events()
        tickets._flag_unmatched()
        return tickets

    def write(self, vals):
        # Inside a business method (the door is open) the caller records the events
        # itself: no stage action, re-targeting or re-matching is derived here.
        stage_action = door.is_open(TICKET)
        if not stage_action:
            self._check_write_door(vals)
        if vals.get("stage_id") and not stage_action:
            self._check_stage_move(vals["stage_id"])
        retarget = {}
        if not stage_action and any(name in vals for name in RETARGET_FIELDS):
            retarget = {
                ticket.id: ticket._targeting_snapshot()
                for ticket in self
                if any(
                    ticket._fields[name].convert_to_write(ticket[name], ticket)
                    != vals[name]
                    for name in RETARGET_FIELDS
                    if name in vals
                )
            }
            self.browse(list(retarget))._check_open_for_retarget()
        rematch = self.browse()
        if (
            not stage_action
            and "contract_id" not in vals
            and any(name in vals for name in REMATCH_FIELDS)
        ):
            rematch = self.filtered(
                lambda ticket: ticket.contract_match != "manual"
                and ticket.state != "closed"
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
        if "contract_id" in vals and not stage_action:
            vals["contract_match"] = "manual" if vals["contract_id"] else "none"
        result = super().write(vals)
        if rematch:
            before = {ticket.id: ticket._targeting_snapshot() for ticket in rematch}
            rematch._rematch_contract()
            for ticket in rematch:
                # The snapshot says None for no contract, the ORM False.
                if (ticket.contract_id.id or None) != before[ticket.id]["contract"]:
                    retarget.setdefault(ticket.id, before[ticket.id])
        if retarget:
            self.browse(list(retarget))._on_retargeted(retarget)
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
        if stage is not None and not stage_action:
            self._apply_stage(stage)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recorded(self):
        # sudo: whether the ledger holds events of these tickets, whoever asks.
        recorded = (
            self.env["aftersales.event"]
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "in", self.ids)], limit=1
            )
        )
        if recorded:
            raise UserError(
                self.env._(
                    "Ticket %s is recorded in the service ledger and cannot be "
                    "deleted: close it instead (with a reason, e.g. entered by "
                    "mistake); the ledger keeps its history.",
                    self.browse(recorded.res_id).display_name,
                )
            )

    @api.model
    def _check_create_door(self, vals_list):
        """A new ticket starts open, in a plain stage, with no milestone: what
        happens to it afterwards is recorded by its actions."""
        Stage = self.env["aftersales.ticket.stage"]
        hint = self.env._(
            "Create the ticket, then record what happens with its actions "
            "(acknowledge, arrive, pause, resolve, close)."
        )
        for vals in vals_list:
            preset = [
                name
                for name in GUARDED_FIELDS - CREATE_FIELDS
                if name in vals
                and not door.is_empty(vals[name])
                and not (name == "state" and vals[name] == "open")
                and not (name == "number" and vals[name] == "/")
            ]
            if preset:
                door.refuse(self, preset, hint=hint)
            stage = Stage.browse(vals.get("stage_id") or ())
            if stage.is_resolved or stage.is_closed or stage.pause_reason_id:
                raise UserError(
                    self.env._(
                        "A new ticket starts in a working stage, not in %(stage)s: "
                        "create it, then move it (which records the action the stage "
                        "stands for).",
                        stage=stage.name,
                    )
                )

    def _check_write_door(self, vals):
        """Outside the ticket's actions: no guarded field, and the customer and
        contract only for After-Sales managers."""
        guarded = GUARDED_FIELDS.intersection(vals)
        if guarded:
            door.refuse(self, guarded)
        if any(name in vals for name in PARTY_FIELDS):
            self._check_party_change(vals)

    def _check_party_change(self, vals):
        """Only After-Sales managers correct the customer or the contract of an
        existing ticket (which re-targets it through the ledger; its penalties stay
        with the contract's customer)."""
        changed = self.filtered(
            lambda ticket: any(
                ticket._fields[name].convert_to_write(ticket[name], ticket)
                != vals[name]
                for name in PARTY_FIELDS
                if name in vals
            )
        )
        if changed and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only After-Sales managers correct the customer or the contract "
                    "of a ticket (%s).",
                    changed[0].display_name,
                )
            )

    # ------------------------------------------------------------------
    # Contract matching and SLA targets
    # ------------------------------------------------------------------

    @api.model
    def _assign_numbers(self, vals_list):
        """Ticket numbers for a batch, as ``ir.sequence.next_by_code`` draws them:
        the company's sequence (else the shared one), dated by the day the ticket
        was reported in the company's time zone, so a sequence with date ranges
        numbers each range apart (e.g. ``%(range_year)s/`` restarting at 1 every
        year). One sequence lookup per company, one date-range lookup per
        reported day, and the numbers of each (sub-)sequence drawn at once."""
        todo = defaultdict(list)
        for vals in vals_list:
            if vals.get("number", "/") == "/":
                todo[vals.get("company_id") or self.env.company.id].append(vals)
        # sudo: numbering is not the reporter's right to read or change sequences
        # (portal customers report tickets too), as in next_by_code.
        Sequence = self.env["ir.sequence"].sudo()
        now = fields.Datetime.now()
        for company_id, batch in todo.items():
            sequence = Sequence.with_company(company_id).search(
                [
                    ("code", "=", "aftersales.ticket"),
                    ("company_id", "in", [company_id, False]),
                ],
                order="company_id",
                limit=1,
            )
            if not sequence:
                continue
            Contract = self.env["aftersales.contract"].with_company(company_id)
            day_of, current_by_day = {}, {}
            groups = defaultdict(list)
            for vals in batch:
                reported = fields.Datetime.to_datetime(vals.get("reported_at")) or now
                if reported not in day_of:
                    day_of[reported] = Contract._local_date(reported)
                day = day_of[reported]
                if day not in current_by_day:
                    current_by_day[day] = sequence._get_current_sequence(
                        sequence_date=day
                    )
                groups[current_by_day[day]].append(vals)
            for current, group in groups.items():
                numbers = self._draw_numbers(sequence, current, len(group))
                for vals, number in zip(group, numbers, strict=True):
                    vals["number"] = number

    @api.model
    def _draw_numbers(self, sequence, current, count):
        """``count`` numbers of ``current`` (``sequence`` itself or the date range
        of it that ``_get_current_sequence`` gives), the ones ``_next()`` would
        give one after the other: a standard sequence's in one query, a gapless
        one's through ``_next()``."""
        if current._name == "ir.sequence.date_range":
            current = current.with_context(ir_sequence_date_range=current.date_from)
            sequence = current.sequence_id
            pg_sequence = f"ir_sequence_{sequence.id:03d}_{current.id:03d}"
        else:
            pg_sequence = f"ir_sequence_{sequence.id:03d}"
        if sequence.implementation != "standard":
            return [current._next() for _index in range(count)]
        self.env.cr.execute(
            SQL("SELECT nextval(%s) FROM generate_series(1, %s)", pg_sequence, count)
        )
        prefix, suffix = sequence._get_prefix_suffix()
        return [
            f"{prefix}{number:0{sequence.padding}d}{suffix}"
            for (number,) in self.env.cr.fetchall()
        ]

    @api.model
    def _match_contract_vals(self, vals_list):
        """Find each new ticket's contract before it is written (one search per
        distinct customer, product, serial, reported time, region and service
        type of the batch); none or several are flagged for the user to choose."""
        # sudo: matching looks at every contract of the customer, whoever reports
        # the ticket (technicians see only the contracts of their tickets).
        Contract = self.env["aftersales.contract"].sudo()
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
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            key = (
                company.id,
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
                    company=company,
                )
            candidates = cache[key].with_env(self.env)
            vals["candidate_contract_ids"] = [(6, 0, candidates.ids)]
            if len(candidates) == 1:
                vals["contract_id"] = candidates.id
                vals["contract_match"] = "matched"
            else:
                vals["contract_match"] = "several" if candidates else "none"

    def _sla_terms(self):
        """The contract terms in force for this ticket (at its reported time:
        amendments apply to tickets reported after them), or {} when it has no
        contract or was reported outside the contract's term."""
        self.ensure_one()
        # sudo: the terms decide the ticket's clocks, whoever looks at the ticket.
        contract = self.sudo().contract_id
        if not contract:
            return {}
        terms = contract._get_terms_at(self.reported_at)
        if not contract._covers_moment(self.reported_at, terms):
            return {}
        return terms

    def _sla_targets(self, terms=None):
        """The SLA targets in force for this ticket, one per metric, the most
        specific winning (see ``aftersales.sla.policy._get_targets``)."""
        self.ensure_one()
        terms = self._sla_terms() if terms is None else terms
        policy = terms.get("sla_policy")
        if not policy:
            return self.env["aftersales.sla.target"]
        metrics = COMPLAINT_METRICS if self.is_complaint else STANDARD_METRICS
        return policy._get_targets(self.priority, self.service_type_id, metrics)

    def _targets_payload(self, terms=None):
        """The targets in force as the ledger records them: what the clocks use
        (the calendar resolved: the contract's service hours, the target's own
        calendar, or none for 24x7). ``terms``: the ticket's ``_sla_terms()``
        when the caller has them already."""
        self.ensure_one()
        terms = self._sla_terms() if terms is None else terms
        service_hours = terms.get("calendar") or self.env["resource.calendar"]
        payload = []
        for target in self._sla_targets(terms):
            payload.append(
                {
                    "metric": target.metric,
                    "target": target.id,
                    "seconds": target.target_seconds,
                    "calendar": target._effective_calendar(service_hours).id or None,
                    "warning": target.warning_percent,
                    "pause_reasons": sorted(target.pause_reason_ids.mapped("code")),
                }
            )
            if target.ceiling_seconds:
                payload[-1]["ceiling"] = target.ceiling_seconds
        return payload

    def _promises_service(self, terms=None):
        """Whether the ticket's contract promises service levels at its reported
        time (an SLA policy with targets), matching or not. ``terms``: the
        ticket's ``_sla_terms()`` when the caller has them already."""
        self.ensure_one()
        terms = self._sla_terms() if terms is None else terms
        policy = terms.get("sla_policy")
        return bool(policy and policy.target_ids)

    def _targeting_snapshot(self):
        self.ensure_one()
        return {
            "contract": self.contract_id.id or None,
            "service_type": self.service_type_id.code or None,
            "customer": self.partner_id.id or None,
        }

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
                    "payload": ticket._reported_payload(),
                }
            )
        self.env["aftersales.event"]._append_events(entries)

    def _reported_payload(self):
        """What the ``ticket.reported`` event records of the new ticket (other
        addons add what they decide when it is reported)."""
        self.ensure_one()
        return {
            "ticket": self.number,
            "customer": self.partner_id.id,
            "contract": self.contract_id.id or None,
            "contract_match": self.contract_match,
            "service_type": self.service_type_id.code,
            "priority": self.priority,
            "channel": self.channel,
            "targets": self._targets_payload(),
        }

    def _check_open_for_retarget(self):
        for ticket in self:
            if ticket.state == "closed":
                raise UserError(
                    self.env._(
                        "Ticket %s is closed: its contract, service type and customer "
                        "can no longer change.",
                        ticket.display_name,
                    )
                )

    @door.opens(TICKET)
    def _rematch_contract(self):
        """Run the contract matching again (the customer, product, serial number or
        service type was corrected and the contract was not chosen by hand)."""
        # sudo: matching looks at every contract of the customer (see create).
        Contract = self.env["aftersales.contract"].sudo()
        for ticket in self:
            partner = ticket.partner_id
            candidates = Contract._match_for_ticket(
                partner,
                product=ticket.product_id,
                serial_number=ticket.serial_number,
                when=ticket.reported_at,
                country=partner.country_id,
                state=partner.state_id,
                service_type=ticket.service_type_id,
                company=ticket.company_id,
            )
            candidates = candidates.with_env(self.env)
            if len(candidates) == 1:
                contract, match = candidates, "matched"
            else:
                contract = self.env["aftersales.contract"]
                match = "several" if candidates else "none"
            ticket.write(
                {
                    "contract_id": contract.id,
                    "contract_match": match,
                    "candidate_contract_ids": [(6, 0, candidates.ids)],
                }
            )

    def _on_retargeted(self, previous):
        """The contract, service type or customer of these tickets was corrected:
        record it with the targets now in force and re-project their clocks (new
        metrics count from the reported time, kept ones keep their time, others are
        cancelled: see ``aftersales.ticket.sla._clock_events``)."""
        self._append_ticket_events(
            "ticket.retargeted",
            lambda ticket: {
                "from": previous[ticket.id],
                "to": ticket._targeting_snapshot(),
                "reported_at": fields.Datetime.to_string(ticket.reported_at),
                "targets": ticket._targets_payload(),
            },
        )
        self._flag_unmatched()

    @door.opens(TICKET)
    def _flag_unmatched(self):
        """Flag tickets whose contract promises service levels although no target
        fits them (and clear the flag when one does): an SLA status of their own,
        and an activity for the service manager, never a silent "No SLA"."""
        activity_xmlid = "aftersales_sla.mail_activity_type_sla_unmatched"
        for ticket in self:
            unmatched = (
                not ticket.sla_ids.filtered(lambda line: line.state != "cancelled")
                and ticket.state != "closed"
                and ticket._promises_service()
            )
            if unmatched == ticket.sla_unmatched:
                continue
            ticket.write({"sla_unmatched": unmatched})
            if unmatched:
                manager = ticket._service_manager()
                if manager:
                    # sudo: the manager's to-do, whoever reports (portal customers too)
                    ticket.sudo().activity_schedule(
                        activity_xmlid,
                        summary=self.env._("No SLA target fits this ticket"),
                        note=self.env._(
                            "Contract %(contract)s promises service levels, but no "
                            "target of its SLA policy applies to priority "
                            "%(priority)s and service type %(service_type)s. Add a "
                            "target (or one for any priority or type), or correct "
                            "the ticket.",
                            contract=ticket.contract_id.display_name,
                            priority=dict(
                                self._fields["priority"]._description_selection(
                                    self.env
                                )
                            )[ticket.priority],
                            service_type=ticket.service_type_id.name,
                        ),
                        user_id=manager.id,
                    )
            else:
                # sudo: the manager's to-do, whoever reports (portal customers too)
                ticket.sudo().activity_unlink([activity_xmlid])

    def _service_manager(self):
        """Who looks after the ticket's service levels: its team leader, else an
        After-Sales manager of its company."""
        self.ensure_one()
        leader = self.team_id.leader_id
        if leader and leader.active:
            return leader
        # sudo: the company's managers, which portal users cannot search
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "=", self.env.ref(MANAGER_GROUP).id),
                    ("share", "=", False),
                    ("company_ids", "in", self.company_id.id),
                ],
                order="id",
                limit=1,
            )
        )

    def _on_priority_changed(self, previous):
        self._append_ticket_events(
            "ticket.priority_changed",
            lambda ticket: {
                "from": previous[ticket.id],
                "to": ticket.priority,
                "targets": ticket._targets_payload(),
            },
        )
        self._flag_unmatched()

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
        when = inputs.to_datetime(self.env, when, self.env._("Time")) or now
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

    @door.opens(TICKET)
    def _milestone(self, field, event_type, when=None, reason=None, extra=None):
        reason = inputs.to_text(self.env, reason, self.env._("Reason"))
        self._check_open()
        when = self._occurred(when)
        todo = self.filtered(lambda ticket: not ticket[field])
        if not todo:
            return when
        values = {field: when}
        values.update(extra or {})
        todo.write(values)
        todo._append_ticket_events(
            event_type,
            occurred_at=when,
            reason=reason,
        )
        return when

    def action_acknowledge(self, when=None, reason=None):
        """The response milestone: the service organisation answered."""
        self._milestone("responded_at", "ticket.responded", when, reason)
        self._move_to_working_stage()
        return True

    def action_arrive(self, when=None, reason=None):
        """The technician arrived on site (which is a response too)."""
        self._implied_response(when)
        self._milestone("arrived_at", "ticket.arrived", when, reason)
        self._move_to_working_stage()
        return True

    @door.opens(TICKET)
    def _implied_response(self, when):
        """A later milestone is also the response: show it as the response time of
        tickets never acknowledged (the ledger's projection meets their response
        clock with the later milestone's event)."""
        self._check_open()
        when = self._occurred(when)
        self.filtered(lambda ticket: not ticket.responded_at).write(
            {"responded_at": when}
        )

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
        self._implied_response(when)
        self._milestone("resolved_at", "ticket.resolved", when, reason, extra)
        return True

    def action_accept(self, acceptance="customer", when=None):
        """The customer accepts the resolved service (or it is accepted
        automatically after the contract's days); acceptance closes the ticket.

        Acceptance comes from the customer (signing the service report, on the
        portal or on the technician's device) or from the auto-accept rule, never
        from a back-end user: called by a user (over RPC, or the former Accept
        button) it is refused; the system (the scheduled action, data files) may
        call it."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Acceptance comes from the customer, who signs the service "
                    "report (on the portal or with the Sign button), or "
                    "automatically after the contract's acceptance days: a user "
                    "cannot accept %s on the customer's behalf.",
                    self[:1].display_name or self._description,
                )
            )
        return self._accept(acceptance, when)

    @door.opens(TICKET)
    def _accept(self, acceptance="customer", when=None, signoff=None):
        """Record the acceptance and close the tickets (see :meth:`action_accept`).

        :param signoff: for a signed acceptance, what the event records of the
            signature (who signed, where, who collected it)
        """
        if acceptance not in dict(
            self._fields["acceptance"]._description_selection(self.env)
        ):
            raise ValidationError(
                self.env._("Unknown kind of acceptance: %r", str(acceptance)[:60])
            )
        for ticket in self:
            if ticket.state != "resolved":
                raise UserError(
                    self.env._(
                        "Only a resolved ticket can be accepted: %s",
                        ticket.display_name,
                    )
                )
        when = self._occurred(when)
        self.write({"accepted_at": when, "acceptance": acceptance})
        self._append_ticket_events(
            "ticket.accepted",
            dict(signoff or {}, acceptance=acceptance),
            occurred_at=when,
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
        # sudo: the customer is checked above; the signature goes through the door
        return self.sudo()._sign_and_accept(name, signature, "portal")

    def _backend_sign_and_accept(self, name, signature):
        """The technician collects the customer's signature on his device (the Sign
        button): the same sign-off as the portal's, the customer being the signer
        and the technician, recorded in the event, the one who collected it.

        :param name: the customer's signer (required)
        :param signature: the signature image, base64 (required)
        """
        self.ensure_one()
        user = self.env.user
        if user.share or not user.has_group("aftersales_sla.group_aftersales_user"):
            raise AccessError(
                self.env._(
                    "Only After-Sales users collect a customer's signature in the "
                    "back-end."
                )
            )
        # The technician's own and team's tickets only (record rules).
        self.check_access("write")
        # sudo: the write right was checked above; the signature goes through the door
        return self.sudo()._sign_and_accept(
            name,
            signature,
            "backend",
            extra={"collected_by": user.id, "collected_by_name": user.name},
        )

    def _check_signable(self, name, signature):
        """What the portal and the back-end refuse alike; returns the clean name."""
        self.ensure_one()
        if self.signed_on:
            raise UserError(
                self.env._(
                    "%(ticket)s was already signed by %(name)s: a service report is "
                    "signed once.",
                    ticket=self.display_name,
                    name=self.signed_by,
                )
            )
        if self.state != "resolved":
            raise UserError(
                self.env._(
                    "Only a resolved ticket can be signed: %s", self.display_name
                )
            )
        name = (name if isinstance(name, str) else "").strip()
        if not name:
            raise UserError(self.env._("Say who signs the service report."))
        if not signature or not isinstance(signature, (str, bytes)):
            raise UserError(self.env._("The signature is missing."))
        return name

    @door.opens(TICKET)
    def _sign_and_accept(self, name, signature, signed_in, extra=None):
        """The sign-off both ways share (run as the system, in the signing or
        collecting user's name): store the signature, accept the service (which
        closes the ticket, the event telling who signed where) and attach the
        signed service report to the ticket.

        :param signed_in: ``portal`` or ``backend`` (on the technician's device)
        :param extra: more to record in the acceptance event
        """
        name = self._check_signable(name, signature)
        self.write(
            {
                "signature": signature,
                "signed_by": name,
                "signed_on": fields.Datetime.now(),
            }
        )
        signoff = dict(
            extra or {},
            signed_by=name,
            signed_in=signed_in,
            signer=self.commercial_partner_id.id,
        )
        self._accept(acceptance="customer", signoff=signoff)
        self._post_signed_report(extra or {})
        return True

    def _post_signed_report(self, extra):
        """Attach the signed service report (PDF) to the ticket's chatter."""
        # sudo: the signer (a portal customer too) cannot read report actions
        pdf = (
            self.env["ir.actions.report"]
            .sudo()
            .with_company(self.company_id)
            ._render_qweb_pdf(
                "aftersales_sla.action_report_aftersales_ticket", self.ids
            )[0]
        )
        if extra.get("collected_by_name"):
            body = self.env._(
                "Service report signed by %(name)s on the device of "
                "%(collector)s: the service is accepted.",
                name=self.signed_by,
                collector=extra["collected_by_name"],
            )
        else:
            body = self.env._(
                "Service report signed by %(name)s: the service is accepted.",
                name=self.signed_by,
            )
        self.message_post(
            body=body,
            attachments=[(f"{self.number}.pdf", pdf)],
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def action_close(self, when=None, reason=None):
        self._check_open()
        stage = self.env["aftersales.ticket.stage"].search(
            [("is_closed", "=", True)], limit=1
        )
        extra = {"state": "closed", "pause_reason_id": False}
        if stage:
            extra["stage_id"] = stage.id
        self._milestone("closed_at", "ticket.closed", when, reason, extra)
        # Nothing left to re-target: the flag stays as a fact, the to-do goes.
        # sudo: the manager's to-do, whoever closes
        self.filtered("sla_unmatched").sudo().activity_unlink(
            ["aftersales_sla.mail_activity_type_sla_unmatched"]
        )
        return True

    @door.opens(TICKET)
    def action_reopen(self, reason=None, when=None):
        """Reopen a resolved ticket: its resolution clock resumes where it stopped and
        it no longer counts as fixed the first time."""
        reason = inputs.to_text(self.env, reason, self.env._("Reason"))
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
            ticket.write(
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
        return True

    @door.opens(TICKET)
    def action_pause(self, reason, when=None):
        """Pause with a reason (an ``aftersales.pause.reason`` record or code)."""
        self._check_open()
        if not reason:
            raise UserError(self.env._("Pausing a ticket needs a reason."))
        if isinstance(reason, str):
            code = reason
            reason = self.env["aftersales.pause.reason"].search(
                [("code", "=", code)], limit=1
            )
            if not reason:
                raise ValidationError(self.env._("Unknown pause reason: %r", code[:60]))
        else:
            # A record, or its id over RPC.
            reason = inputs.to_record(
                self.env, "aftersales.pause.reason", reason, self.env._("Pause reason")
            )
        when = self._occurred(when)
        values = {"pause_reason_id": reason.id}
        stage = self.env["aftersales.ticket.stage"].search(
            [("pause_reason_id", "=", reason.id)], limit=1
        )
        if stage:
            values["stage_id"] = stage.id
        self.write(values)
        self._append_ticket_events(
            "ticket.paused",
            {"reason": reason.code, "label": reason.name},
            occurred_at=when,
        )
        return True

    @door.opens(TICKET)
    def action_resume(self, when=None):
        paused = self.filtered("pause_reason_id")
        if not paused:
            return True
        when = paused._occurred(when)
        paused.write({"pause_reason_id": False})
        paused._append_ticket_events("ticket.resumed", occurred_at=when)
        paused._move_to_working_stage()
        return True

    def _working_stage(self):
        """The stage of an open ticket being worked on: the first plain stage (not
        resolved, closed or pausing) after the first one."""
        Stage = self.env["aftersales.ticket.stage"]
        plain = Stage.search(
            [
                ("is_resolved", "=", False),
                ("is_closed", "=", False),
                ("pause_reason_id", "=", False),
            ]
        )
        return plain[1:2] or plain[:1]

    @door.opens(TICKET)
    def _move_to_working_stage(self):
        """Open tickets still in the first stage or in a pausing stage move on to
        the working stage (acknowledged, resumed, arrived)."""
        stage = self._working_stage()
        if not stage:
            return
        first = self._default_stage()
        todo = self.filtered(
            lambda ticket: ticket.state == "open"
            and not ticket.pause_reason_id
            and (ticket.stage_id == first or ticket.stage_id.pause_reason_id)
            and ticket.stage_id != stage
        )
        if todo:
            todo.write({"stage_id": stage.id})

    def _check_stage_move(self, stage_id):
        """A closed ticket stays in its closed stage: nothing reopens it."""
        stage = self.env["aftersales.ticket.stage"].browse(stage_id)
        for ticket in self:
            if ticket.state == "closed" and ticket.stage_id != stage:
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s is closed: it cannot move to stage "
                        "%(stage)s. Report a new ticket if the problem came back.",
                        ticket=ticket.display_name,
                        stage=stage.name,
                    )
                )

    @door.opens(TICKET)
    def _apply_stage(self, stage):
        """A stage moved by hand (status bar, kanban): run the action its flags
        stand for, so that the ledger and the state follow the stage. A resolved
        ticket moved back to a working or waiting stage is reopened."""
        if stage.is_closed:
            self.filtered(lambda t: t.state != "closed").action_close()
            return
        if stage.is_resolved:
            self.filtered(lambda t: t.state == "open").action_resolve()
            return
        resolved = self.filtered(lambda t: t.state == "resolved")
        if resolved:
            resolved.action_reopen(reason=self.env._("Moved back to %s", stage.name))
            resolved.write({"stage_id": stage.id})
        if stage.pause_reason_id:
            self.filtered(
                lambda t: t.state == "open"
                and t.pause_reason_id != stage.pause_reason_id
            ).action_pause(stage.pause_reason_id)
        else:
            paused = self.filtered("pause_reason_id")
            paused.action_resume()
            paused.write({"stage_id": stage.id})

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------

    def _has_service_report(self):
        """Whether there is a service report to offer: once the ticket was
        resolved (its work is done) or signed; a new or open ticket has none."""
        self.ensure_one()
        return bool(self.resolved_at or self.signed_on)

    def _portal_photos(self):
        """The ticket's photos its customer sees on the portal: the images
        attached to it (the portal upload, the chatter), except those only on
        internal notes; each with an access token for its link.

        :return: ir.attachment (sudo), oldest first
        """
        self.ensure_one()
        # sudo: the images of a ticket the caller was allowed to open.
        images = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("mimetype", "=like", "image/%"),
                ],
                order="id",
            )
        )
        if not images:
            return images
        # sudo: the messages carrying the images, whoever posted them
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("attachment_ids", "in", images.ids)])
        )
        internal = messages.filtered(
            lambda message: message.is_internal or message.subtype_id.internal
        )
        hidden = internal.attachment_ids - (messages - internal).attachment_ids
        photos = images - hidden
        photos.generate_access_token()
        return photos

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
            due._accept(acceptance="automatic")

    def action_rebuild_sla(self):
        """Maintenance: replay these tickets' ledger events and fix their SLA lines.

        For After-Sales managers; the SLA lines are derived data that only the
        projection writes, so the replay runs as the system."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only After-Sales managers rebuild SLA clocks.")
            )
        self.check_access("read")
        # sudo: SLA lines are derived data only the projection writes (manager checked)
        differences = (
            self.env["aftersales.ticket.sla"].sudo()._rebuild_from_ledger(self.sudo())
        )
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
