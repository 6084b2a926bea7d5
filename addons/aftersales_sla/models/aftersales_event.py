"""The service ledger: an append-only, hash-chained table of service events.

How an event gets into the ledger
---------------------------------
Every part of the product appends through one entry point,
``env["aftersales.event"]._append_events(entries)`` (batch) or its one-event
shorthand ``_append_event(...)``. It validates everything first (event type,
payload, dates, subject), then inserts the rows *unsealed*: no sequence, no hash.
An insert takes no lock that another appender waits on, so concurrent user
transactions never queue behind each other.

Sealing
-------
Right after the appending transaction commits (a post-commit hook) and every minute
(scheduled action), :meth:`_seal_chains` takes each chain's head row with
``FOR NO KEY UPDATE SKIP LOCKED`` (a sealer that finds it busy moves on instead of
waiting; appenders only take ``KEY SHARE`` on it through their foreign key, which
does not conflict), reads the committed unsealed events of the chain in id order and
gives each the next gap-free sequence number, its predecessor's hash and its own
hash, then moves the head. Only one sealer works on a chain at a time, a sealer
working from an old snapshot fails on the head row instead of forking the chain,
and ``UNIQUE(chain_id, sequence)`` makes a fork impossible even for a buggy caller.
Sealing an already sealed event is a no-op, so sealing is idempotent.

Append-only
-----------
The ORM refuses ``write`` and ``unlink`` for everyone, the superuser included.
PostgreSQL triggers refuse ``UPDATE`` (except the one-time sealing of an unsealed
row, which may set nothing but the seal columns), ``DELETE`` and ``TRUNCATE``.

Verification
------------
:meth:`verify_ledger` reads each chain in sequence order in keyset pages (bounded
memory), recomputes every hash with :mod:`..tools.ledger_hash`, and reports the
first event that does not match.
"""

import contextvars
import logging
import threading
from contextlib import closing
from datetime import timedelta, timezone
from functools import partial

import psycopg2
import psycopg2.errors
from psycopg2.extras import execute_values

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tools import create_index, mute_logger
from odoo.tools.sql import drop_index

from ..tools import ledger_hash

_logger = logging.getLogger(__name__)

#: Set only while :meth:`AftersalesEvent._append_events` inserts rows; ``create``
#: refuses to run without it. A context variable, not an Odoo context key, so that
#: no RPC caller can set it.
_APPENDING = contextvars.ContextVar("aftersales_ledger_appending", default=False)

#: Columns a sealing UPDATE may fill in (each from NULL, exactly once).
SEAL_COLUMNS = ("sequence", "previous_hash", "hash", "sealed_at")

#: The hashed values of an event as SQL, in ``ledger_hash.RECORD_ORDER`` order, with
#: timestamps as the text the hash uses. The sealer and the verifier both read this.
_RECORD_SQL = """
    e.author_id, e.chain_id, e.company_id, e.event_type,
    to_char(e.occurred_at, 'YYYY-MM-DD HH24:MI:SS'), e.payload, e.reason,
    to_char(e.recorded_at, 'YYYY-MM-DD HH24:MI:SS'), e.res_id, e.res_model
"""

_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION aftersales_event_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- The one permitted update: sealing an unsealed row, which fills in the seal
        -- columns and changes nothing else.
        IF OLD.hash IS NULL AND OLD.sequence IS NULL
           AND NEW.hash IS NOT NULL AND NEW.sequence IS NOT NULL
           AND (to_jsonb(NEW) - ARRAY['sequence', 'previous_hash', 'hash', 'sealed_at'])
             = (to_jsonb(OLD) - ARRAY['sequence', 'previous_hash', 'hash', 'sealed_at'])
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'aftersales_event is append-only: UPDATE of event % refused',
            OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RAISE EXCEPTION 'aftersales_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

_TRIGGERS = (
    (
        "DROP TRIGGER IF EXISTS aftersales_event_no_update ON aftersales_event",
        "CREATE TRIGGER aftersales_event_no_update BEFORE UPDATE ON aftersales_event "
        "FOR EACH ROW EXECUTE FUNCTION aftersales_event_guard()",
    ),
    (
        "DROP TRIGGER IF EXISTS aftersales_event_no_delete ON aftersales_event",
        "CREATE TRIGGER aftersales_event_no_delete BEFORE DELETE ON aftersales_event "
        "FOR EACH ROW EXECUTE FUNCTION aftersales_event_guard()",
    ),
    (
        "DROP TRIGGER IF EXISTS aftersales_event_no_truncate ON aftersales_event",
        "CREATE TRIGGER aftersales_event_no_truncate "
        "BEFORE TRUNCATE ON aftersales_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION aftersales_event_guard()",
    ),
)


def install_ledger_triggers(cr):
    cr.execute(_TRIGGER_FUNCTION)
    for drop, create in _TRIGGERS:
        cr.execute(drop)
        cr.execute(create)


