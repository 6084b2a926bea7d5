"""The chains of the service ledger: sealing and verification.

Sealing
-------
Right after the appending transaction commits (a post-commit hook) and every minute
(scheduled action), :meth:`AftersalesEventChain._seal_chains` takes each chain's head
row with ``FOR NO KEY UPDATE SKIP LOCKED`` (a sealer that finds it busy moves on
instead of waiting; appenders only take ``KEY SHARE`` on it through their foreign key,
which does not conflict), reads the committed unsealed events of the chain in id order
and gives each the next gap-free sequence number, its predecessor's hash and its own
hash, then moves the head. Only one sealer works on a chain at a time, a sealer
working from an old snapshot fails on the head row instead of forking the chain, and
``UNIQUE(chain_id, sequence)`` makes a fork impossible even for a buggy caller.
Sealing an already sealed event is a no-op, so sealing is idempotent.

Verification
------------
:meth:`AftersalesEventChain._verify_ledger` reads each chain in sequence order in
keyset pages (bounded memory), the next page read on the same connection while the
current one is hashed (:mod:`..tools.ledger_stream`), recomputes every hash with
:mod:`..tools.ledger_hash`, and reports every event that does not match. A large chain
is cut into ranges verified at once by worker processes
(:mod:`..tools.ledger_verify_worker`), each on a connection of its own reading the
snapshot this transaction exports, each range seeded with the stored hash before it:
the same breaks as one pass (:meth:`AftersalesEventChain._verify_stream_parallel`). It
then
checks the personal data vault (``aftersales.event.personal``): every kept value must
give the salted digest of the token its event hashed ("personal data altered"
otherwise), every vault entry must sit in its event, every token in a reason must have
its vault entry; erased values are counted, not breaks (docs/personal-data.md).
"""

import json
import logging
import os
import random
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import psycopg2
import psycopg2.errors
import psycopg2.extensions

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.service.model import (
    MAX_TRIES_ON_CONCURRENCY_FAILURE,
    PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
)
from odoo.sql_db import Cursor, connection_info_for, db_connect
from odoo.tools import config

from ..tools import (
    ledger_hash,
    ledger_personal,
    ledger_sign,
    ledger_verify_worker,
)
from ..tools.quiet_sql import quiet_sql
from .aftersales_event import GUARD_SQL, UNHASHED_ODD_SQL, ledger_owner_can_act
from .aftersales_event_checkpoint import _SIGNING

_logger = logging.getLogger(__name__)

#: The hashed values of an event as SQL (the sealer and the verifier both read it).
_RECORD_SQL = ledger_verify_worker.RECORD_SQL

#: The script that verifies one range of a chain in a process of its own.
VERIFY_WORKER = Path(ledger_verify_worker.__file__)


