"""The service ledger: an append-only, hash-chained table of service events.

How an event gets into the ledger
---------------------------------
Every part of the product appends through one entry point,
``env["aftersales.event"]._append_events(entries)`` (batch) or its one-event
shorthand ``_append_event(...)``. It validates everything first (event type,
payload, dates, subject), then inserts the rows *unsealed*: no sequence, no hash.
An insert takes no lock that another appender waits on, so concurrent user
transactions never queue behind each other.

Sealing and verification
------------------------
Sealing (sequence and hash, right after commit and every minute) and verification
live on the chain model (``aftersales.event.chain``, see its module). The entry
points :meth:`AftersalesEvent._seal_chains` and :meth:`AftersalesEvent.verify_ledger`
stay here for the callers (tests, command line, RPC).

Append-only
-----------
The ORM refuses ``write`` and ``unlink`` for everyone, the superuser included.
PostgreSQL triggers refuse ``UPDATE`` (except the one-time sealing of an unsealed
row, which may set nothing but the seal columns), ``DELETE`` and ``TRUNCATE``.
"""

import contextvars
import json
import logging
from datetime import timedelta, timezone
from pathlib import Path

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, create_index
from odoo.tools.sql import drop_index

from ..tools import ledger_hash, ledger_personal

_logger = logging.getLogger(__name__)

#: Set only while :meth:`AftersalesEvent._append_events` inserts rows; ``create``
#: refuses to run without it. A context variable, not an Odoo context key, so that
#: no RPC caller can set it.
_APPENDING = contextvars.ContextVar("aftersales_ledger_appending", default=False)

#: Key of a prepared event's values holding its vault entries (popped before insert).
PERSONAL_KEY = "_personal"

#: Columns a sealing UPDATE may fill in (each from NULL, exactly once).
SEAL_COLUMNS = ("sequence", "previous_hash", "hash", "sealed_at")

#: The PostgreSQL guards of the ledger tables (functions and triggers), one file for
#: the model's ``init()`` and for the owner step (``scripts/ledger_owner.sql``).
GUARD_SQL = Path(__file__).resolve().parents[1] / "sql" / "aftersales_ledger_guard.sql"

#: Milestones a user records: recording one more than the late-entry tolerance
#: after it happened needs a reason (their actions take one).
LATE_ENTRY_EVENT_TYPES = frozenset(
    {
        "ticket.responded",
        "ticket.arrived",
        "ticket.resolved",
        "ticket.reopened",
    }
)

#: How far in the past a milestone may be recorded without a reason (the time it
#: takes to type it in), the same tolerance as a ticket's late entry.
LATE_ENTRY_TOLERANCE = timedelta(minutes=15)


#: An event whose unhashed columns do not mirror its hashed ones (the insert guard
#: sets them so): changed behind the application's back. Also the predicate of a
#: partial index, empty in a sound ledger, so that checking it costs nothing.
UNHASHED_ODD_SQL = (
    "create_uid IS DISTINCT FROM author_id OR write_uid IS DISTINCT FROM author_id "
    "OR create_date IS DISTINCT FROM recorded_at "
    "OR write_date IS DISTINCT FROM recorded_at "
    "OR (sealed_at IS NULL) <> (hash IS NULL) OR sealed_at < recorded_at"
)


def ledger_owner_can_act(cr, table="aftersales_event"):
    """Whether the current database role may act as the owner of ``table``: True
    while Odoo's own role owns the ledger tables (no owner step yet), False once a
    separate owner role holds them (then the guards are that role's business)."""
    cr.execute(
        """SELECT pg_has_role(current_user, c.relowner, 'USAGE')
             FROM pg_class c WHERE c.oid = to_regclass(%s)""",
        [table],
    )
    row = cr.fetchone()
    return bool(row and row[0])


def install_ledger_triggers(cr):
    """Install (or refresh) the guards, as the owner of the ledger tables."""
    cr.execute(GUARD_SQL.read_text(encoding="utf-8"))


