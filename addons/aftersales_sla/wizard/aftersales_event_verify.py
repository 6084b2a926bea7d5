import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import UserError

#: Largest checkpoint file accepted (a text file of tokens, not a document).
MAX_CHECKPOINT_FILE = 1024 * 1024


class AftersalesEventVerify(models.TransientModel):
    _name = "aftersales.event.verify"
    _description = "Verify the Service Ledger"

    chain_ids = fields.Many2many(
        "aftersales.event.chain",
        string="Chains",
        default=lambda self: self.env["aftersales.event.chain"].search([]),
        help="Leave as it is to verify the ledgers of all your companies.",
    )
    checkpoint_text = fields.Text(
        string="Checkpoints to Check",
        help="Paste the ledger checkpoints (lines starting with ASL1.) printed on "
        "SLA statements, credit notes or integrity reports: verification checks "
        "that the ledger still holds what each one signed.",
    )
    checkpoint_file = fields.Binary(
        help="Or upload a text file holding checkpoints.",
    )
    checkpoint_filename = fields.Char()
    state = fields.Selection(
        [("draft", "To Verify"), ("ok", "Intact"), ("broken", "Broken")],
        default="draft",
    )
    checked_count = fields.Integer(string="Events Verified", readonly=True)
    unsealed_count = fields.Integer(string="Not Sealed Yet", readonly=True)
    break_count = fields.Integer(string="Breaks Found", readonly=True)
    checkpoint_count = fields.Integer(string="Checkpoints Checked", readonly=True)
    broken_event_id = fields.Many2one(
        "aftersales.event", string="First Broken Event", readonly=True
    )
    result_message = fields.Text(string="Result", readonly=True)

    @api.model
    def _action_open_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
        }

    def _action_open(self):
        self.ensure_one()
        return dict(self._action_open_wizard(), res_id=self.id)

    def _checkpoints_given(self):
        """The text of the pasted checkpoints and of the uploaded file."""
        self.ensure_one()
        texts = [self.checkpoint_text or ""]
        if self.checkpoint_file:
            try:
                raw = base64.b64decode(self.checkpoint_file, validate=True)
            except (binascii.Error, ValueError) as error:
                raise UserError(
                    self.env._("The checkpoint file could not be read.")
                ) from error
            if len(raw) > MAX_CHECKPOINT_FILE:
                raise UserError(
                    self.env._(
                        "The checkpoint file is too large (at most %s KiB): upload "
                        "a text file of checkpoints.",
                        MAX_CHECKPOINT_FILE // 1024,
                    )
                )
            texts.append(raw.decode("utf-8", errors="replace"))
        text = "\n".join(texts)
        if text.strip() and "ASL1." not in "".join(text.split()):
            raise UserError(
                self.env._(
                    "No ledger checkpoint found in what was given: a checkpoint is "
                    "a line starting with ASL1., as printed on statements, credit "
                    "notes and integrity reports."
                )
            )
        return text

    def action_verify(self):
        self.ensure_one()
        chains = self.chain_ids or self.env["aftersales.event.chain"].search([])
        result = self.env["aftersales.event"].verify_ledger(
            chains, checkpoints=self._checkpoints_given() or None
        )
        chains._record_verification(result)
        lines = [
            f"{chains.browse(item['chain']).name}: "
            f"{chains.browse(item['chain'])._verification_message(item)}"
            for item in result["chains"]
        ]
        lines += chains._guard_messages(result["guards"])
        for item in result["checkpoints"]:
            if item["status"] == "other_chain":
                lines.append(
                    self.env._(
                        "Checkpoint of chain %(chain)s (sequence %(sequence)s) is not "
                        "of the chains verified here.",
                        chain=item["chain"],
                        sequence=item["sequence"],
                    )
                )
        broken = result["broken"]
        self.write(
            {
                "state": "ok" if result["ok"] else "broken",
                "checked_count": result["checked"],
                "unsealed_count": result["unsealed"],
                "break_count": result["break_count"],
                "checkpoint_count": len(result["checkpoints"]),
                "broken_event_id": broken["id"] if broken and broken["id"] else False,
                "result_message": "\n".join(lines),
            }
        )
        return self._action_open()

    def action_print_report(self):
        """Print the integrity report of the chains. Never through "Configure
        your document layout": the after-sales reports have their own layout."""
        self.ensure_one()
        chains = self.chain_ids or self.env["aftersales.event.chain"].search([])
        return self.env.ref(
            "aftersales_sla.action_report_ledger_integrity"
        ).report_action(
            chains,
            data={"checkpoints": self._checkpoints_given() or False},
            config=False,
        )
