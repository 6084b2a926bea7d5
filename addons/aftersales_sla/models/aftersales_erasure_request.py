"""A customer's request to erase its personal data (PIPL, GDPR).

A manager records the request (who asked, under which reference and law) and
executes it. Execution is refused, with the reason, while the customer has open
disputes or tickets not closed yet. Otherwise, in one transaction, the customer and
its contacts are pseudonymised, its tickets' personal data erased (fields,
attachments, chatter, the ledger's vault) and the erasure recorded in the ledger
(``personal_data.erased``: ids and counts, no names). SLA lines, penalties, amounts
and states stay as they were; every hash of the ledger still verifies.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import door

REQUEST = "aftersales.erasure.request"
MANAGER_GROUP = "aftersales_sla.group_aftersales_manager"

#: Fields that change only through the request's actions.
GUARDED_FIELDS = frozenset(
    {
        "state",
        "refusal_reason",
        "executed_at",
        "executed_by_id",
        "event_id",
        "partner_count",
        "ticket_count",
        "message_count",
        "attachment_count",
        "vault_count",
        "legacy_count",
    }
)

#: Partner fields cleared by pseudonymisation (those the model has).
PARTNER_CLEARED_FIELDS = (
    "phone",
    "mobile",
    "email",
    "street",
    "street2",
    "zip",
    "city",
    "comment",
    "website",
    "function",
    "image_1920",
)

#: Free text about the customer on its penalties and contracts, cleared.
PENALTY_TEXT_FIELDS = ("dispute_reason", "waiver_note", "mediator_opinion", "note")
CONTRACT_TEXT_FIELDS = ("state_reason",)


class AftersalesErasureRequest(models.Model):
    _name = "aftersales.erasure.request"
    _description = "Personal Data Erasure Request"
    _order = "received_on desc, id desc"

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        help="The customer whose personal data is erased, with its contacts.",
    )
    request_ref = fields.Char(
        string="Request Reference",
        required=True,
        help="The customer's request number, or how it came (letter, e-mail, "
        "hotline ticket...).",
    )
    received_on = fields.Date(required=True, default=fields.Date.context_today)
    legal_basis = fields.Selection(
        [("pipl", "PIPL (China)"), ("gdpr", "GDPR (EU)"), ("other", "Other")],
        required=True,
        default="pipl",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done"), ("refused", "Refused")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    refusal_reason = fields.Text(readonly=True, copy=False)
    executed_at = fields.Datetime(readonly=True, copy=False)
    executed_by_id = fields.Many2one(
        "res.users", string="Executed By", readonly=True, copy=False
    )
    event_id = fields.Many2one(
        "aftersales.event",
        string="Ledger Event",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    partner_count = fields.Integer(string="Partners Pseudonymised", readonly=True)
    ticket_count = fields.Integer(string="Tickets Erased", readonly=True)
    message_count = fields.Integer(string="Messages Erased", readonly=True)
    attachment_count = fields.Integer(string="Attachments Deleted", readonly=True)
    vault_count = fields.Integer(string="Ledger Values Erased", readonly=True)
    legacy_count = fields.Integer(
        string="Ledger Events Kept In Clear",
        readonly=True,
        help="Events recorded before the personal data vault, whose reason is in "
        "their hashed record: erasing it would break the chain, so it is kept.",
    )

    # ------------------------------------------------------------------
    # CRUD: the result is the actions'
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager()
        for vals in vals_list:
            preset = [
                name
                for name in GUARDED_FIELDS
                if name in vals
                and not door.is_empty(vals[name])
                and not (name == "state" and vals[name] == "draft")
            ]
            if preset:
                door.refuse(self, preset)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    REQUEST
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        if not door.is_open(REQUEST):
            guarded = GUARDED_FIELDS.intersection(vals)
            if guarded:
                door.refuse(self, guarded)
            if self.filtered(lambda request: request.state != "draft"):
                raise UserError(
                    self.env._(
                        "An executed or refused erasure request is a record of what "
                        "was done: it cannot be changed."
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if self.filtered(lambda request: request.state != "draft"):
            raise UserError(
                self.env._(
                    "An executed or refused erasure request is kept: it cannot be "
                    "deleted."
                )
            )

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only After-Sales managers handle erasure requests.")
            )

    # ------------------------------------------------------------------
    # What stands in the way
    # ------------------------------------------------------------------

    def _erasure_partners(self):
        """The customer and its contacts (every partner under its commercial
        partner), archived ones included."""
        self.ensure_one()
        commercial = self.partner_id.commercial_partner_id
        # sudo: every contact of the customer, whoever may read them.
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("id", "child_of", commercial.id)])
        )

    def _erasure_tickets(self, partners):
        # sudo: the customer's tickets in every company (one person, one erasure);
        # those outside the manager's companies refuse the request.
        return (
            self.env["aftersales.ticket"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("partner_id", "in", partners.ids),
                    ("contact_id", "in", partners.ids),
                ]
            )
        )

    def _erasure_contracts(self, partners):
        # sudo: as for the tickets.
        return (
            self.env["aftersales.contract"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", partners.ids)])
        )

    def _erasure_penalties(self, partners, contracts):
        # sudo: as for the tickets.
        return (
            self.env["aftersales.penalty"]
            .sudo()
            .search(
                [
                    "|",
                    ("contract_id", "in", contracts.ids),
                    ("partner_id", "in", partners.ids),
                ]
            )
        )

    def _erasure_refusals(self, partners, tickets, contracts, penalties):
        """Why the erasure cannot be done now (translated texts; empty: it can).
        Other addons add theirs (a service partner's disputed settlement lines)."""
        reasons = []
        disputed = penalties.filtered(lambda penalty: penalty.state == "disputed")
        if disputed:
            reasons.append(
                self.env._(
                    "The customer disputes penalties %s: the dispute must be settled "
                    "first (its records are evidence).",
                    ", ".join(disputed.mapped("display_name")),
                )
            )
        allowed = self.env.companies
        elsewhere = (tickets.company_id | contracts.company_id) - allowed
        if elsewhere:
            reasons.append(
                self.env._(
                    "The customer also has tickets or contracts in %s: a manager "
                    "allowed in every one of those companies executes the request.",
                    ", ".join(elsewhere.mapped("name")),
                )
            )
        still_open = tickets.filtered(lambda ticket: ticket.state != "closed")
        if still_open:
            reasons.append(
                self.env._(
                    "Tickets %s are not closed yet: the customer is still being "
                    "served. Close them first.",
                    ", ".join(still_open.mapped("display_name")),
                )
            )
        return reasons

    # ------------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------------

    def action_execute(self):
        self._check_manager()
        self.check_access("write")
        for request in self:
            if request.state != "draft":
                raise UserError(
                    self.env._(
                        "Erasure request %s was already executed or refused.",
                        request.name,
                    )
                )
            request._execute()
        return True

    def action_reset_draft(self):
        """A refused request is tried again once its obstacles are gone."""
        self._check_manager()
        self.check_access("write")
        if self.filtered(lambda request: request.state != "refused"):
            raise UserError(self.env._("Only a refused erasure request is retried."))
        with door.opened(REQUEST):
            self.write({"state": "draft", "refusal_reason": False})
        return True

    def _execute(self):
        self.ensure_one()
        partners = self._erasure_partners()
        tickets = self._erasure_tickets(partners)
        contracts = self._erasure_contracts(partners)
        penalties = self._erasure_penalties(partners, contracts)
        reasons = self._erasure_refusals(partners, tickets, contracts, penalties)
        if reasons:
            with door.opened(REQUEST):
                self.write(
                    {
                        "state": "refused",
                        "refusal_reason": "\n".join(reasons),
                        "executed_at": fields.Datetime.now(),
                        "executed_by_id": self.env.user.id,
                    }
                )
            return False
        with self.env.cr.savepoint():
            counts = self._erase(partners, tickets, contracts, penalties)
        return counts

    def _erase(self, partners, tickets, contracts, penalties):
        Ticket = self.env["aftersales.ticket"]
        counts = tickets._erase_personal_data()
        vault = counts.pop("vault_entries")
        # The ledger's vault of the contracts' and penalties' events (dispute
        # reasons, waiver notes, opinions).
        others = self.env["aftersales.event.personal"]._of_subjects(
            {
                "aftersales.contract": contracts.ids,
                "aftersales.penalty": penalties.ids,
            }
        )
        more = others._erase()
        vault |= more
        counts["vault"] += len(more)
        counts["legacy"] += Ticket._count_legacy_events(
            {
                "aftersales.contract": contracts.ids,
                "aftersales.penalty": penalties.ids,
            }
        )
        self._erase_records_text(penalties, PENALTY_TEXT_FIELDS, "aftersales.penalty")
        self._erase_records_text(contracts, CONTRACT_TEXT_FIELDS, "aftersales.contract")
        for model, records, names in (
            ("aftersales.penalty", penalties, PENALTY_TEXT_FIELDS),
            ("aftersales.contract", contracts, CONTRACT_TEXT_FIELDS),
            ("res.partner", partners, PARTNER_CLEARED_FIELDS + ("name",)),
        ):
            chatter = Ticket._erase_chatter(model, records.ids, names)
            counts["messages"] += chatter["messages"]
            counts["attachments"] += chatter["attachments"]
            counts["attachments"] += Ticket._erase_attachments(model, records.ids)
        self._pseudonymise(partners)
        payload = {
            "request": self.id,
            "legal_basis": self.legal_basis,
            "customer": self.partner_id.commercial_partner_id.id,
            "partners": len(partners),
            "tickets": counts["tickets"],
            "messages": counts["messages"],
            "attachments": counts["attachments"],
            "vault": counts["vault"],
            "legacy": counts["legacy"],
        }
        event = self.env["aftersales.event"]._append_event(
            "personal_data.erased", subject=self, payload=payload
        )
        vault._link_erasure(event)
        with door.opened(REQUEST):
            self.write(
                {
                    "state": "done",
                    "executed_at": fields.Datetime.now(),
                    "executed_by_id": self.env.user.id,
                    "event_id": event.id,
                    "partner_count": len(partners),
                    "ticket_count": counts["tickets"],
                    "message_count": counts["messages"],
                    "attachment_count": counts["attachments"],
                    "vault_count": counts["vault"],
                    "legacy_count": counts["legacy"],
                }
            )
        return counts

    def _erase_records_text(self, records, names, model):
        """Clear the free-text fields ``names`` of ``records`` (a penalty's dispute
        reason, waiver note and opinion; a contract's state reason): their amounts,
        states and dates stay."""
        names = [name for name in names if name in records._fields]
        todo = records.filtered(lambda record: any(record[name] for name in names))
        if todo:
            with door.opened(model):
                # sudo: texts the customer gave or that are about it, whoever wrote.
                todo.sudo().with_context(tracking_disable=True).write(
                    dict.fromkeys(names, False)
                )

    def _pseudonymise(self, partners):
        """Replace the partners' names by "Erased customer <id>" and clear their
        contact data. A company keeps its tax id (a legal identifier on the
        accounting records kept by law); a person's is cleared."""
        Partner = self.env["res.partner"]
        cleared = [name for name in PARTNER_CLEARED_FIELDS if name in Partner._fields]
        # sudo: the customer's own partners, whoever created them
        for partner in partners.sudo().with_context(tracking_disable=True):
            vals = dict.fromkeys(cleared, False)
            vals["name"] = self.env._("Erased customer %s", partner.id)
            if not partner.is_company and "vat" in Partner._fields:
                vals["vat"] = False
            # sudo: the customer's own records, whoever created them.
            partner.write(vals)
        # The customer's portal accounts: their logins are e-mail addresses.
        # sudo: the customer's portal accounts, which only administrators write
        users = (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", partners.ids), ("share", "=", True)])
        )
        for user in users:
            # sudo: closing the customer's portal access is part of the erasure.
            user.write({"login": f"erased-{user.id}", "active": False})
