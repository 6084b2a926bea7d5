import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


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
        result = self.env["aftersales.event"].sudo().verify_ledger(chains)
        chains._record_verification(result)
        return result
