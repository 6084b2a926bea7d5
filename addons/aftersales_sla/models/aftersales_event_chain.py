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
keyset pages (bounded memory), recomputes every hash with :mod:`..tools.ledger_hash`,
and reports the first event that does not match.
"""

import logging
import threading
from contextlib import closing
from datetime import timedelta
from functools import partial

import psycopg2
import psycopg2.errors
from psycopg2.extras import execute_values

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tools import mute_logger

from ..tools import ledger_hash

_logger = logging.getLogger(__name__)

#: The hashed values of an event as SQL, in ``ledger_hash.RECORD_ORDER`` order, with
#: timestamps as the text the hash uses. The sealer and the verifier both read this.
_RECORD_SQL = """
    e.author_id, e.chain_id, e.company_id, e.event_type,
    to_char(e.occurred_at, 'YYYY-MM-DD HH24:MI:SS'), e.payload, e.reason,
    to_char(e.recorded_at, 'YYYY-MM-DD HH24:MI:SS'), e.res_id, e.res_model
"""


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

    _sql_constraints = [
        ("company_unique", "UNIQUE(company_id)", "A company has one ledger chain."),
    ]

    def _compute_unsealed_count(self):
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
            chain.sudo().write(
                {
                    "last_verified_at": now,
                    "last_verification_state": "broken" if broken else "ok",
                    "last_verification_message": message,
                }
            )
            if broken:
                chain._alert_managers(message)

    def _verification_message(self, item):
        if not item["broken"]:
            return self.env._(
                "%(checked)s events verified, %(unsealed)s not sealed yet: "
                "the chain is intact.",
                checked=item["checked"],
                unsealed=item["unsealed"],
            )
        broken = item["broken"]
        reasons = {
            "sequence_gap": self.env._("a gap in the sequence"),
            "broken_link": self.env._("a broken link to the previous event"),
            "malformed_hash": self.env._("a malformed hash"),
            "hash_mismatch": self.env._(
                "a hash that does not match the event's content"
            ),
            "head_mismatch": self.env._("events missing after the last one found"),
        }
        return self.env._(
            "LEDGER BROKEN at event %(id)s (sequence %(sequence)s): %(reason)s. "
            "Expected hash %(expected)s, stored %(stored)s. "
            "%(checked)s events verified "
            "before it.",
            id=broken["id"] or "-",
            sequence=broken["sequence"],
            reason=reasons.get(broken["reason"], broken["reason"]),
            expected=broken["expected"] or "-",
            stored=broken["stored"] or "-",
            checked=item["checked"],
        )

    def _alert_managers(self, message):
        self.ensure_one()
        managers = self.env.ref("aftersales_sla.group_aftersales_manager").sudo().users
        managers = managers.filtered(lambda user: self.company_id in user.company_ids)
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
        chains = self.sudo().search([])
        result = self.sudo()._verify_ledger(chains)
        chains._record_verification(result)
        return result

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
        chains = chains if chains is not None else self.sudo().search([])
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
    def _verify_ledger(self, chain=None, page_size=20000):
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
        if chain is None:
            chains = self.search([])
        else:
            ids = chain.ids if isinstance(chain, models.BaseModel) else [chain]
            chains = self.browse(ids)
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