#: The guard triggers per table (sql/aftersales_ledger_guard.sql).
_GUARD_TRIGGERS = {
    "aftersales_event": (
        "aftersales_event_append",
        "aftersales_event_no_update",
        "aftersales_event_no_delete",
        "aftersales_event_no_truncate",
    ),
    "aftersales_event_checkpoint": (
        "aftersales_event_checkpoint_no_change",
        "aftersales_event_checkpoint_no_truncate",
    ),
}


def drop_ledger_triggers(cr):
    if not ledger_owner_can_act(cr):
        # Held by the ledger owner role: dropping the guards (and the table) is an
        # operation for that role (docs/reliability-tampering.md).
        return
    for table, triggers in _GUARD_TRIGGERS.items():
        cr.execute("SELECT to_regclass(%s)", [table])
        if cr.fetchone()[0]:
            for trigger in triggers:
                cr.execute(
                    SQL(
                        "DROP TRIGGER IF EXISTS %s ON %s",
                        SQL.identifier(trigger),
                        SQL.identifier(table),
                    )
                )
    cr.execute("DROP FUNCTION IF EXISTS aftersales_event_guard()")
    cr.execute(
        "DROP FUNCTION IF EXISTS aftersales_event_seal(integer, integer[], varchar[])"
    )
    cr.execute("DROP FUNCTION IF EXISTS aftersales_append_only()")