class AftersalesEventChain(models.Model):
    """One hash chain of the service ledger per company.

    The head (last sequence and hash) is written only by the sealer, in SQL, under a
    ``FOR NO KEY UPDATE`` row lock; verification checks it against the events.
    """

    _name = "aftersales.event.chain"
    _description = "Service Ledger Chain"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id"

    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="restrict"
    )
    last_sequence = fields.Integer(
        string="Sealed Events",
        readonly=True,
        help="Sequence number of the last sealed event.",
    )
    last_hash = fields.Char(readonly=True)
    last_sealed_at = fields.Datetime(string="Last Sealed", readonly=True)
    unsealed_count = fields.Integer(
        string="Not Sealed Yet", compute="_compute_unsealed_count"
    )
    last_verified_at = fields.Datetime(string="Last Verified", readonly=True)
    last_verification_state = fields.Selection(
        [("ok", "Intact"), ("broken", "Broken")],
        string="Last Verification",
        readonly=True,
        tracking=True,
    )
    last_verification_message = fields.Text(readonly=True)
    audit_from_sequence = fields.Integer(
        readonly=True,
        help="Events after this sequence have their unhashed columns (creating "
        "user, dates, seal time) checked by verification; events sealed before the "
        "insert guard existed kept other values there.",
    )
    checkpoint_ids = fields.One2many(
        "aftersales.event.checkpoint", "chain_id", string="Checkpoints", readonly=True
    )

    _sql_constraints = [
        ("company_unique", "UNIQUE(company_id)", "A company has one ledger chain."),
    ]

    def init(self):
        # Chains that existed before the insert guard: their earlier events are not
        # checked for unhashed columns (they were written with other values).
        self.env.cr.execute(
            """UPDATE aftersales_event_chain
                  SET audit_from_sequence = coalesce(last_sequence, 0)
                WHERE audit_from_sequence IS NULL"""
        )

    def _compute_unsealed_count(self):
        # sudo: unsealed events are counted for whoever sees the chain
        counts = dict(
            self.env["aftersales.event"]
            .sudo()
            ._read_group(
                [("chain_id", "in", self.ids), ("hash", "=", False)],
                ["chain_id"],
                ["__count"],
            )
        )
        for chain in self:
            chain.unsealed_count = counts.get(chain, 0)

    # ------------------------------------------------------------------

    @api.model
    def _ensure_for_companies(self, companies):
        existing = self.search([("company_id", "in", companies.ids)]).company_id
        missing = companies - existing
        return self.create(
            [
                {
                    "name": self.env._("%s ledger", company.name),
                    "company_id": company.id,
                    "audit_from_sequence": 0,
                }
                for company in missing
            ]
        )

    @api.model
    def _get_for_company(self, company):
        chain = self.search([("company_id", "=", company.id)], limit=1)
        return chain or self._ensure_for_companies(company)

    def write(self, vals):
        protected = {
            "company_id",
            "last_sequence",
            "last_hash",
            "last_sealed_at",
        } & set(vals)
        if protected:
            raise UserError(
                self.env._("The head of a ledger chain is moved only by sealing.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_chain(self):
        raise UserError(self.env._("A ledger chain cannot be deleted."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_verify(self):
        """Verify these chains and show the result."""
        wizard = self.env["aftersales.event.verify"].create(
            {"chain_ids": [(6, 0, self.ids)]}
        )
        wizard.action_verify()
        return wizard._action_open()

    def action_open_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_sla.aftersales_event_action"
        )
        action["domain"] = [("chain_id", "=", self.id)]
        action["context"] = {}
        return action

    def _record_verification(self, result):
        """Store a verification result on each chain; alert managers of broken ones."""
        now = fields.Datetime.now()
        by_chain = {item["chain"]: item for item in result["chains"]}
        for chain in self:
            item = by_chain.get(chain.id)
            if item is None:
                continue
            broken = item["broken"]
            message = self._verification_message(item)
            # sudo: the chain's verification status is the system's to write
            chain.sudo().write(
                {
                    "last_verified_at": now,
                    "last_verification_state": "broken" if broken else "ok",
                    "last_verification_message": message,
                }
            )
            if broken:
                chain._alert_managers(message)

    def _break_reasons(self):
        return {
            "sequence_gap": self.env._(
                "events missing or moved before it (sequence gap)"
            ),
            "broken_link": self.env._(
                "a broken link to the previous event (an event before it was "
                "rewritten, removed or forged)"
            ),
            "malformed_hash": self.env._("a malformed hash"),
            "hash_mismatch": self.env._(
                "a hash that does not match the event's content (the event was changed)"
            ),
            "head_mismatch": self.env._(
                "the chain's head does not match its last event (events cut off "
                "at the end, or appended while the head was moved)"
            ),
            "unhashed_changed": self.env._(
                "a column the hash does not cover was changed (author, dates or "
                "seal time)"
            ),
            "checkpoint_truncated": self.env._(
                "truncation: a signed checkpoint names an event the chain no longer has"
            ),
            "checkpoint_rewritten": self.env._(
                "rewrite: the event at a signed checkpoint no longer has the signed "
                "hash (events at or before it were changed, removed or forged)"
            ),
            "checkpoint_wiped": self.env._(
                "wiped: a signed checkpoint exists but the chain has no events"
            ),
            "checkpoint_bad_signature": self.env._(
                "a checkpoint whose signature is not valid (forged, or signed for "
                "another database)"
            ),
            "unsigned_events": self.env._(
                "events sealed after the last signed head: appended outside the "
                "application's sealing, with the head moved along"
            ),
            "checkpoint_unknown_key": self.env._(
                "a checkpoint signed with a key this database does not trust"
            ),
            "personal_altered": self.env._(
                "personal data altered: a value kept in the vault no longer gives "
                "the digest the event hashed"
            ),
            "personal_misplaced": self.env._(
                "a personal data vault entry whose token is not in its event"
            ),
            "personal_missing": self.env._(
                "personal data missing: the event's token has no vault entry "
                "(deleted behind the application's back)"
            ),
        }

    def _break_message(self, broken):
        reason = self._break_reasons().get(broken["reason"], broken["reason"])
        if broken["id"]:
            return self.env._(
                "Event %(id)s (sequence %(sequence)s): %(reason)s.",
                id=broken["id"],
                sequence=broken["sequence"],
                reason=reason,
            )
        return self.env._(
            "At sequence %(sequence)s: %(reason)s.",
            sequence=broken["sequence"],
            reason=reason,
        )

    def _verification_message(self, item):
        if not item["broken"]:
            message = self.env._(
                "%(checked)s events verified, %(unsealed)s not sealed yet: "
                "the chain is intact.",
                checked=item["checked"],
                unsealed=item["unsealed"],
            )
            if item.get("personal_erased"):
                message += " " + self.env._(
                    "%(kept)s personal values verified, %(erased)s erased.",
                    kept=item.get("personal_kept", 0),
                    erased=item["personal_erased"],
                )
            return message
        lines = [
            self.env._(
                "LEDGER BROKEN: %(count)s breaks found, %(checked)s events verified.",
                count=item["break_count"],
                checked=item["checked"],
            )
        ]
        lines += [self._break_message(broken) for broken in item["breaks"]]
        if item["break_count"] > len(item["breaks"]):
            lines.append(
                self.env._("… and %s more.", item["break_count"] - len(item["breaks"]))
            )
        return "\n".join(lines)

    def _guard_messages(self, guards):
        labels = {
            "trigger_missing": self.env._("guard trigger %s is missing"),
            "trigger_disabled": self.env._("guard trigger %s is disabled"),
            "function_missing": self.env._("guard function %s is missing"),
            "function_replaced": self.env._(
                "guard function %s was replaced by other code"
            ),
            "runtime_owns_ledger": self.env._(
                "the role Odoo runs as owns table %s: run the owner step "
                "(scripts/ledger_owner.sql) so it cannot disable the guards"
            ),
        }
        return [labels.get(g["code"], "%s") % g["name"] for g in guards]

    def _alert_managers(self, message):
        self.ensure_one()
        # sudo: the managers of the company are alerted, whoever verifies
        managers = self.env.ref("aftersales_sla.group_aftersales_manager").sudo().users
        managers = managers.filtered(lambda user: self.company_id in user.company_ids)
        # sudo: the chain's chatter is the system's, whoever verifies
        chain = self.sudo()
        chain.message_post(
            body=message,
            subject=self.env._(
                "Service ledger integrity failure: %s", self.company_id.name
            ),
            partner_ids=managers.partner_id.ids,
            message_type="notification",
            subtype_xmlid="mail.mt_comment",
        )
        for manager in managers:
            chain.activity_schedule(
                "mail.mail_activity_data_warning",
                summary=self.env._("Service ledger integrity failure"),
                note=message,
                user_id=manager.id,
            )
        _logger.error(
            "Service ledger chain %s (%s): %s", self.id, self.company_id.name, message
        )

    @api.model
    def _cron_verify_ledger(self):
        # sudo: the scheduled verification reads every chain (both calls)
        chains = self.sudo().search([])
        result = self.sudo()._verify_ledger(chains)
        try:
            # quiet_sql outside: the savepoint flushes the write when it ends, and
            # that UPDATE is the query expected to fail.
            with quiet_sql(), self.env.cr.savepoint():
                chains._record_verification(result)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # The sealer moved a chain's head while the verification read its
            # snapshot: this (repeatable read) transaction may no longer write the
            # chain row. The result goes in new short transactions, retried.
            self._record_verification_apart(chains.ids, result)
        return result

    @api.model
    def _record_verification_apart(self, chain_ids, result):
        for attempt in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            try:
                # quiet_sql outside: the cursor flushes and commits when it ends.
                with quiet_sql(), self.env.registry.cursor() as cr:
                    self.with_env(self.env(cr=cr)).browse(
                        chain_ids
                    )._record_verification(result)
                return
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                if attempt == MAX_TRIES_ON_CONCURRENCY_FAILURE:
                    raise
                time.sleep(random.uniform(0.0, 0.2 * 2**attempt))

    # ------------------------------------------------------------------
    # Sealing
    # ------------------------------------------------------------------

    @api.model
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
        ids, hashes = [], []
        for event_id, *record in rows:
            last_sequence += 1
            last_hash = ledger_hash.compute_hash(
                last_hash, ledger_hash.canonical_record_row((*record, last_sequence))
            )
            ids.append(event_id)
            hashes.append(last_hash)
        # The database fills the seal columns (sequence, link, hash, sealed-at) of
        # exactly these events, oldest first, and moves the head: the role Odoo runs
        # as has no UPDATE right on the ledger (sql/aftersales_ledger_guard.sql).
        cr.execute(
            "SELECT aftersales_event_seal(%s, %s::integer[], %s::varchar[])",
            [chain_id, ids, hashes],
        )
        sealed = cr.fetchone()[0]
        self.env.invalidate_all()
        # Every move of the head is signed in the same transaction: sealed events
        # beyond the last signed head can only come from outside the sealer.
        self.browse(chain_id)._store_checkpoints(
            "seal", head=(last_sequence, last_hash)
        )
        return sealed

    @api.model
    def _seal_chains(self, chains=None, batch_size=10000, commit=False):
        """Seal every unsealed event of ``chains`` (default: all chains).

        With ``commit`` (scheduled action only) each batch is committed on its own,
        so a run stopped half-way keeps what it sealed and the next run goes on from
        there; a chain busy with another sealer is left to it.

        :return: number of events sealed.
        """
        # sudo: sealing is the system's: every chain by default
        chains = chains if chains is not None else self.sudo().search([])
        sealed = 0
        for chain_id in chains.ids:
            while True:
                try:
                    # A lost race is expected and handled here: keep it out of the
                    # log, where odoo.sql_db would report it as a bad query.
                    with self.env.cr.savepoint(flush=False), quiet_sql():
                        count = self._seal_chain(chain_id, limit=batch_size)
                except (
                    psycopg2.errors.SerializationFailure,
                    psycopg2.errors.LockNotAvailable,
                ):
                    # A sealer working from an older snapshot lost the race: the
                    # chain moved meanwhile. The winner or the next run goes on.
                    count = None
                except psycopg2.errors.DataCorrupted as error:
                    # The head no longer matches the chain's last event: someone
                    # changed the table behind the application. Sealing stops on
                    # this chain (nothing is chained onto a forgery); verification
                    # names what happened.
                    _logger.error(
                        "Service ledger chain %s not sealed: %s",
                        chain_id,
                        error.diag.message_primary,
                    )
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
    def _verify_ledger(self, chain=None, page_size=20000, checkpoints=None):
        """Recompute every hash of the ledger in order and report every break.

        Reads each chain in pages of ``page_size`` events (memory does not grow with
        the ledger). Chains are those of the user's allowed companies. Besides the
        hashes, checks the chain's head, every signed checkpoint stored for the
        chain and those given in ``checkpoints`` (tokens pasted from printed
        documents), the columns the hash does not cover, and the database guards.

        :param chain: an ``aftersales.event.chain`` record or id (default: all).
        :param checkpoints: text holding checkpoint tokens (``ASL1.…``), optional.
        :return: dict with ``checked`` (events whose hash recomputed), ``unsealed``
            (events not sealed yet), ``breaks`` (every break found, each a dict with
            ``chain``, ``id``, ``sequence``, ``reason``, ``expected``, ``stored``;
            at most ``ledger_hash.MAX_BREAKS`` per chain are described,
            ``break_count`` counts them all), ``broken`` (False or the first break),
            ``checkpoints`` (each checkpoint checked, with its ``status``),
            ``guards`` (problems with the database guards), ``ok`` and ``chains``
            (the same per chain).
        """
        if chain is None:
            chains = self.search([])
        else:
            ids = chain.ids if isinstance(chain, models.BaseModel) else [chain]
            chains = self.browse(ids)
            chains.check_access("read")
        self.env.flush_all()
        given = ledger_sign.parse_tokens(checkpoints) if checkpoints else []
        result = {
            "checked": 0,
            "unsealed": 0,
            "personal_kept": 0,
            "personal_erased": 0,
            "break_count": 0,
            "breaks": [],
            "checkpoints": [],
            "chains": [],
        }
        result["guards"] = self._verify_guards()
        for chain_record in chains:
            chain_result = self._verify_chain(
                chain_record.id,
                page_size,
                [cp for cp in given if cp.chain == chain_record.id],
            )
            chain_result["chain"] = chain_record.id
            chain_result["company"] = chain_record.company_id.id
            for item in chain_result["breaks"]:
                item["chain"] = chain_record.id
            result["chains"].append(chain_result)
            result["checked"] += chain_result["checked"]
            result["unsealed"] += chain_result["unsealed"]
            result["personal_kept"] += chain_result["personal_kept"]
            result["personal_erased"] += chain_result["personal_erased"]
            result["break_count"] += chain_result["break_count"]
            result["breaks"].extend(chain_result["breaks"])
            result["checkpoints"].extend(chain_result["checkpoints"])
        for checkpoint in given:
            if checkpoint.chain not in chains.ids:
                result["checkpoints"].append(
                    self._checkpoint_item(checkpoint, "given", "other_chain")
                )
        disabled = [item for item in result["guards"] if item["severity"] == "break"]
        result["ok"] = not result["break_count"] and not disabled
        # False, not None, for "nothing broken": the result travels over XML-RPC.
        result["broken"] = result["breaks"][0] if result["breaks"] else False
        for chain_result in result["chains"]:
            chain_result["broken"] = (
                chain_result["breaks"][0] if chain_result["breaks"] else False
            )
        return result

    @api.model
    def _verify_chain(self, chain_id, page_size, given_checkpoints=()):
        cr = self.env.cr
        # The events' hashes, links and sequence: in ranges verified at once by
        # worker processes for a large chain, else in one pass on this transaction's
        # connection (page n + 1 read while page n is hashed: tools/ledger_stream.py).
        stream = self._verify_stream_parallel(chain_id, page_size)
        if stream is None:
            stream = ledger_verify_worker.verify_range(
                cr.connection, chain_id, 0, None, page_size
            )
        # The head, vault and checkpoint checks below go on from the stream's state.
        verifier = ledger_hash.ChainVerifier(
            stream["last_hash"], stream["last_sequence"] + 1
        )
        verifier.checked = stream["checked"]
        verifier.breaks = stream["breaks"]
        verifier.break_count = stream["break_count"]
        last_sequence = stream["last_sequence"]
        last_hash = stream["last_hash"]
        cr.execute(
            "SELECT last_sequence, last_hash FROM aftersales_event_chain WHERE id = %s",
            [chain_id],
        )
        head_sequence, head_hash = cr.fetchone()
        if (head_sequence or 0) != last_sequence or (head_hash or "") != (
            last_hash or ""
        ):
            # Events missing at the end of the chain, events appended while the
            # head was moved along, or a forged head.
            verifier.add_break(
                False,
                head_sequence or 0,
                "head_mismatch",
                f"{last_sequence} {last_hash or ''}".strip(),
                f"{head_sequence or 0} {head_hash or ''}".strip(),
            )
        self._verify_unhashed_columns(chain_id, verifier)
        personal = self._verify_personal(chain_id, verifier)
        checkpoint_items = self._verify_checkpoints(
            chain_id, last_sequence, verifier, given_checkpoints
        )
        cr.execute(
            "SELECT count(*) FROM aftersales_event "
            "WHERE chain_id = %s AND hash IS NULL",
            [chain_id],
        )
        return {
            "checked": verifier.checked,
            "unsealed": cr.fetchone()[0],
            "last_sequence": last_sequence,
            "personal_kept": personal["kept"],
            "personal_erased": personal["erased"],
            "breaks": verifier.breaks,
            "break_count": verifier.break_count,
            "checkpoints": checkpoint_items,
        }

    # ------------------------------------------------------------------
    # Verification in parallel: ranges of a large chain in worker processes
    # ------------------------------------------------------------------

    @api.model
    def _verify_parallel_settings(self):
        """(workers, threshold): how many worker processes verify a chain of at
        least ``threshold`` sealed events (system parameters
        ``aftersales_sla.ledger_verify_workers``, default the number of CPUs up to
        4, and ``aftersales_sla.ledger_verify_parallel_threshold``, default
        200,000). Fewer than two workers: always one pass."""
        # sudo: only administrators read system parameters
        params = self.env["ir.config_parameter"].sudo()
        settings = []
        for key, default in (
            ("aftersales_sla.ledger_verify_workers", min(os.cpu_count() or 1, 4)),
            ("aftersales_sla.ledger_verify_parallel_threshold", 200000),
        ):
            try:
                settings.append(int(params.get_param(key, default)))
            except (TypeError, ValueError):
                _logger.info(
                    "Service ledger: %s is not a number, using %s", key, default
                )
                settings.append(default)
        return tuple(settings)

    @api.model
    def _verify_parallel_obstacle(self):
        """Why this transaction's snapshot cannot be shared with worker processes
        (None when it can). Workers import the snapshot the transaction exports:
        it must be a plain transaction (exporting from a savepoint fails, and the
        test cursor is one), repeatable read (the snapshot the caller goes on
        reading with), that has not written to the ledger (an exported snapshot
        does not hold the transaction's own uncommitted writes)."""
        cr = self.env.cr
        if type(cr) is not Cursor:
            return "not a plain cursor (a test cursor runs in a savepoint)"
        if cr.connection.isolation_level not in (
            psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ,
            psycopg2.extensions.ISOLATION_LEVEL_SERIALIZABLE,
        ):
            return "the transaction is not repeatable read"
        cr.execute("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")
        if not cr.fetchone()[0]:
            return None  # nothing written at all
        # Per-transaction counts of the ledger tables' writes. PostgreSQL may add
        # those of an earlier transaction of the connection not reported yet: never
        # less than this transaction's (at worst one pass where workers could do).
        cr.execute(
            """SELECT current_setting('track_counts')::boolean,
                      coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)
                 FROM pg_stat_xact_user_tables
                WHERE relid IN ('aftersales_event'::regclass,
                                'aftersales_event_chain'::regclass)"""
        )
        counted, written = cr.fetchone()
        if not counted:
            return "the transaction has written (track_counts is off)"
        if written:
            return "the transaction has written to the ledger"
        return None

    @api.model
    def _verify_worker_connection(self):
        """The libpq parameters this transaction's connection was opened with (the
        replica's when the cursor is read-only on one: Odoo's own
        ``connection_info_for``), password included: workers get them on their
        standard input, never on the command line."""
        cr = self.env.cr
        _dbname, info = connection_info_for(cr.dbname, readonly=cr.readonly)
        info.pop("application_name", None)
        return info

    @api.model
    def _verify_ranges(self, low, high, workers):
        """``(after, upto)`` bounds of ``workers`` ranges covering sequences
        ``low``..``high`` (the first from 0, the last to the end, ``upto`` None)."""
        count = min(workers, high - low + 1)
        bounds = [0] + [
            low - 1 + (high - low + 1) * i // count for i in range(1, count)
        ]
        return list(zip(bounds, bounds[1:] + [None], strict=True))

    @api.model
    def _verify_stream_parallel(self, chain_id, page_size):
        """The stream part of verification (hashes, links, sequence) of a large
        chain in ranges verified at once by worker processes
        (tools/ledger_verify_worker.py) reading this transaction's snapshot.

        :return: the stream result (``checked``, ``breaks``, ``break_count``,
            ``last_sequence``, ``last_hash``), exactly as one sequential pass gives
            it, or None when the chain is verified in one pass: small, the setting,
            or the snapshot or a worker failed (logged at INFO, never a wrong
            result).
        """
        workers, threshold = self._verify_parallel_settings()
        if workers < 2:
            return None
        cr = self.env.cr
        cr.execute(
            """SELECT min(sequence), max(sequence) FROM aftersales_event
                WHERE chain_id = %s AND sequence > 0""",
            [chain_id],
        )
        low, high = cr.fetchone()
        if low is None or high - low + 1 < max(threshold, 2):
            return None
        obstacle = self._verify_parallel_obstacle()
        if obstacle:
            _logger.info(
                "Service ledger chain %s verified in one process: %s",
                chain_id,
                obstacle,
            )
            return None
        cr.execute("SELECT pg_export_snapshot()")
        snapshot = cr.fetchone()[0]
        connection = self._verify_worker_connection()
        jobs = [
            {
                "connection": connection,
                "snapshot": snapshot,
                "chain": chain_id,
                "after": after,
                "upto": upto,
                "page_size": page_size,
                "max_breaks": ledger_hash.MAX_BREAKS,
            }
            for after, upto in self._verify_ranges(low, high, workers)
        ]
        try:
            results = _run_verify_workers(jobs)
        except (OSError, ValueError, RuntimeError) as error:
            _logger.info(
                "Service ledger chain %s verified in one process: a worker failed: %s",
                chain_id,
                error,
            )
            return None
        breaks = []
        for result in results:
            breaks.extend(result["breaks"][: ledger_hash.MAX_BREAKS - len(breaks)])
        return {
            "checked": sum(result["checked"] for result in results),
            "breaks": breaks,
            "break_count": sum(result["break_count"] for result in results),
            # The last range ends where the chain does (seeded with the stored
            # values before it when it is empty).
            "last_sequence": results[-1]["last_sequence"],
            "last_hash": results[-1]["last_hash"],
        }

    @api.model
    def _verify_personal(self, chain_id, verifier, page_size=20000):
        """Check the personal data vault of the chain's events (see the module's
        docstring). Reports breaks on ``verifier``; returns ``{kept, erased}``.
        A break names the vault reference, never the value."""
        cr = self.env.cr
        kept = erased = 0
        last_id = 0
        while True:
            cr.execute(
                """SELECT p.id, p.event_id, e.sequence, p.path, p.token, p.value,
                          p.salt, p.erased_at IS NOT NULL, p.ref,
                          CASE WHEN p.path = 'reason' THEN e.reason = p.token
                               ELSE strpos(e.payload, p.token) > 0 END
                     FROM aftersales_event_personal p
                     JOIN aftersales_event e ON e.id = p.event_id
                    WHERE e.chain_id = %s AND p.id > %s
                 ORDER BY p.id LIMIT %s""",
                [chain_id, last_id, page_size],
            )
            rows = cr.fetchall()
            if not rows:
                break
            for (
                _entry_id,
                event_id,
                sequence,
                path,
                token,
                value,
                salt,
                is_erased,
                ref,
                in_event,
            ) in rows:
                if not in_event:
                    verifier.add_break(
                        event_id, sequence or 0, "personal_misplaced", path, ref
                    )
                elif is_erased:
                    erased += 1
                elif ledger_personal.matches(token, salt, value):
                    kept += 1
                else:
                    verifier.add_break(
                        event_id, sequence or 0, "personal_altered", path, ref
                    )
            last_id = rows[-1][0]
        # A reason holding a token without its vault entry.
        cr.execute(
            """SELECT e.id, e.sequence FROM aftersales_event e
                WHERE e.chain_id = %s AND e.reason LIKE %s
                  AND NOT EXISTS (SELECT 1 FROM aftersales_event_personal p
                                   WHERE p.event_id = e.id AND p.path = 'reason')
             ORDER BY e.sequence NULLS LAST, e.id""",
            [chain_id, ledger_personal.TOKEN_PREFIX + "%"],
        )
        for event_id, sequence in cr.fetchall():
            verifier.add_break(event_id, sequence or 0, "personal_missing", "reason")
        return {"kept": kept, "erased": erased}

    @api.model
    def _verify_unhashed_columns(self, chain_id, verifier):
        """The columns the hash does not cover mirror hashed ones (set by the
        insert guard): author for the creating and writing user, recorded-at for
        the creation and write dates; sealed-at is set exactly when the hash is,
        never before the recording. A row that differs was changed behind the
        application's back."""
        self.env.cr.execute(
            "SELECT coalesce(audit_from_sequence, 0) FROM aftersales_event_chain "
            "WHERE id = %s",
            [chain_id],
        )
        audit_from = self.env.cr.fetchone()[0]
        # The predicate is that of a partial index (empty in a sound ledger).
        self.env.cr.execute(
            f"""SELECT id, sequence FROM aftersales_event
                 WHERE chain_id = %s AND ({UNHASHED_ODD_SQL})
                   AND (sequence IS NULL OR sequence > %s)
              ORDER BY sequence NULLS LAST, id""",
            [chain_id, audit_from],
        )
        for event_id, sequence in self.env.cr.fetchall():
            verifier.add_break(event_id, sequence or 0, "unhashed_changed")

    @api.model
    def _verify_checkpoints(self, chain_id, last_sequence, verifier, given=()):
        """Check the signed checkpoints of the chain: the stored ones whose event no
        longer holds their hash (one query), the latest stored one (which must be
        the head: sealing signs every move of the head), and the ``given`` ones
        (pasted from printed documents), each by its signature, then against the
        event at its sequence."""
        Checkpoint = self.env["aftersales.event.checkpoint"].sudo()
        cr = self.env.cr
        cr.execute(
            """SELECT cp.id FROM aftersales_event_checkpoint cp
            LEFT JOIN aftersales_event e
                   ON e.chain_id = cp.chain_id AND e.sequence = cp.sequence
                WHERE cp.chain_id = %s AND e.hash IS DISTINCT FROM cp.hash
             ORDER BY cp.sequence, cp.id LIMIT %s""",
            [chain_id, ledger_hash.MAX_BREAKS],
        )
        suspects = Checkpoint.browse([row[0] for row in cr.fetchall()])
        latest = Checkpoint.search(
            [("chain_id", "=", chain_id)], order="sequence desc, id desc", limit=1
        )
        candidates = [(cp._as_checkpoint(), "stored", cp.id) for cp in suspects]
        if latest and latest not in suspects:
            candidates.append((latest._as_checkpoint(), "stored", latest.id))
        candidates += [(cp, "given", False) for cp in given]
        keys = self._trusted_public_keys()
        dbuuid = self._database_uuid()
        items = []
        reported = set()
        for checkpoint, source, record_id in sorted(
            candidates, key=lambda item: (item[0].sequence, item[1])
        ):
            status = self._checkpoint_status(
                chain_id, last_sequence, checkpoint, keys, dbuuid
            )
            items.append(
                self._checkpoint_item(checkpoint, source, status, record_id=record_id)
            )
            if status == "ok":
                continue
            # One break per cause and place: a wiped chain is one finding, not one
            # per checkpoint.
            key_ = (status, 0 if status == "wiped" else checkpoint.sequence)
            if key_ in reported:
                continue
            reported.add(key_)
            verifier.add_break(
                False,
                checkpoint.sequence,
                f"checkpoint_{status}",
                checkpoint.hash,
                "",
                checkpoint=checkpoint.token,
            )
        if (
            latest
            and last_sequence > latest.sequence
            and latest.origin == "seal"
            and items
            and any(
                item["id"] == latest.id and item["status"] == "ok" for item in items
            )
        ):
            # Sealing signs the head in the transaction that moves it: sealed
            # events after the last signed head were put there by someone else.
            verifier.add_break(
                False,
                latest.sequence + 1,
                "unsigned_events",
                str(latest.sequence),
                str(last_sequence),
            )
        return items

    @api.model
    def _checkpoint_status(self, chain_id, last_sequence, checkpoint, keys, dbuuid):
        key = keys.get(checkpoint.fingerprint)
        if key is None:
            return "unknown_key"
        if not ledger_sign.verify(key, dbuuid, checkpoint):
            return "bad_signature"
        if last_sequence == 0:
            return "wiped"
        if checkpoint.sequence > last_sequence:
            return "truncated"
        self.env.cr.execute(
            "SELECT hash FROM aftersales_event WHERE chain_id = %s AND sequence = %s",
            [chain_id, checkpoint.sequence],
        )
        row = self.env.cr.fetchone()
        if row is None:
            return "truncated"
        return "ok" if row[0] == checkpoint.hash else "rewritten"

    @api.model
    def _checkpoint_item(self, checkpoint, source, status, record_id=False):
        return {
            "chain": checkpoint.chain,
            "sequence": checkpoint.sequence,
            "hash": checkpoint.hash,
            "signed_at": checkpoint.signed_at,
            "fingerprint": checkpoint.fingerprint,
            "source": source,
            "status": status,
            "id": record_id,
            "token": checkpoint.token,
        }

    @api.model
    def _verify_guards(self):
        """The database guards in place: the triggers enabled, the guard and
        sealing functions as installed, the table held by an owner other than the
        role Odoo runs as. A disabled trigger or a replaced function is a break
        (someone with the owner's rights worked around the guards); the runtime
        role owning the table is a weakness of the set-up, reported as a warning."""
        cr = self.env.cr
        problems = []
        cr.execute(
            """SELECT t.tgname, t.tgenabled FROM pg_trigger t
                WHERE t.tgrelid = 'aftersales_event'::regclass AND NOT t.tgisinternal"""
        )
        triggers = dict(cr.fetchall())
        for name in (
            "aftersales_event_append",
            "aftersales_event_no_update",
            "aftersales_event_no_delete",
            "aftersales_event_no_truncate",
        ):
            state = triggers.get(name)
            if state is None:
                problems.append(
                    {"severity": "break", "code": "trigger_missing", "name": name}
                )
            elif state == "D":
                problems.append(
                    {"severity": "break", "code": "trigger_disabled", "name": name}
                )
        expected = _guard_function_sources()
        cr.execute(
            """SELECT p.proname, p.prosrc, p.prosecdef FROM pg_proc p
                WHERE p.proname = ANY(%s)""",
            [list(expected)],
        )
        found = {name: (source, secdef) for name, source, secdef in cr.fetchall()}
        for name, source in expected.items():
            if name not in found:
                problems.append(
                    {"severity": "break", "code": "function_missing", "name": name}
                )
            elif found[name][0].strip() != source.strip():
                problems.append(
                    {"severity": "break", "code": "function_replaced", "name": name}
                )
        if ledger_owner_can_act(cr):
            problems.append(
                {
                    "severity": "warning",
                    "code": "runtime_owns_ledger",
                    "name": "aftersales_event",
                }
            )
        return problems

    # ------------------------------------------------------------------
    # Signed checkpoints
    # ------------------------------------------------------------------

    @api.model
    def _database_uuid(self):
        # sudo: only administrators read system parameters
        return self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")

    @api.model
    def _signing_key(self):
        """The checkpoint signing key (Ed25519), from the file named by
        ``aftersales_ledger_key_file`` in Odoo's configuration."""
        path = config.get("aftersales_ledger_key_file")
        if not path:
            raise UserError(
                self.env._(
                    "No ledger signing key is configured: set "
                    "aftersales_ledger_key_file in Odoo's configuration file to the "
                    "path of an Ed25519 private key (PEM)."
                )
            )
        try:
            return ledger_sign.load_private_key(path)
        except ledger_sign.SigningKeyError as error:
            raise UserError(
                self.env._("The ledger signing key cannot be read: %s", error)
            ) from error

    @api.model
    def _trusted_public_keys(self):
        """{fingerprint: public key} of the keys whose checkpoints verification
        accepts: the current signing key, and the earlier ones listed (files of
        PEM public keys, comma-separated) in ``aftersales_ledger_trusted_keys``."""
        keys = {}
        if config.get("aftersales_ledger_key_file"):
            try:
                public = self._signing_key().public_key()
            except UserError as error:
                # Checkpoints of this key are then reported as of an unknown key.
                _logger.warning("Service ledger: %s", error)
            else:
                keys[ledger_sign.fingerprint(public)] = public
        for path in filter(
            None, (config.get("aftersales_ledger_trusted_keys") or "").split(",")
        ):
            try:
                with open(path.strip(), encoding="utf-8") as handle:
                    public = ledger_sign.load_public_key(handle.read())
            except (OSError, ValueError) as error:
                _logger.warning("Ledger trusted key %s unreadable: %s", path, error)
                continue
            keys[ledger_sign.fingerprint(public)] = public
        return keys

    def _head(self):
        """(sequence, hash) of the chain's last sealed event, read from the events
        (0, None for an empty chain)."""
        self.ensure_one()
        self.env.cr.execute(
            """SELECT sequence, hash FROM aftersales_event
                WHERE chain_id = %s AND sequence IS NOT NULL
             ORDER BY chain_id DESC, sequence DESC LIMIT 1""",
            [self.id],
        )
        row = self.env.cr.fetchone()
        return (row[0], row[1]) if row else (0, None)

    def _sign_head(self, head=None):
        """A checkpoint of the chain's head signed now (not stored), or None for
        a chain without sealed events."""
        self.ensure_one()
        sequence, stored_hash = head or self._head()
        if not sequence:
            return None
        return ledger_sign.sign(
            self._signing_key(),
            self._database_uuid(),
            self.id,
            sequence,
            stored_hash,
            int(datetime.now(timezone.utc).timestamp()),
        )

    def _store_checkpoints(self, origin, head=None):
        """Sign and store a checkpoint of each chain's head (chains without sealed
        events, or already checkpointed at their head, are skipped). ``head``:
        (sequence, hash) when the caller knows it (the sealer)."""
        Checkpoint = self.env["aftersales.event.checkpoint"]
        vals_list = []
        for chain in self:
            if origin == "seal" and not config.get("aftersales_ledger_key_file"):
                # Sealing never waits for a key: without one, heads go unsigned
                # (and verification cannot name appends made outside the sealer).
                continue
            checkpoint = chain._sign_head(head)
            if checkpoint is None:
                continue
            # sudo: checkpoints are the system's: no user has the right to create them
            if Checkpoint.sudo().search_count(
                [("chain_id", "=", chain.id), ("sequence", "=", checkpoint.sequence)],
                limit=1,
            ):
                continue
            vals_list.append(Checkpoint._values_from(checkpoint, origin))
        token = _SIGNING.set(True)
        try:
            # sudo: checkpoints are the system's: no user has the right to create them
            return Checkpoint.sudo().create(vals_list)
        finally:
            _SIGNING.reset(token)

    def _print_checkpoint(self):
        """What a printed document shows of the chain's head: a dict with the
        ``token`` to keep and its parts, or ``error`` when it cannot be signed.
        Writes nothing (printing never writes)."""
        self.ensure_one()
        # Statements and credit notes are printed by users who may not read the
        # ledger (accountants, customers on the portal); the head is public to them.
        # sudo: the head is public to statement readers (see above)
        chain = self.sudo()
        try:
            checkpoint = chain._sign_head()
        except UserError as error:
            return {"error": str(error), "chain": chain}
        if checkpoint is None:
            return {"error": self.env._("No sealed event yet."), "chain": chain}
        return {
            "chain": chain,
            "token": checkpoint.token,
            "sequence": checkpoint.sequence,
            "hash": checkpoint.hash,
            "fingerprint": checkpoint.fingerprint,
            "signed_at": datetime.fromtimestamp(
                checkpoint.signed_at, timezone.utc
            ).replace(tzinfo=None),
        }

    @api.model
    def _print_checkpoint_for_company(self, company):
        """:meth:`_print_checkpoint` of a company's chain (None if it has none)."""
        # sudo: the head is public to statement readers, whatever chains they see
        chain = self.sudo().search([("company_id", "=", company.id)], limit=1)
        return chain._print_checkpoint() if chain else None

    def action_sign_checkpoint(self):
        """Sign and keep a checkpoint of the head of these chains now."""
        self.check_access("read")
        if not self.env.user.has_group("aftersales_sla.group_aftersales_manager"):
            raise AccessError(
                self.env._("Only After-Sales managers sign ledger checkpoints.")
            )
        self._seal_chains(self)
        self._store_checkpoints("manual")
        return True

    def action_open_checkpoints(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Checkpoints"),
            "res_model": "aftersales.event.checkpoint",
            "view_mode": "list,form",
            "domain": [("chain_id", "=", self.id)],
            "context": {},
        }

    @api.model
    def _cron_sign_checkpoints(self):
        """Scheduled action: a signed checkpoint of every chain's head."""
        # sudo: the scheduled checkpoint signs every chain
        chains = self.sudo().search([])
        created = chains._store_checkpoints("scheduled")
        if created:
            _logger.info("Service ledger: signed %d checkpoints", len(created))


def _run_verify_workers(jobs):
    """Run one worker process per job (tools/ledger_verify_worker.py), all at once;
    their results in the jobs' order. Raises OSError (cannot start), RuntimeError
    (a worker failed) or ValueError (unreadable output); the other workers are then
    stopped."""
    procs = []
    try:
        for job in jobs:
            proc = subprocess.Popen(  # noqa: S603 (our own script, no shell)
                [sys.executable, str(VERIFY_WORKER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            procs.append(proc)
            # The job (with the password) goes on standard input, a small write;
            # the pipe closed, communicate() below only reads.
            proc.stdin.write(json.dumps(job).encode())
            proc.stdin.close()
            proc.stdin = None
        results = []
        for proc in procs:
            output, errors = proc.communicate()
            if proc.returncode:
                raise RuntimeError(
                    errors.decode(errors="replace").strip()
                    or f"exit status {proc.returncode}"
                )
            results.append(json.loads(output))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _guard_function_sources():
    """{function name: body} of the guard functions as the guard file installs
    them (the text between their dollar quotes), to recognise a replaced one."""
    text = GUARD_SQL.read_text(encoding="utf-8")
    result = {}
    for name, tag in (
        ("aftersales_event_guard", "$guard$"),
        ("aftersales_event_seal", "$seal$"),
        ("aftersales_append_only", "$append_only$"),
    ):
        parts = text.split(tag)
        result[name] = parts[1] if len(parts) >= 3 else ""
    return result


def _seal_postcommit(dbname, chain_ids):
    """Post-commit hook: seal what the committed transaction appended."""
    if not chain_ids:
        return
    try:
        # A connection of its own, even under tests (the registry's test cursor would
        # seal inside the test's transaction and hold the chain's head until its end).
        with closing(db_connect(dbname).cursor()) as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Chain = env["aftersales.event.chain"]
            chains = Chain.browse(sorted(chain_ids)).exists()
            Chain._seal_chains(chains)
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
