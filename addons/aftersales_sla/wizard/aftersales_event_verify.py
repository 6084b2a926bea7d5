from odoo import api, fields, models


class AftersalesEventVerify(models.TransientModel):
    _name = "aftersales.event.verify"
    _description = "Verify the Service Ledger"

    chain_ids = fields.Many2many(
        "aftersales.event.chain",
        string="Chains",
        default=lambda self: self.env["aftersales.event.chain"].search([]),
        help="Leave as it is to verify the ledgers of all your companies.",
    )
    state = fields.Selection(
        [("draft", "To Verify"), ("ok", "Intact"), ("broken", "Broken")],
        default="draft",
    )
    checked_count = fields.Integer(string="Events Verified", readonly=True)
    unsealed_count = fields.Integer(string="Not Sealed Yet", readonly=True)
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

    def action_verify(self):
        self.ensure_one()
        chains = self.chain_ids or self.env["aftersales.event.chain"].search([])
        result = self.env["aftersales.event"].verify_ledger(chains)
        chains._record_verification(result)
        messages = [
            chains.browse(item["chain"])._verification_message(item)
            for item in result["chains"]
        ]
        broken = result["broken"]
        self.write(
            {
                "state": "ok" if result["ok"] else "broken",
                "checked_count": result["checked"],
                "unsealed_count": result["unsealed"],
                "broken_event_id": broken["id"] if broken and broken["id"] else False,
                "result_message": "\n".join(
                    f"{chain.name}: {message}"
                    for chain, message in zip(chains, messages, strict=True)
                ),
            }
        )
        return self._action_open()

    def action_print_report(self):
        self.ensure_one()
        chains = self.chain_ids or self.env["aftersales.event.chain"].search([])
        return self.env.ref(
            "aftersales_sla.action_report_ledger_integrity"
        ).report_action(chains)