class AftersalesEvent(models.Model):
    _name = "aftersales.event"
    _description = "Service Ledger Event"
    _order = "id desc"

    # Not indexed alone on purpose: UNIQUE(chain_id, sequence) and the partial
    # "unsealed" index both lead with chain_id, and a single-column index tempts the
    # planner into sorting a whole chain for each verification page.
    chain_id = fields.Many2one(
        "aftersales.event.chain",
        string="Chain",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="restrict"
    )
    sequence = fields.Integer(
        readonly=True,
        copy=False,
        help="Gap-free position of the event in its chain, given when it is sealed.",
    )
    event_type = fields.Selection(
        selection="_selection_event_type", required=True, readonly=True, index=True
    )
    occurred_at = fields.Datetime(
        required=True,
        readonly=True,
        index=True,
        help="When it happened in the business. May be earlier than the recording "
        "time (a report taken by phone), never later.",
    )
    recorded_at = fields.Datetime(required=True, readonly=True, index=True)
    author_id = fields.Many2one(
        "res.users", string="Author", required=True, readonly=True, ondelete="restrict"
    )
    # Searched together: see the (res_model, res_id, id) index in init().
    res_model = fields.Char(string="Subject Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Subject ID", model_field="res_model", readonly=True
    )
    subject_ref = fields.Reference(
        selection="_selection_subject_model",
        string="Subject",
        compute="_compute_subject_ref",
    )
    reason = fields.Char(
        readonly=True,
        help="Why the event was recorded this way, e.g. a late entry. Hashed as a "
        "personal data token (docs/personal-data.md): the text is in the vault.",
    )
    reason_text = fields.Char(
        compute="_compute_reason_text",
        help="The reason as typed, from the personal data vault; '(erased)' once "
        "an erasure or the retention period removed it.",
    )
    payload = fields.Text(
        readonly=True, default="{}", help="The event's data as canonical JSON."
    )
    previous_hash = fields.Char(readonly=True, copy=False)
    hash = fields.Char(readonly=True, copy=False)
    sealed_at = fields.Datetime(readonly=True, copy=False)
    is_sealed = fields.Boolean(
        string="Sealed", compute="_compute_is_sealed", search="_search_is_sealed"
    )

    _sql_constraints = [
        (
            "chain_sequence_unique",
            "UNIQUE(chain_id, sequence)",
            "Two ledger events cannot hold the same place in a chain.",
        ),
        (
            "sealed_consistent",
            "CHECK((sequence IS NULL) = (hash IS NULL))",
            "A ledger event is sealed with both its sequence and its hash.",
        ),
        (
            "occurred_not_after_recorded",
            "CHECK(occurred_at <= recorded_at)",
            "A ledger event cannot occur after it was recorded.",
        ),
    ]

    def init(self):
        # Single-column indexes of early development databases (see chain_id).
        if ledger_owner_can_act(self.env.cr):
            for column in ("chain_id", "res_model", "res_id"):
                drop_index(self.env.cr, f"{self._table}__{column}_index", self._table)
        # Sealing reads only the unsealed events of a chain: keep that index small.
        create_index(
            self.env.cr,
            "aftersales_event_unsealed_idx",
            self._table,
            ["chain_id", "id"],
            where="hash IS NULL",
        )
        create_index(
            self.env.cr,
            "aftersales_event_subject_idx",
            self._table,
            ["res_model", "res_id", "id"],
        )
        if ledger_owner_can_act(self.env.cr):
            create_index(
                self.env.cr,
                "aftersales_event_unhashed_odd_idx",
                self._table,
                ["chain_id", "sequence"],
                where=UNHASHED_ODD_SQL,
            )
            install_ledger_triggers(self.env.cr)
        else:
            _logger.info(
                "Service ledger: the table is held by its owner role; its guards are "
                "installed by the owner step (scripts/ledger_owner.sql)"
            )

    # ------------------------------------------------------------------
    # Selections and computes
    # ------------------------------------------------------------------

    @api.model
    def _get_event_types(self):
        """(code, label) of every event type. Other addons extend this list."""
        return [
            ("ledger.note", self.env._("Ledger note")),
            ("correction", self.env._("Correction")),
            ("contract.activated", self.env._("Contract activated")),
            ("contract.amended", self.env._("Contract amended")),
            ("contract.suspended", self.env._("Contract suspended")),
            ("contract.resumed", self.env._("Contract resumed")),
            ("contract.terminated", self.env._("Contract terminated")),
            ("contract.expired", self.env._("Contract expired")),
            ("ticket.reported", self.env._("Ticket reported")),
            ("ticket.assigned", self.env._("Ticket assigned")),
            ("ticket.responded", self.env._("Ticket responded")),
            ("ticket.arrived", self.env._("Technician arrived on site")),
            ("ticket.paused", self.env._("Ticket paused")),
            ("ticket.resumed", self.env._("Ticket resumed")),
            ("ticket.resolved", self.env._("Ticket resolved")),
            ("ticket.accepted", self.env._("Ticket accepted")),
            ("ticket.reopened", self.env._("Ticket reopened")),
            ("ticket.closed", self.env._("Ticket closed")),
            ("ticket.priority_changed", self.env._("Ticket priority changed")),
            ("ticket.retargeted", self.env._("Ticket re-targeted")),
            ("sla.warning", self.env._("SLA warning")),
            ("sla.breached", self.env._("SLA breached")),
            ("penalty.assessed", self.env._("Penalty assessed")),
            ("penalty.confirmed", self.env._("Penalty confirmed")),
            ("penalty.disputed", self.env._("Penalty disputed")),
            ("penalty.upheld", self.env._("Penalty upheld")),
            ("penalty.waived", self.env._("Penalty waived")),
            ("penalty.invoiced", self.env._("Penalty invoiced")),
            ("penalty.uninvoiced", self.env._("Penalty invoice cancelled")),
            ("personal_data.erased", self.env._("Personal data erased")),
            (
                "ticket.personal_data_purged",
                self.env._("Personal data purged (retention period)"),
            ),
        ]

    @api.model
    def _selection_event_type(self):
        return self._get_event_types()

    @api.model
    def _personal_payload_keys(self):
        """Where personal data sits in the payload of each event type:
        ``{event_type: (path, ...)}``, a path naming a payload key, ``*`` for each
        item of a list (``parts/*/reason``). Free text a person typed (a note, an
        opinion, a dispute's reason) is personal; codes, ids, amounts are not (a
        pause's ``reason`` is a code: not listed). Other addons extend this. The
        reason column is personal for every event type."""
        return {
            "penalty.disputed": ("reason",),
            "penalty.waived": ("note",),
            "penalty.upheld": ("opinion",),
        }

    @api.model
    def _selection_subject_model(self):
        # sudo: every model may be an event's subject, whoever reads (portal too)
        return [
            (model.model, model.name)
            for model in self.env["ir.model"].sudo().search([])
        ]

    @api.depends("res_model", "res_id")
    def _compute_subject_ref(self):
        for event in self:
            if event.res_model and event.res_id and event.res_model in self.env:
                event.subject_ref = f"{event.res_model},{event.res_id}"
            else:
                event.subject_ref = False

    @api.depends("reason")
    def _compute_reason_text(self):
        texts = self.env["aftersales.event.personal"]._resolve_tokens(
            self.mapped("reason")
        )
        for event in self:
            event.reason_text = texts.get(event.reason, event.reason) or False

    def _resolved_payload(self):
        """The event's payload (a dict) with its personal data tokens replaced by
        the vault's values ('(erased)' once erased)."""
        self.ensure_one()
        payload = json.loads(self.payload or "{}")
        if ledger_personal.TOKEN_PREFIX not in (self.payload or ""):
            return payload
        tokens = self.env["aftersales.event.personal"]._tokens_in(payload)
        texts = self.env["aftersales.event.personal"]._resolve_tokens(tokens)
        return ledger_personal.resolve_payload(payload, texts)

    @api.depends("hash")
    def _compute_is_sealed(self):
        for event in self:
            event.is_sealed = bool(event.hash)

    def _search_is_sealed(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on Sealed: %s", operator))
        sealed = bool(value) == (operator == "=")
        return [("hash", "!=" if sealed else "=", False)]

    @api.depends("event_type", "sequence")
    def _compute_display_name(self):
        labels = dict(self._get_event_types())
        for event in self:
            label = labels.get(event.event_type, event.event_type or "")
            if event.sequence:
                event.display_name = f"#{event.sequence} {label}"
            else:
                event.display_name = self.env._(
                    "%(label)s (not sealed yet)", label=label
                )

    # ------------------------------------------------------------------
    # CRUD: append-only
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not _APPENDING.get():
            raise UserError(
                self.env._(
                    "Ledger events are recorded by the application's own actions; "
                    "they cannot be created directly."
                )
            )
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(
            self.env._(
                "The service ledger is append-only: events cannot be changed. "
                "Record a correcting event instead."
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ledger(self):
        raise UserError(
            self.env._(
                "The service ledger is append-only: events cannot be deleted. "
                "Record a correcting event instead."
            )
        )

    # ------------------------------------------------------------------
    # The entry point
    # ------------------------------------------------------------------

    @api.model
    def _append_event(self, event_type, subject=None, payload=None, **kwargs):
        """Append one event; see :meth:`_append_events`."""
        return self._append_events(
            [dict(kwargs, event_type=event_type, subject=subject, payload=payload)]
        )

    @api.model
    def _append_events(self, entries):
        """Append events to the ledger. The one way anything enters it.

        :param entries: iterable of dicts with the keys

            - ``event_type`` (required): a code of :meth:`_get_event_types`;
            - ``subject``: the record the event is about (one record), or
              ``res_model`` and ``res_id``;
            - ``payload``: a dict of JSON values (text keys; text, numbers,
              booleans, None, lists, dicts), at most 64 KiB once serialised;
            - ``occurred_at``: a naive UTC datetime, not later than now (default now);
            - ``reason``: text, e.g. why ``occurred_at`` lies in the past;
            - ``company``: a res.company record or id (default: the subject's
              company, else the environment's company);
            - ``author``: a res.users record or id (default: the current user).

        Every entry is checked before anything is written: one bad entry refuses the
        whole batch with a translated error and leaves the ledger as it was. Callers
        (business methods) check the acting user's rights before calling; this method
        writes as superuser. Events are sealed shortly after the transaction commits.

        :return: the new ``aftersales.event`` records, in the order given.
        """
        chains = {}  # one chain lookup per company and batch
        entries = list(entries)
        if not entries:
            return self.browse()
        recorded_at = self._ledger_clock()
        vals_list = [
            self._prepare_event_vals(entry, chains, recorded_at=recorded_at)
            for entry in entries
        ]
        if not vals_list:
            return self.browse()
        personal = [vals.pop(PERSONAL_KEY, ()) for vals in vals_list]
        token = _APPENDING.set(True)
        try:
            with self.env.cr.savepoint():
                # sudo: the ledger is append-only: no user may create events
                events = self.sudo().create(vals_list)
                events.flush_recordset()
                self.env["aftersales.event.personal"]._store(events, personal)
        finally:
            _APPENDING.reset(token)
        self._seal_after_commit(set(events.chain_id.ids))
        self.env["aftersales.event.notification"]._queue_notifications(
            events.ids, vals_list
        )
        return events.with_env(self.env)

    @api.model
    def _ledger_clock(self):
        """The recording time of events appended now: the database's clock, whole
        seconds, UTC. One clock for every application server, and the one the
        database's guard checks (an append is recorded within its transaction)."""
        self.env.cr.execute(
            "SELECT date_trunc('second', clock_timestamp() AT TIME ZONE 'UTC')"
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _prepare_event_vals(self, entry, chains=None, recorded_at=None):
        entry = dict(entry)
        event_type = entry.pop("event_type", None)
        if event_type not in dict(self._get_event_types()):
            raise ValidationError(
                self.env._("Unknown ledger event type: %s", event_type)
            )

        subject = entry.pop("subject", None)
        res_model = entry.pop("res_model", None)
        res_id = entry.pop("res_id", None)
        if subject is not None:
            if not isinstance(subject, models.BaseModel) or len(subject) != 1:
                raise ValidationError(
                    self.env._(
                        "A ledger event is about exactly one record, got %s.",
                        repr(subject),
                    )
                )
            res_model, res_id = subject._name, subject.id
        elif res_model or res_id:
            if res_model not in self.env or not isinstance(res_id, int) or res_id <= 0:
                raise ValidationError(
                    self.env._(
                        "Invalid ledger event subject: %(model)s, %(id)s",
                        model=res_model,
                        id=res_id,
                    )
                )

        try:
            payload = ledger_hash.canonical_payload(entry.pop("payload", None))
        except ledger_hash.PayloadError as error:
            raise ValidationError(self._payload_error_message(error)) from error

        now = fields.Datetime.now()
        occurred_at = entry.pop("occurred_at", None) or now
        occurred_at = fields.Datetime.to_datetime(occurred_at)
        if occurred_at.tzinfo is not None:
            occurred_at = occurred_at.astimezone(timezone.utc).replace(tzinfo=None)
        occurred_at = occurred_at.replace(microsecond=0)
        if occurred_at > now:
            raise ValidationError(
                self.env._(
                    "A ledger event cannot occur in the future (%(occurred)s is after "
                    "%(now)s, UTC).",
                    occurred=occurred_at,
                    now=now,
                )
            )

        reason = entry.pop("reason", None) or None
        if reason is not None and not isinstance(reason, str):
            raise ValidationError(
                self.env._("The reason of a ledger event must be text.")
            )
        if (
            event_type in LATE_ENTRY_EVENT_TYPES
            and now - occurred_at > LATE_ENTRY_TOLERANCE
            and not (reason or "").strip()
        ):
            raise ValidationError(
                self.env._(
                    "%(event)s is recorded for %(occurred)s (UTC), more than "
                    "%(minutes)s minutes ago: say why it is entered late.",
                    event=dict(self._get_event_types())[event_type],
                    occurred=occurred_at,
                    minutes=int(LATE_ENTRY_TOLERANCE.total_seconds() // 60),
                )
            )
        # The business clock (the application's) and the recording clock (the
        # database's) may differ by a moment: an event never occurs after it is
        # recorded.
        recorded_at = recorded_at or self._ledger_clock()
        occurred_at = min(occurred_at, recorded_at)

        company = entry.pop("company", None)
        if company is None and subject is not None and "company_id" in subject._fields:
            company = subject.company_id
        company = (
            self.env["res.company"].browse(
                company.id if isinstance(company, models.BaseModel) else company
            )
            or self.env.company
        )
        author = entry.pop("author", None) or self.env.user
        author_id = author.id if isinstance(author, models.BaseModel) else int(author)
        if entry:
            raise ValidationError(
                self.env._("Unknown ledger event keys: %s", ", ".join(sorted(entry)))
            )
        chains = {} if chains is None else chains
        if company.id not in chains:
            # sudo: the chains are the system's: no user reads them all
            chains[company.id] = (
                self.env["aftersales.event.chain"].sudo()._get_for_company(company)
            )
        chain = chains[company.id]
        reason, payload, personal = self._vault_personal_data(
            event_type, reason, payload
        )
        return {
            "chain_id": chain.id,
            "company_id": company.id,
            "event_type": event_type,
            "occurred_at": occurred_at,
            "recorded_at": recorded_at,
            "author_id": author_id,
            "res_model": res_model or False,
            "res_id": res_id or False,
            "reason": reason,
            "payload": payload,
            PERSONAL_KEY: personal,
        }

    @api.model
    def _vault_personal_data(self, event_type, reason, payload):
        """Take the personal values out of an event's hashed record: its reason
        and the payload keys :meth:`_personal_payload_keys` names become tokens.

        :return: ``(reason, payload, personal)``: the reason and canonical payload
            to hash, and the vault entries ``(path, token, ref, salt, value)``.
        """
        personal = []
        if reason and reason.strip() and not ledger_personal.is_token(reason):
            token, ref, salt = ledger_personal.make_token(reason)
            personal.append(("reason", token, ref, salt, reason))
            reason = token
        patterns = self._personal_payload_keys().get(event_type)
        if patterns:
            data = json.loads(payload)
            found = ledger_personal.vault_payload(data, patterns)
            if found:
                personal.extend(found)
                payload = ledger_hash.canonical_payload(data)
        return reason, payload, personal

    def _payload_error_message(self, error):
        messages = {
            "not_an_object": self.env._(
                "A ledger event's payload must be a dictionary, not %s.", error.detail
            ),
            "not_serialisable": self.env._(
                "A ledger event's payload holds a value that is not plain JSON: %s. "
                "Convert dates, records and other objects to text or numbers first.",
                error.detail,
            ),
            "key_not_text": self.env._(
                "A ledger event's payload has a key that is not text: %s.", error.detail
            ),
            "not_finite": self.env._(
                "A ledger event's payload holds a number that is not finite at %s.",
                error.detail,
            ),
            "too_deep": self.env._(
                "A ledger event's payload is nested too deeply at %s.", error.detail
            ),
            "too_large": self.env._(
                "A ledger event's payload is too large (%(size)s bytes).",
                size=error.detail,
            ),
        }
        return messages.get(
            error.code, self.env._("Invalid ledger event payload: %s", error)
        )

    # ------------------------------------------------------------------
    # Sealing and verification: on the chain model, entry points kept here
    # ------------------------------------------------------------------

    def _seal_after_commit(self, chain_ids):
        """Seal the given chains in a new transaction once this one has committed."""
        self.env["aftersales.event.chain"]._seal_after_commit(chain_ids)

    @api.model
    def _seal_chains(self, chains=None, batch_size=10000, commit=False):
        """Seal every unsealed event of ``chains`` (default: all chains); see
        ``aftersales.event.chain._seal_chains``. Returns the number sealed."""
        return self.env["aftersales.event.chain"]._seal_chains(
            chains, batch_size=batch_size, commit=commit
        )

    @api.model
    def _cron_seal_ledger(self):
        self.env["aftersales.event.chain"]._cron_seal_ledger()

    @api.model
    @api.readonly
    def verify_ledger(self, chain=None, page_size=20000, checkpoints=None):
        """Recompute every hash of the ledger in order and check its signed
        checkpoints (with ``checkpoints``: text holding tokens pasted from printed
        documents); see ``aftersales.event.chain._verify_ledger`` for the result,
        which names every break with its cause.

        Read-only: called over the web client's JSON-RPC (``/web/dataset/call_kw``)
        it runs on a read-only cursor, on the streaming replica when the server has
        one (``db_replica_host``/``db_replica_port``); it writes nothing (recording a
        result on the chains is ``action_verify``'s, on the primary)."""
        return self.env["aftersales.event.chain"]._verify_ledger(
            chain, page_size, checkpoints=checkpoints
        )
