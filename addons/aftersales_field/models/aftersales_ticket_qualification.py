import contextvars
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .aftersales_qualification import MANAGER_GROUP

#: The tickets a manager is assigning in spite of missing qualifications (see
#: ``_assign_overriding_qualifications``). A context variable, never a context
#: key: an RPC caller controls the context it sends, not the variables of the
#: thread that serves it (as ``aftersales_sla/tools/door.py``).
_OVERRIDDEN = contextvars.ContextVar(
    "aftersales_qualification_overridden", default=frozenset()
)

#: Ticket fields that decide who may work on it or what it requires.
QUALIFICATION_FIELDS = ("user_id", "product_id", "service_type_id")


@contextmanager
def _overriding(ticket_ids):
    token = _OVERRIDDEN.set(_OVERRIDDEN.get() | frozenset(ticket_ids))
    try:
        yield
    finally:
        _OVERRIDDEN.reset(token)


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    required_qualification_type_ids = fields.Many2many(
        "aftersales.qualification.type",
        string="Required Qualifications",
        compute="_compute_required_qualification_type_ids",
        help="What the technician must hold: the product's requirements and the "
        "service type's.",
    )
    qualification_warning = fields.Text(
        compute="_compute_qualification_warning",
        help="The required qualifications the assignee lacks today (e.g. after a "
        "manager assigned them anyway, or a certificate expired since).",
    )

    @api.depends(
        "product_id.product_tmpl_id.aftersales_qualification_type_ids",
        "service_type_id.qualification_type_ids",
    )
    def _compute_required_qualification_type_ids(self):
        for ticket in self:
            ticket.required_qualification_type_ids = (
                ticket._required_qualification_types()
            )

    @api.depends("user_id", "required_qualification_type_ids", "company_id")
    def _compute_qualification_warning(self):
        for ticket in self:
            types = ticket.required_qualification_type_ids
            if not ticket.user_id or not types or ticket.state == "closed":
                ticket.qualification_warning = False
                continue
            message = self._qualification_gap_message(
                ticket.user_id.partner_id,
                types,
                ticket.company_id or self.env.company,
            )
            ticket.qualification_warning = message or False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Before anything is written (the ticket's reported event, its clocks).
        default_type = None
        for vals in vals_list:
            if not vals.get("user_id"):
                continue
            if not vals.get("service_type_id") and default_type is None:
                default_type = self._default_service_type()
            types = self._required_qualification_types(
                product=self.env["product.product"].browse(vals.get("product_id")),
                service_type=self.env["aftersales.service.type"].browse(
                    vals.get("service_type_id") or default_type.ids
                ),
            )
            if types:
                self._check_qualifications(
                    self.env["res.users"].browse(vals["user_id"]).partner_id,
                    types,
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company,
                    vals.get("name") or "",
                )
        return super().create(vals_list)

    def write(self, vals):
        if any(name in vals for name in QUALIFICATION_FIELDS):
            self._check_qualifications_before_write(vals)
        return super().write(vals)

    def _check_qualifications_before_write(self, vals):
        """The assignee of each open ticket must hold what the ticket requires
        after this write: a new assignee, or a product or service type that
        requires more of the current one."""
        overridden = _OVERRIDDEN.get()
        Users = self.env["res.users"]
        for ticket in self:
            if ticket.id in overridden or ticket.state == "closed":
                continue
            user = (
                Users.browse(vals["user_id"]) if "user_id" in vals else ticket.user_id
            )
            if not user:
                continue
            changed = ("user_id" in vals and user != ticket.user_id) or any(
                name in vals
                and ticket._fields[name].convert_to_write(ticket[name], ticket)
                != vals[name]
                for name in ("product_id", "service_type_id")
            )
            if not changed:
                continue
            types = ticket._required_qualification_types(
                product=self.env["product.product"].browse(vals["product_id"])
                if "product_id" in vals
                else ticket.product_id,
                service_type=self.env["aftersales.service.type"].browse(
                    vals["service_type_id"]
                )
                if "service_type_id" in vals
                else ticket.service_type_id,
            )
            if types:
                ticket._check_assignee_qualifications(user.partner_id, types=types)

    # ------------------------------------------------------------------
    # Qualification checks
    # ------------------------------------------------------------------

    def _required_qualification_types(self, product=None, service_type=None):
        """The qualification types a ticket about ``product`` of ``service_type``
        requires (by default the ticket's own)."""
        if product is None:
            self.ensure_one()
            product = self.product_id
        if service_type is None:
            self.ensure_one()
            service_type = self.service_type_id
        # sudo: the requirements are configuration every assigner must apply,
        # although not every role reads product templates.
        return (
            product.sudo().product_tmpl_id.aftersales_qualification_type_ids
            | service_type.sudo().qualification_type_ids
        ).with_env(self.env)

    def _check_assignee_qualifications(self, holders, types=None):
        """Refuse ``holders`` (res.partner persons: a technician's own contact, a
        service partner's staff member) who do not hold a valid qualification of
        each type these tickets require (``types``, by default the ticket's own).

        Valid: issued on or before today and expiring on or after today, in the
        ticket company's time zone. Raises a translated UserError naming the
        person, the missing types and the expired ones with their expiry date.
        Other parts of field service call it for their own assignees.
        """
        for ticket in self:
            required = (
                ticket._required_qualification_types() if types is None else types
            )
            if not required:
                continue
            for holder in holders:
                self._check_qualifications(
                    holder,
                    required,
                    ticket.company_id or self.env.company,
                    ticket.display_name,
                )

    @api.model
    def _check_qualifications(self, holder, types, company, label):
        message = self._qualification_gap_message(holder, types, company)
        if message:
            raise UserError(
                self.env._(
                    "%(person)s cannot be assigned ticket %(ticket)s: %(gaps)s "
                    "An After-Sales manager can assign anyway, giving the reason "
                    "(Assign Anyway).",
                    person=holder.display_name,
                    ticket=label,
                    gaps=message,
                )
            )

    @api.model
    def _qualification_gap_message(self, holder, types, company):
        """A translated sentence saying what ``holder`` lacks, or ``""``."""
        missing, expired = self.env["aftersales.qualification"]._gaps(
            holder, types, company
        )
        parts = []
        if missing:
            parts.append(
                self.env._(
                    "%(person)s holds no valid %(types)s qualification.",
                    person=holder.display_name,
                    types=", ".join(missing.mapped("name")),
                )
            )
        for qualification_type, expired_on in expired:
            parts.append(
                self.env._(
                    "%(person)s's %(type)s qualification expired on %(date)s.",
                    person=holder.display_name,
                    type=qualification_type.name,
                    date=expired_on,
                )
            )
        return " ".join(parts)

    # ------------------------------------------------------------------
    # Manager override
    # ------------------------------------------------------------------

    def _assign_overriding_qualifications(self, user, reason):
        """Assign ``user`` although they lack required qualifications (an
        After-Sales manager's decision, with its reason): the ledger records what
        was missing (``ticket.qualification_overridden``)."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only After-Sales managers assign a ticket to a technician who "
                    "lacks its required qualifications."
                )
            )
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._(
                    "Say why %(person)s is assigned without the required "
                    "qualifications.",
                    person=user.display_name,
                )
            )
        if not user:
            raise UserError(self.env._("Choose the technician to assign."))
        if self.state == "closed":
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s is closed: it is no longer assigned.",
                    ticket=self.display_name,
                )
            )
        company = self.company_id or self.env.company
        missing, expired = self.env["aftersales.qualification"]._gaps(
            user.partner_id, self._required_qualification_types(), company
        )
        with _overriding(self.ids):
            self.write({"user_id": user.id})
        if missing or expired:
            self._append_ticket_events(
                "ticket.qualification_overridden",
                {
                    "user": user.id,
                    "missing": sorted(missing.mapped("code")),
                    "expired": [
                        {
                            "type": qualification_type.code,
                            "expired_on": fields.Date.to_string(expired_on),
                        }
                        for qualification_type, expired_on in expired
                    ],
                },
                reason=reason,
            )
        return True

    def action_assign_anyway(self):
        """Open the wizard assigning a technician in spite of missing
        qualifications (After-Sales managers)."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only After-Sales managers assign a ticket to a technician who "
                    "lacks its required qualifications."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assign Anyway"),
            "res_model": "aftersales.ticket.assign.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }
