import contextvars
from datetime import datetime, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import ledger_sign
from .aftersales_event import install_ledger_triggers, ledger_owner_can_act

#: Set only while :meth:`AftersalesEventChain._store_checkpoints` creates rows (a
#: context variable: no RPC caller can set it).
_SIGNING = contextvars.ContextVar("aftersales_ledger_signing", default=False)


class AftersalesEventCheckpoint(models.Model):
    """A signed statement of a chain's head: "event #sequence had hash H".

    Signed with the Ed25519 key of the file named by ``aftersales_ledger_key_file``
    in Odoo's configuration, never stored in the database. Created by a scheduled
    action and on demand; statements, credit notes and integrity reports print one
    signed at the time of printing, which the other party keeps. Verification
    checks every stored checkpoint and those pasted from printed documents.
    Append-only like the ledger (ORM and PostgreSQL triggers).
    """

    _name = "aftersales.event.checkpoint"
    _description = "Service Ledger Checkpoint"
    _order = "chain_id, sequence desc, id desc"

    chain_id = fields.Many2one(
        "aftersales.event.chain",
        string="Chain",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    # Written once at creation (a stored related field would be written by an
    # UPDATE after the INSERT, which the append-only table refuses).
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="restrict"
    )
    sequence = fields.Integer(
        required=True, readonly=True, help="Sequence of the chain's head event."
    )
    hash = fields.Char(required=True, readonly=True)
    signed_at = fields.Datetime(required=True, readonly=True)
    signed_at_epoch = fields.Integer(required=True, readonly=True)
    signature = fields.Char(required=True, readonly=True)
    key_fingerprint = fields.Char(string="Key", required=True, readonly=True)
    origin = fields.Selection(
        [
            ("seal", "Sealing"),
            ("scheduled", "Scheduled Action"),
            ("manual", "On Demand"),
        ],
        required=True,
        readonly=True,
    )
    token = fields.Char(compute="_compute_token")

    _sql_constraints = [
        (
            "sequence_positive",
            "CHECK(sequence > 0)",
            "A checkpoint names a sealed event.",
        ),
    ]

    def init(self):
        # The append-only triggers come with the ledger's guards (installed by the
        # owner of the ledger tables, see aftersales.event's init()).
        if ledger_owner_can_act(self.env.cr, self._table) and ledger_owner_can_act(
            self.env.cr
        ):
            install_ledger_triggers(self.env.cr)

    @api.depends("chain_id", "sequence", "hash", "signed_at_epoch", "signature")
    def _compute_token(self):
        for checkpoint in self:
            checkpoint.token = checkpoint._as_checkpoint().token

    def _as_checkpoint(self):
        self.ensure_one()
        return ledger_sign.Checkpoint(
            chain=self.chain_id.id,
            sequence=self.sequence,
            hash=self.hash or "",
            signed_at=self.signed_at_epoch,
            fingerprint=self.key_fingerprint or "",
            signature=self.signature or "",
        )

    @api.model
    def _values_from(self, checkpoint, origin):
        # sudo: the chain of a checkpoint, whoever stores it
        chain = self.env["aftersales.event.chain"].sudo().browse(checkpoint.chain)
        return {
            "chain_id": checkpoint.chain,
            "company_id": chain.company_id.id,
            "sequence": checkpoint.sequence,
            "hash": checkpoint.hash,
            "signed_at": datetime.fromtimestamp(
                checkpoint.signed_at, timezone.utc
            ).replace(tzinfo=None),
            "signed_at_epoch": checkpoint.signed_at,
            "signature": checkpoint.signature,
            "key_fingerprint": checkpoint.fingerprint,
            "origin": origin,
        }

    @api.model_create_multi
    def create(self, vals_list):
        if not _SIGNING.get():
            raise UserError(
                self.env._(
                    "Ledger checkpoints are signed by the application; they cannot "
                    "be created directly."
                )
            )
        return super().create(vals_list)

    def write(self, vals):  # pylint: disable=method-required-super
        raise UserError(self.env._("A signed ledger checkpoint cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_checkpoint(self):
        raise UserError(self.env._("A signed ledger checkpoint cannot be deleted."))
