"""The personal data vault of the service ledger.

An event's hashed record holds a token (``pd:<ref>:<salted digest>``) where a person's
free text would be; the text and its salt are kept here (see
:mod:`..tools.ledger_personal` and docs/personal-data.md). Unlike the ledger, the
vault is not append-only: an erasure (or the retention purge) clears a value and its
salt, leaving the token, hence every hash, as it was.

Nobody creates, writes or deletes vault entries over RPC or through the ORM: the
ledger's append door stores them, the erasure code clears them, both while a context
variable (not a context key, which an RPC caller controls) is set.
"""

import contextvars
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import ledger_personal

#: Set while the application itself stores or erases vault entries.
_VAULT_WRITING = contextvars.ContextVar("aftersales_vault_writing", default=False)


@contextmanager
def vault_writing():
    token = _VAULT_WRITING.set(True)
    try:
        yield
    finally:
        _VAULT_WRITING.reset(token)


class AftersalesEventPersonal(models.Model):
    _name = "aftersales.event.personal"
    _description = "Service Ledger Personal Data"
    _order = "id"
    _rec_name = "ref"

    event_id = fields.Many2one(
        "aftersales.event",
        string="Event",
        required=True,
        readonly=True,
        index=True,
        # The ledger owner may wipe a test chain (tests): its vault goes with it.
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="restrict"
    )
    res_model = fields.Char(string="Subject Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Subject ID", model_field="res_model", readonly=True
    )
    ref = fields.Char(string="Reference", required=True, readonly=True, index=True)
    path = fields.Char(
        required=True,
        readonly=True,
        help="Where the value sits in the event: reason, or payload/<key>/...",
    )
    token = fields.Char(
        required=True, readonly=True, help="What the event's hashed record holds."
    )
    value = fields.Text(readonly=True, help="The personal value, until erased.")
    salt = fields.Char(readonly=True, help="The random salt of the digest.")
    erased_at = fields.Datetime(readonly=True, index=True)
    erasure_event_id = fields.Many2one(
        "aftersales.event",
        string="Erasure Event",
        readonly=True,
        ondelete="restrict",
        help="The ledger event recording the erasure.",
    )

    _sql_constraints = [
        ("ref_unique", "UNIQUE(ref)", "A personal data reference is unique."),
        (
            "erased_consistent",
            "CHECK(erased_at IS NULL OR (value IS NULL AND salt IS NULL))",
            "An erased personal value keeps neither its text nor its salt.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS aftersales_event_personal_subject_idx
                   ON aftersales_event_personal (res_model, res_id)"""
        )

    # ------------------------------------------------------------------
    # Nobody writes the vault but the application
    # ------------------------------------------------------------------

    def _refuse(self):
        raise UserError(
            self.env._(
                "The personal data of the service ledger is stored when an event is "
                "recorded and cleared only by an erasure request or the retention "
                "period: it cannot be created, changed or deleted directly."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not _VAULT_WRITING.get():
            self._refuse()
        return super().create(vals_list)

    def write(self, vals):
        if not _VAULT_WRITING.get():
            self._refuse()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_application(self):
        self._refuse()

    # ------------------------------------------------------------------
    # Storing, reading, erasing
    # ------------------------------------------------------------------

    @api.model
    def _store(self, events, personal):
        """Store the vault entries of freshly inserted ``events`` (``personal``: per
        event, a list of ``(path, token, ref, salt, value)``)."""
        rows = [
            {
                "event_id": event.id,
                "company_id": event.company_id.id,
                "res_model": event.res_model or False,
                "res_id": event.res_id or False,
                "ref": ref,
                "path": path,
                "token": token,
                "value": value,
                "salt": salt,
            }
            for event, entries in zip(events, personal, strict=True)
            for path, token, ref, salt, value in entries
        ]
        if not rows:
            return self.browse()
        with vault_writing():
            # sudo: the vault belongs to the ledger, which the append door writes
            # whatever the acting user (it checked its rights).
            return self.sudo().create(rows)

    @api.model
    def _tokens_in(self, payload):
        found = []

        def walk(node):
            if isinstance(node, dict):
                for item in node.values():
                    walk(item)
            elif isinstance(node, list):
                for item in node:
                    walk(item)
            elif ledger_personal.is_token(node):
                found.append(node)

        walk(payload)
        return found

    @api.model
    def _resolve_tokens(self, tokens):
        """``{token: text}`` for the given tokens: the kept value, or '(erased)'."""
        refs = {}
        for token in tokens:
            parsed = ledger_personal.parse_token(token)
            if parsed:
                refs[parsed[0]] = token
        if not refs:
            return {}
        # SQL, no access check: whoever may read an event (or a ticket's timeline)
        # reads the text its token stands for; the token was already in what they
        # read.
        self.flush_model(["ref", "value", "erased_at"])
        self.env.cr.execute(
            "SELECT ref, value, erased_at FROM aftersales_event_personal "
            "WHERE ref = ANY(%s)",
            [list(refs)],
        )
        erased = self.env._("(erased)")
        return {
            refs[ref]: erased if erased_at else value
            for ref, value, erased_at in self.env.cr.fetchall()
        }

    def _erase(self):
        """Clear the values and salts of these entries (already erased ones are
        left alone). Returns the entries erased now."""
        todo = self.filtered(lambda entry: not entry.erased_at)
        if todo:
            with vault_writing():
                # sudo: an erasure (checked by its caller) clears the ledger's
                # vault, which nobody writes otherwise.
                todo.sudo().write(
                    {"value": False, "salt": False, "erased_at": fields.Datetime.now()}
                )
        return todo

    def _link_erasure(self, event):
        """Name the ledger event that recorded the erasure of these entries."""
        if self and event:
            with vault_writing():
                # sudo: as in _erase.
                self.sudo().write({"erasure_event_id": event.id})

    @api.model
    def _of_subjects(self, subjects_by_model):
        """The vault entries of every event about the given subjects
        (``{model: ids}``), not erased yet."""
        domain = []
        for model, ids in subjects_by_model.items():
            if ids:
                clause = ["&", ("res_model", "=", model), ("res_id", "in", list(ids))]
                domain = ["|", *domain, *clause] if domain else clause
        if not domain:
            return self.browse()
        # sudo: the erasure reads the vault of the customer's events, whoever's.
        return self.sudo().search([("erased_at", "=", False), *domain])
