"""Erasing a ticket's personal data: its fields, attachments, chatter and the ledger's
vault entries about it. The SLA lines, penalties, states, dates and amounts stay.

Called by an erasure request (a customer's, ``aftersales.erasure.request``) and by the
retention purge (closed tickets past their retention date). Other addons name their
own personal fields (:meth:`_erasure_personal_fields`) and records
(:meth:`_erase_personal_extra`).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import door, ledger_personal

TICKET = "aftersales.ticket"


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"  # pylint: disable=consider-merging-classes-inherited

    personal_data_erased_at = fields.Datetime(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the ticket's personal data was erased (erasure request or "
        "retention period); its service facts and SLA figures are kept.",
    )
    retention_until = fields.Date(
        string="Retain Until",
        compute="_compute_retention_until",
        store=True,
        index="btree_not_null",
        help="A closed ticket's personal data is purged after this date: its "
        "contract's end plus the contract's retention years (at least the "
        "company's legal minimum), or its closing date plus the company's minimum "
        "without a contract.",
    )

    @api.depends(
        "state",
        "closed_at",
        "contract_id.date_end",
        "contract_id.termination_date",
        "contract_id.retention_years",
        "company_id.aftersales_retention_min_years",
    )
    def _compute_retention_until(self):
        for ticket in self:
            if ticket.state != "closed" or not ticket.closed_at:
                ticket.retention_until = False
                continue
            minimum = ticket.company_id.aftersales_retention_min_years or 0
            contract = ticket.contract_id
            if contract:
                end = contract.termination_date or contract.date_end
                years = max(contract.retention_years or 0, minimum)
                start = max(end, ticket.closed_at.date()) if end else None
            else:
                start, years = None, minimum
            start = start or ticket.closed_at.date()
            ticket.retention_until = _add_years(start, years)

    def write(self, vals):
        if "personal_data_erased_at" in vals and not door.is_open(TICKET):
            door.refuse(self, ["personal_data_erased_at"])
        return super().write(vals)

    # ------------------------------------------------------------------
    # What is personal on a ticket
    # ------------------------------------------------------------------

    @api.model
    def _erasure_personal_fields(self):
        """Fields of a ticket holding personal data, cleared by an erasure. Other
        addons add theirs. The customer and contact links stay: the partners
        themselves are pseudonymised by an erasure request."""
        return [
            "description",
            "work_notes",
            "late_entry_reason",
            "signature",
            "signed_by",
        ]

    def _erase_personal_extra(self):
        """Hook: erase the personal data of records other addons hang on these
        tickets (appointments, repair orders...). Returns a dict of counts."""
        return {}

    # ------------------------------------------------------------------
    # The erasure
    # ------------------------------------------------------------------

    def _erase_personal_data(self):
        """Erase the personal data of these tickets (the caller checked the right
        to do so and records the ledger event). Returns counts:
        ``tickets``, ``messages``, ``attachments``, ``tracking``, ``vault``
        (values erased from the ledger's vault, as records: key ``vault_entries``)
        and ``legacy`` (events recorded before the vault whose reason is clear
        text in the hashed record: kept, they cannot be erased without breaking
        the chain)."""
        # sudo: the erasure (checked by its caller) reaches every record of the tickets
        tickets = self.sudo().with_context(active_test=False, tracking_disable=True)
        counts = {"tickets": len(tickets)}
        if not tickets:
            return dict(
                counts,
                messages=0,
                attachments=0,
                tracking=0,
                vault=0,
                legacy=0,
                vault_entries=self.env["aftersales.event.personal"],
            )
        names = [
            name for name in self._erasure_personal_fields() if name in self._fields
        ]
        with door.opened(TICKET):
            # sudo: an erasure clears what the customer gave, whoever may edit it.
            tickets.write(
                dict(
                    {name: False for name in names},
                    personal_data_erased_at=fields.Datetime.now(),
                )
            )
        counts.update(self._erase_chatter(TICKET, tickets.ids, names))
        counts["attachments"] += self._erase_attachments(TICKET, tickets.ids)
        for key, value in tickets._erase_personal_extra().items():
            counts[key] = counts.get(key, 0) + value
        Personal = self.env["aftersales.event.personal"]
        entries = Personal._of_subjects({TICKET: tickets.ids})
        erased = entries._erase()
        counts["vault"] = len(erased)
        counts["vault_entries"] = erased
        counts["legacy"] = self._count_legacy_events({TICKET: tickets.ids})
        return counts

    @api.model
    def _erase_chatter(self, model, ids, field_names=()):
        """Replace the bodies of the chatter messages of ``model`` records ``ids``
        by an erasure notice, remove their attachments, and delete the tracking
        values of ``field_names`` (the personal fields). Returns counts."""
        counts = {"messages": 0, "attachments": 0, "tracking": 0}
        if not ids:
            return counts
        # sudo: the erasure reaches every message of the record, whoever wrote it.
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", model), ("res_id", "in", list(ids))])
        )
        if not messages:
            return counts
        attachments = messages.attachment_ids
        notice = self.env._("Personal data erased.")
        messages.write(
            {
                "body": f"<p>{notice}</p>",
                "subject": False,
                "email_from": False,
                "reply_to": False,
                "attachment_ids": [(5, 0, 0)],
            }
        )
        counts["messages"] = len(messages)
        if attachments:
            counts["attachments"] = len(attachments)
            attachments.unlink()
        # The tracked personal fields, and the tracked links to partners (their
        # values are the partners' names at the time).
        # sudo: tracking values are the system's, whoever erases
        trackings = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "in", messages.ids),
                    "|",
                    ("field_id.name", "in", list(field_names)),
                    ("field_id.relation", "=", "res.partner"),
                ]
            )
        )
        counts["tracking"] = len(trackings)
        trackings.unlink()
        return counts

    @api.model
    def _erase_attachments(self, model, ids):
        """Delete the attachments of ``model`` records ``ids`` (photos, service
        reports, signatures, portal uploads). The rows go now; a file in the
        filestore is marked for Odoo's garbage collection and removed by it once
        no attachment refers to it any more."""
        if not ids:
            return 0
        # sudo: field attachments (the signature) and private uploads included.
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", model),
                    ("res_id", "in", list(ids)),
                    # field attachments too (binary fields stored as attachments)
                    "|",
                    ("res_field", "=", False),
                    ("res_field", "!=", False),
                ]
            )
        )
        count = len(attachments)
        attachments.unlink()
        return count

    @api.model
    def _count_legacy_events(self, subjects_by_model):
        """Events about the subjects whose reason entered the hashed record in
        clear (recorded before the vault): they are kept, not rewritten."""
        total = 0
        for model, ids in subjects_by_model.items():
            if not ids:
                continue
            self.env.cr.execute(
                SQL(
                    """SELECT count(*) FROM aftersales_event
                        WHERE res_model = %s AND res_id = ANY(%s)
                          AND reason IS NOT NULL AND reason <> ''
                          AND reason NOT LIKE %s""",
                    model,
                    list(ids),
                    ledger_personal.TOKEN_PREFIX + "%",
                )
            )
            total += self.env.cr.fetchone()[0]
        return total

    # ------------------------------------------------------------------
    # The retention purge
    # ------------------------------------------------------------------

    @api.model
    def _retention_due_domain(self, today=None):
        today = today or fields.Date.context_today(self)
        return [
            ("state", "=", "closed"),
            ("retention_until", "!=", False),
            ("retention_until", "<", today),
            ("personal_data_erased_at", "=", False),
        ]

    def _purge_personal_data(self):
        """Erase the personal data of these tickets past their retention date and
        record one ``ticket.personal_data_purged`` event per ticket (the rule and
        the date, no personal data)."""
        tickets = self
        tickets._check_erasable()
        retention = {ticket.id: ticket.retention_until for ticket in tickets}
        counts = tickets._erase_personal_data()
        vault = counts.pop("vault_entries")
        events = tickets._append_ticket_events(
            "ticket.personal_data_purged",
            lambda ticket: {
                "rule": "retention",
                "retention_until": fields.Date.to_string(retention[ticket.id]),
                "contract": ticket.contract_id.id or None,
            },
        )
        by_ticket = {event.res_id: event for event in events}
        for entry in vault:
            if entry.res_model == TICKET and entry.res_id in by_ticket:
                entry._link_erasure(by_ticket[entry.res_id])
        return counts

    @api.model
    def _cron_purge_personal_data(self):
        """Daily scheduled action: see :meth:`_purge_due_personal_data`."""
        return self._purge_due_personal_data(commit=True)

    @api.model
    def _purge_due_personal_data(
        self, batch_size=200, limit=None, commit=False, today=None
    ):
        """Purge the personal data of closed tickets past their retention date,
        ``batch_size`` tickets at a time; with ``commit`` (the scheduled action
        only) each batch is committed, so a long backlog makes progress and a
        failing batch loses only itself. Returns the number of tickets purged."""
        done = 0
        # sudo: the purge is the application's, over every company.
        Ticket = self.sudo().with_context(active_test=False)
        while limit is None or done < limit:
            tickets = Ticket.search(self._retention_due_domain(today), limit=batch_size)
            if not tickets:
                break
            tickets._purge_personal_data()
            done += len(tickets)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            elif len(tickets) < batch_size:
                break
        return done

    def _check_erasable(self):
        """Only closed tickets have their personal data erased."""
        still_open = self.filtered(lambda ticket: ticket.state != "closed")
        if still_open:
            raise UserError(
                self.env._(
                    "Tickets %s are not closed: their personal data is still needed "
                    "to serve the customer.",
                    ", ".join(still_open.mapped("display_name")),
                )
            )


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
