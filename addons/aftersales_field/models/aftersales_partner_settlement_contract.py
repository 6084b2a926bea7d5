from odoo import api, fields, models


class AftersalesContract(models.Model):
    """A service partner contract's settlements, and the cost-plus markup of its
    fee lines as an amendable term."""

    _inherit = "aftersales.contract"  # pylint: disable=consider-merging-classes-inherited

    settlement_ids = fields.One2many(
        "aftersales.partner.settlement", "contract_id", string="Settlements"
    )
    settlement_count = fields.Integer(
        compute="_compute_settlement_count",
        groups="aftersales_sla.group_aftersales_auditor,account.group_account_invoice",
    )

    def _compute_settlement_count(self):
        groups = self.env["aftersales.partner.settlement"]._read_group(
            [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
        )
        counts = {contract.id: count for contract, count in groups}
        for contract in self:
            contract.settlement_count = counts.get(contract.id, 0)

    @api.model
    def _amendment_line_fields(self):
        fields_by_term = super()._amendment_line_fields()
        return dict(
            fields_by_term,
            fee_line_ids=(*fields_by_term["fee_line_ids"], "cost_plus_percent"),
        )

    def action_view_settlements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_field.aftersales_partner_settlement_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {"default_contract_id": self.id}
        return action
