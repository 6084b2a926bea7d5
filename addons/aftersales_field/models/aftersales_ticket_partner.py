"""Service partners' work on their tickets: who may assign a ticket to a partner
(the back-to-back contract's region and scope), the partner's technician, and the
actions a partner's portal users take on the tickets assigned to their company
(:meth:`AftersalesTicket._partner_portal_action`), each recorded in the ledger
under the partner's name."""

import contextvars
import hashlib
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.aftersales_sla.tools import door, inputs

TICKET = "aftersales.ticket"

#: What a service partner's portal user does on a ticket of his company.
PARTNER_PORTAL_ACTIONS = (
    "acknowledge",
    "arrive",
    "resolve",
    "report",
    "technician",
    "parts",
)

#: Files a signed service report may be.
REPORT_MIMETYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp")


#: Inside a partner's portal action: {"partner": commercial id, event type: more
#: payload}. A context variable, not the ORM context, which any RPC caller sets.
_ACTING = contextvars.ContextVar("aftersales_partner_portal_acting", default=None)


@contextmanager
def _acting(partner_id, **payloads):
    token = _ACTING.set(dict(_ACTING.get() or {}, **payloads, partner=partner_id))
    try:
        yield
    finally:
        _ACTING.reset(token)


def _digest(content):
    return hashlib.sha256(content).hexdigest()


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    partner_technician_id = fields.Many2one(
        "res.users",
        string="Partner Technician",
        index="btree_not_null",
        tracking=True,
        copy=False,
        domain="[('share', '=', True), "
        "('partner_id.commercial_partner_id', '=', service_partner_id)]",
        help="The service partner's technician (a portal user of the partner) "
        "working this ticket: chosen by the partner on the portal or by "
        "After-Sales staff.",
    )

    # ------------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------------

    @api.constrains("partner_technician_id", "service_partner_id")
    def _check_partner_technician(self):
        # sudo: the technician's company, whoever assigns him.
        for ticket in self.sudo():
            technician = ticket.partner_technician_id
            if not technician:
                continue
            partner = ticket.service_partner_id.commercial_partner_id
            if (
                not partner
                or not technician.share
                or technician.partner_id.commercial_partner_id != partner
            ):
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a portal user of the service partner of "
                        "ticket %(ticket)s (%(partner)s).",
                        user=technician.name,
                        ticket=ticket.display_name,
                        partner=partner.display_name or self.env._("none"),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        tickets = super().create(vals_list)
        for ticket, vals in zip(tickets, vals_list, strict=True):
            if vals.get("service_partner_id"):
                ticket._check_partner_assignment(Partner.browse())
            if ticket.partner_technician_id:
                # sudo: the technician is a portal user the assigner may not read
                ticket._check_assignee_qualifications(
                    ticket.sudo().partner_technician_id.partner_id
                )
        return tickets

    def write(self, vals):
        if vals.get("partner_technician_id"):
            # The partner's technician must hold what the ticket requires, like
            # our own technicians (aftersales_ticket_qualification.py).
            # sudo: the partner's user may not read other users' contacts.
            technician = (
                self.env["res.users"].sudo().browse(vals["partner_technician_id"])
            )
            self.filtered(
                lambda ticket: ticket.state != "closed"
                and ticket.partner_technician_id != technician
            )._check_assignee_qualifications(technician.partner_id)
        if "service_partner_id" not in vals:
            result = super().write(vals)
            if "site_partner_id" in vals:
                # A site moved out of its partner's region: refused as an
                # assignment there would be.
                for ticket in self.filtered("service_partner_id"):
                    ticket._check_partner_fit()
            return result
        new_partner = self.env["res.partner"].browse(vals["service_partner_id"])
        previous = {
            ticket.id: ticket.service_partner_id
            for ticket in self
            if ticket.service_partner_id != new_partner
        }
        # sudo: the assigned partner's technicians, whoever reassigns
        if (
            previous
            and "partner_technician_id" not in vals
            and any(
                ticket.partner_technician_id
                and ticket.partner_technician_id.partner_id.commercial_partner_id
                != new_partner.commercial_partner_id
                for ticket in self.sudo()
            )
        ):
            # The former partner's technician leaves with his company.
            vals = dict(vals, partner_technician_id=False)
        result = super().write(vals)
        for ticket in self.browse(list(previous)):
            ticket._check_partner_assignment(previous[ticket.id])
        return result

    # ------------------------------------------------------------------
    # Assignment to a service partner
    # ------------------------------------------------------------------

    def _partner_portal_site(self):
        """Where the ticket is served (the partner's region is checked against
        it, the partner's technician is sent there): the ticket's site address, else
        the customer's.

        :return: res.partner (sudo) whose address is the site
        """
        self.ensure_one()
        # sudo: the site's address, for the partner who serves it.
        ticket = self.sudo()
        return ticket.site_partner_id or ticket.partner_id

    def _partner_backing_contracts(self, partner):
        """The active back-to-back contracts of ``partner`` backing the ticket's
        customer contract (sudo)."""
        self.ensure_one()
        # sudo: the partner's contracts, to check the assignment, whoever assigns.
        contract = self.sudo().contract_id
        # sudo: the partner company, whoever assigns
        commercial = partner.sudo().commercial_partner_id
        return contract.back_to_back_ids.filtered(
            lambda c: c.contract_type == "partner"
            and c.state == "active"
            and c.partner_id.commercial_partner_id == commercial
        )

    def _partner_contract_misfit(self, backing):
        """Why ``backing`` does not cover this ticket (None when it does)."""
        self.ensure_one()
        site = self._partner_portal_site()
        if not backing._covers_region(site.country_id, site.state_id):
            region = ", ".join(
                backing.country_state_ids.mapped("name")
                + backing.country_ids.mapped("name")
            )
            place = ", ".join(
                name for name in (site.state_id.name, site.country_id.name) if name
            )
            return self.env._(
                "the site (%(place)s) is outside the region of contract %(contract)s "
                "(%(region)s)",
                place=place or self.env._("no address"),
                contract=backing.display_name,
                region=region,
            )
        if (
            backing.service_type_ids
            and self.service_type_id not in backing.service_type_ids
        ):
            return self.env._(
                "contract %(contract)s does not cover the service %(service)s",
                contract=backing.display_name,
                service=self.service_type_id.name,
            )
        lines = backing.product_line_ids
        if lines:
            serial = (self.serial_number or "").strip().casefold()
            covered = any(
                (line.serial_number or "").strip().casefold() == serial
                if line.serial_number
                else line.product_id == self.product_id
                for line in lines
            )
            if not covered:
                return self.env._(
                    "contract %(contract)s does not cover the product %(product)s",
                    contract=backing.display_name,
                    product=self.product_id.display_name
                    or self.serial_number
                    or self.env._("(none given)"),
                )
        return None

    def _check_partner_assignment(self, previous):
        """Refuse a service partner that does not back the ticket's contract in
        its region and scope, then record the assignment in the ledger."""
        self.ensure_one()
        self._check_partner_fit()
        self._append_ticket_events(
            "ticket.partner_assigned",
            {
                "from": previous.id or None,
                "to": self.service_partner_id.id or None,
            },
        )

    def _check_partner_fit(self):
        """Refuse the ticket's service partner when no back-to-back contract of
        it covers the ticket's contract, site region and scope."""
        self.ensure_one()
        partner = self.service_partner_id
        if partner:
            if not self.contract_id:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s has no customer contract: it cannot be "
                        "assigned to service partner %(partner)s, whose work is "
                        "governed by a back-to-back contract.",
                        ticket=self.display_name,
                        partner=partner.display_name,
                    )
                )
            backing = self._partner_backing_contracts(partner)
            if not backing:
                # sudo: the contract's name in the message, whoever assigns
                raise ValidationError(
                    self.env._(
                        "%(partner)s has no active back-to-back contract backing "
                        "%(contract)s: ticket %(ticket)s cannot be assigned to it.",
                        partner=partner.display_name,
                        contract=self.sudo().contract_id.display_name,
                        ticket=self.display_name,
                    )
                )
            misfits = [self._partner_contract_misfit(contract) for contract in backing]
            if all(misfits):
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s cannot be assigned to %(partner)s: %(why)s.",
                        ticket=self.display_name,
                        partner=partner.display_name,
                        why="; ".join(misfits),
                    )
                )

    # ------------------------------------------------------------------
    # The partner's portal actions
    # ------------------------------------------------------------------

    def _partner_portal_partner(self):
        """The service partner (commercial) whose portal user is acting on the
        ticket; refused for anyone else (a customer, another partner's user, an
        internal user: they have their own ways)."""
        self.ensure_one()
        user = self.env.user
        commercial = user.partner_id.commercial_partner_id
        # sudo: the ticket's partner, to compare it with the user's company.
        assigned = self.sudo().service_partner_id.commercial_partner_id
        if not user.share or not assigned or assigned != commercial:
            # sudo: the assigned partner is compared before the portal user may read it
            raise AccessError(
                self.env._(
                    "Only the users of the service partner assigned to ticket "
                    "%s work it on the portal.",
                    self.sudo().display_name,
                )
            )
        return commercial

    def _append_ticket_events(
        self, event_type, payload=None, occurred_at=None, reason=None
    ):
        """Inside a partner's portal action, every ticket event says so."""
        acting = _ACTING.get()
        if acting and door.is_open(TICKET):
            original = payload

            def payload(ticket):
                data = original(ticket) if callable(original) else dict(original or {})
                data.update(acting.get(event_type) or {})
                data.setdefault("by", "service_partner")
                data.setdefault("partner", acting["partner"])
                return data

        return super()._append_ticket_events(
            event_type, payload=payload, occurred_at=occurred_at, reason=reason
        )

    def _partner_portal_action(self, action, **values):
        """One action of a service partner's portal user on a ticket assigned to
        his company: ``acknowledge``, ``arrive`` (``photos``: [(name, content,
        mimetype)]), ``resolve`` (``note``), ``report`` (``file``: (name,
        content, mimetype)) or ``technician`` (``user_id``).

        Called in the portal user's environment. The user must be a portal user
        of the ticket's service partner and the ticket open; the core action then
        runs as the system in the user's name, and its events record
        ``"by": "service_partner"`` and the partner.
        """
        self.ensure_one()
        if action not in PARTNER_PORTAL_ACTIONS:
            raise UserError(self.env._("Unknown action: %s", str(action)[:40]))
        partner = self._partner_portal_partner()
        # sudo: the partner's user was checked above; the ticket's state decides
        if self.sudo().state != "open" and action != "report":
            # sudo: the partner's user is checked above; the ticket's name
            raise UserError(
                self.env._("Ticket %s is no longer open.", self.sudo().display_name)
            )
        # sudo: the partner's user was checked above; the ticket's state decides
        if action == "report" and self.sudo().state == "closed":
            # sudo: the partner's user was checked above; the ticket's state decides
            raise UserError(
                self.env._("Ticket %s is closed.", self.sudo().display_name)
            )
        # sudo: the partner's user has no write access to tickets; he was checked
        # above to be a user of the ticket's service partner. The events keep him
        # as their author (sudo does not change the user).
        ticket = self.sudo()
        method = getattr(ticket, f"_partner_portal_{action}")
        with door.opened(TICKET), _acting(partner.id):
            return method(**values)

    def _partner_portal_acknowledge(self):
        return self.action_acknowledge()

    def _partner_portal_attach(self, files):
        """Attach ``files`` [(name, content, mimetype)] to the ticket."""
        return self.env["ir.attachment"].create(
            [
                {
                    "name": name,
                    "raw": content,
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                }
                for name, content, mimetype in files
            ]
        )

    def _partner_portal_arrive(self, photos=None):
        photos = list(photos or [])
        if not photos:
            raise UserError(
                self.env._("Add at least one photo of the site to record the arrival.")
            )
        if any(
            not (mimetype or "").startswith("image/") for _n, _c, mimetype in photos
        ):
            raise UserError(self.env._("The arrival photos must be images."))
        if self.arrived_at:
            raise UserError(
                self.env._("The arrival at %s is already recorded.", self.display_name)
            )
        attachments = self._partner_portal_attach(photos)
        more = {
            "photos": [
                {"attachment": attachment.id, "sha256": _digest(content)}
                for attachment, (_n, content, _m) in zip(
                    attachments, photos, strict=True
                )
            ]
        }
        with _acting(_ACTING.get()["partner"], **{"ticket.arrived": more}):
            self.action_arrive()
        return attachments

    def _partner_portal_resolve(self, note=None):
        note = inputs.to_text(self.env, note, self.env._("Resolution")) or ""
        note = note.strip()
        if not note:
            raise UserError(self.env._("Say what was done to resolve the problem."))
        self.action_resolve(reason=note)
        return True

    def _partner_portal_report(self, file=None):
        if not file or not file[1]:
            raise UserError(self.env._("Choose the signed service report to upload."))
        name, content, mimetype = file
        if mimetype not in REPORT_MIMETYPES:
            raise UserError(
                self.env._("The signed service report must be a PDF or an image.")
            )
        if not self.arrived_at and not self.resolved_at:
            raise UserError(
                self.env._(
                    "Record the arrival on site of %s before its signed service "
                    "report.",
                    self.display_name,
                )
            )
        attachment = self._partner_portal_attach([(name, content, mimetype)])
        self._append_ticket_events(
            "ticket.service_report_uploaded",
            {"attachment": attachment.id, "sha256": _digest(content)},
        )
        return attachment

    def _aftersales_check_repair_work(self, message):
        # Inside a partner's portal action the user was checked to be one of the
        # ticket's service partner (_partner_portal_partner): he works its repair.
        acting = _ACTING.get()
        # sudo: the assigned partner is compared, whoever acts in the partner portal
        if acting and all(
            ticket.sudo().service_partner_id.commercial_partner_id.id
            == acting["partner"]
            for ticket in self
        ):
            return
        super()._aftersales_check_repair_work(message)

    def _partner_portal_stock(self):
        """The service partner's stock location (its parts), or an empty one."""
        # sudo: the partner's users cannot read their company's stock settings.
        company = self.env.user.partner_id.commercial_partner_id.sudo()
        return company.aftersales_stock_location_id

    def _partner_portal_parts(
        self, product_id=None, quantity=None, lot=None, reason=None
    ):
        """A part from the partner's stock used on the ticket's repair (made now
        if the ticket has none in progress). The repair's own checks apply (the
        location is the partner's, an unapproved part needs a reason, a tracked
        part its serial); the part enters the ledger with the repair's
        ``ticket.parts_used`` when the repair ends (at Resolve)."""
        location = self._partner_portal_stock()
        if not location:
            raise UserError(
                self.env._(
                    "Your company has no stock location for spare parts: ask the "
                    "manufacturer's after-sales team to set it on your company."
                )
            )
        product = self.env["product.product"].browse(inputs_int(product_id)).exists()
        if not product:
            raise UserError(self.env._("Choose the part you used."))
        try:
            quantity = float(quantity or 0)
        except (TypeError, ValueError):
            quantity = 0
        if not 0 < quantity <= 1000:
            raise UserError(self.env._("The quantity of a part must be positive."))
        if not self.repair_ids.filtered(
            lambda repair: repair.state not in ("done", "cancel")
        ):
            self.action_create_repair_order()
        wizard = self.env["aftersales.ticket.parts"].create(
            {
                "ticket_id": self.id,
                "line_type": "add",
                "product_id": product.id,
                "quantity": quantity,
                "location_id": location.id,
                "lot_name": (lot or "").strip()[:64] or False,
                "reason": (reason or "").strip()[:256] or False,
            }
        )
        wizard.action_record()
        return True

    def _partner_portal_technician(self, user_id=None):
        user = self.env["res.users"].browse(inputs_int(user_id)).exists()
        if not user:
            raise UserError(self.env._("Choose one of your company's technicians."))
        self.partner_technician_id = user
        return True


def inputs_int(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