def drop_ledger_triggers(cr):
    cr.execute("SELECT to_regclass('aftersales_event')")
    if cr.fetchone()[0]:
        for drop, _create in _TRIGGERS:
            cr.execute(drop)
    cr.execute("DROP FUNCTION IF EXISTS aftersales_event_guard()")


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
        string="Occurred At",
        required=True,
        readonly=True,
        index=True,
        help="When it happened in the business. May be earlier than the recording "
        "time (a report taken by phone), never later.",
    )
    recorded_at = fields.Datetime(
        string="Recorded At", required=True, readonly=True, index=True
    )
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
        readonly=True, help="Why the event was recorded this way, e.g. a late entry."
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
        install_ledger_triggers(self.env.cr)

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
        ]

    @api.model
    def _selection_event_type(self):
        return self._get_event_types()

    @api.model
    def _selection_subject_model(self):
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
        vals_list = [self._prepare_event_vals(entry, chains) for entry in entries]
        if not vals_list:
            return self.browse()
        token = _APPENDING.set(True)
        try:
            with self.env.cr.savepoint():
                events = self.sudo().create(vals_list)
                events.flush_recordset()
        finally:
            _APPENDING.reset(token)
        self._seal_after_commit(set(events.chain_id.ids))
        self.env["aftersales.event.notification"]._queue_notifications(
            events.ids, vals_list
        )
        return events.with_env(self.env)

    @api.model
    def _prepare_event_vals(self, entry, chains=None):
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
            chains[company.id] = (
                self.env["aftersales.event.chain"].sudo()._get_for_company(company)
            )
        chain = chains[company.id]
        return {
            "chain_id": chain.id,
            "company_id": company.id,
            "event_type": event_type,
            "occurred_at": occurred_at,
            "recorded_at": now,
            "author_id": author_id,
            "res_model": res_model or False,
            "res_id": res_id or False,
            "reason": reason,
            "payload": payload,
        }

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
    # Sealing
    # ------------------------------------------------------------------

    def _seal_after_commit(self, chain_ids):
        """Seal the given chains in a new transaction once this one has committed."""
        data = self.env.cr.postcommit.data
        pending = data.get("aftersales.event.seal")
        if pending is None:
            pending = data["aftersales.event.seal"] = set()
            self.env.cr.postcommit.add(
                partial(_seal_postcommit, self.env.cr.dbname, pending)
            )
        pending.update(chain_ids)

    @api.model
    def _seal_chain(self, chain_id, limit=10000):
        """Seal up to ``limit`` committed unsealed events of one chain, in this
        transaction.

        :return: how many were sealed, or None when another sealer holds the chain.
        """
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """SELECT last_sequence, last_hash FROM aftersales_event_chain
                WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED""",
            [chain_id],
        )
        head = cr.fetchone()
        if head is None:
            return None
        last_sequence, last_hash = head[0] or 0, head[1] or None
        cr.execute(
            f"""SELECT e.id, {_RECORD_SQL} FROM aftersales_event e
                 WHERE e.chain_id = %s AND e.hash IS NULL
              ORDER BY e.id LIMIT %s""",
            [chain_id, limit],
        )
        rows = cr.fetchall()
        if not rows:
            return 0
        updates = []
        for event_id, *record in rows:
            last_sequence += 1
            digest = ledger_hash.compute_hash(
                last_hash, ledger_hash.canonical_record_row((*record, last_sequence))
            )
            updates.append((event_id, last_sequence, last_hash, digest))
            last_hash = digest
        execute_values(
            cr._obj,
            """UPDATE aftersales_event e
                  SET sequence = v.seq, previous_hash = v.prev, hash = v.hash,
                      sealed_at = (now() AT TIME ZONE 'UTC')
                 FROM (VALUES %s) AS v(id, seq, prev, hash)
                WHERE e.id = v.id AND e.hash IS NULL""",
            updates,
            template="(%s, %s, %s::varchar, %s::varchar)",
            page_size=1000,
        )
        cr.execute(
            """UPDATE aftersales_event_chain
                  SET last_sequence = %s, last_hash = %s,
                      last_sealed_at = (now() AT TIME ZONE 'UTC')
                WHERE id = %s""",
            [last_sequence, last_hash, chain_id],
        )
        self.env.invalidate_all()
        return len(updates)

    @api.model
    def _seal_chains(self, chains=None, batch_size=10000, commit=False):
        """Seal every unsealed event of ``chains`` (default: all chains).

        With ``commit`` (scheduled action only) each batch is committed on its own,
        so a run stopped half-way keeps what it sealed and the next run goes on from
        there; a chain busy with another sealer is left to it.

        :return: number of events sealed.
        """
        chains = (
            chains
            if chains is not None
            else self.env["aftersales.event.chain"].sudo().search([])
        )
        sealed = 0
        for chain_id in chains.ids:
            while True:
                try:
                    # A lost race is expected and handled here: keep it out of the
                    # log, where odoo.sql_db would report it as a bad query.
                    with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                        count = self._seal_chain(chain_id, limit=batch_size)
                except (
                    psycopg2.errors.SerializationFailure,
                    psycopg2.errors.LockNotAvailable,
                ):
                    # A sealer working from an older snapshot lost the race: the
                    # chain moved meanwhile. The winner or the next run goes on.
                    count = None
                if not count:
                    break
                sealed += count
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                if count < batch_size:
                    break
        return sealed

    @api.model
    def _cron_seal_ledger(self):
        # Commit batch by batch, except under tests, which run in one transaction.
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        sealed = self._seal_chains(commit=auto_commit)
        if sealed:
            _logger.info("Service ledger: sealed %d events", sealed)

    # ------------------------------------------------------------------
    # Verification
    # ------------------------------------------------------------------

    @api.model
    def verify_ledger(self, chain=None, page_size=20000):
        """Recompute every hash of the ledger in order and report the first mismatch.

        Reads each chain in pages of ``page_size`` events (memory does not grow with
        the ledger). Chains are those of the user's allowed companies.

        :param chain: an ``aftersales.event.chain`` record or id (default: all).
        :return: dict with ``checked`` (events whose hash recomputed), ``unsealed``
            (events not sealed yet), ``broken`` (False, or a dict with ``id``,
            ``sequence``, ``chain``, ``reason``, ``expected`` and ``stored`` of the
            first event that does not match), ``ok`` and ``chains`` (the same per
            chain).
        """
        Chain = self.env["aftersales.event.chain"]
        if chain is None:
            chains = Chain.search([])
        else:
            ids = chain.ids if isinstance(chain, models.BaseModel) else [chain]
            chains = Chain.browse(ids)
            chains.check_access("read")
        self.env.flush_all()
        result = {"checked": 0, "unsealed": 0, "broken": None, "chains": []}
        for chain_record in chains:
            chain_result = self._verify_chain(chain_record.id, page_size)
            chain_result["chain"] = chain_record.id
            chain_result["company"] = chain_record.company_id.id
            result["chains"].append(chain_result)
            result["checked"] += chain_result["checked"]
            result["unsealed"] += chain_result["unsealed"]
            if chain_result["broken"] and not result["broken"]:
                result["broken"] = dict(chain_result["broken"], chain=chain_record.id)
        result["ok"] = result["broken"] is None
        # False, not None, for "nothing broken": the result travels over XML-RPC.
        result["broken"] = result["broken"] or False
        for chain_result in result["chains"]:
            chain_result["broken"] = chain_result["broken"] or False
        return result

    @api.model
    def _verify_chain(self, chain_id, page_size):
        cr = self.env.cr
        verifier = ledger_hash.ChainVerifier()
        last_sequence = 0
        while verifier.broken is None:
            cr.execute(
                f"""SELECT e.id, e.previous_hash, e.hash, {_RECORD_SQL}, e.sequence
                      FROM aftersales_event e
                     WHERE e.chain_id = %s AND e.sequence > %s
                  ORDER BY e.chain_id, e.sequence LIMIT %s""",
                [chain_id, last_sequence, page_size],
            )
            rows = cr.fetchall()
            if not rows:
                break
            verifier.feed_rows(rows)
            last_sequence = rows[-1][-1]
        if verifier.broken is None:
            cr.execute(
                "SELECT last_sequence, last_hash FROM aftersales_event_chain "
                "WHERE id = %s",
                [chain_id],
            )
            head_sequence, head_hash = cr.fetchone()
            if (head_sequence or 0) != verifier.expected_sequence - 1 or (
                head_hash or ""
            ) != (verifier.previous_hash or ""):
                # Events missing at the end of the chain, or a forged head.
                verifier.broken = {
                    "id": False,
                    "sequence": head_sequence or 0,
                    "reason": "head_mismatch",
                    "expected": verifier.previous_hash or "",
                    "stored": head_hash or "",
                }
        cr.execute(
            "SELECT count(*) FROM aftersales_event "
            "WHERE chain_id = %s AND hash IS NULL",
            [chain_id],
        )
        return {
            "checked": verifier.checked,
            "unsealed": cr.fetchone()[0],
            "broken": verifier.broken,
        }


def _seal_postcommit(dbname, chain_ids):
    """Post-commit hook: seal what the committed transaction appended."""
    if not chain_ids:
        return
    try:
        # A connection of its own, even under tests (the registry's test cursor would
        # seal inside the test's transaction and hold the chain's head until its end).
        with closing(db_connect(dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            chains = env["aftersales.event.chain"].browse(sorted(chain_ids)).exists()
            env["aftersales.event"]._seal_chains(chains)
            cr.execute(
                "SELECT 1 FROM aftersales_event "
                "WHERE chain_id = ANY(%s) AND hash IS NULL LIMIT 1",
                [list(chains.ids)],
            )
            if cr.fetchone():
                # Another sealer held the chain: let the scheduled action finish soon.
                env.ref("aftersales_sla.ir_cron_aftersales_seal_ledger")._trigger(
                    fields.Datetime.now() + timedelta(seconds=5)
                )
            env.flush_all()
            cr.commit()  # pylint: disable=invalid-commit
    except psycopg2.Error:
        # Never fail the user's (already committed) request for this: the scheduled
        # action seals what is left within a minute.
        _logger.info("Service ledger: post-commit sealing deferred", exc_info=True)
