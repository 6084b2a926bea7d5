from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    aftersales_unit_count = fields.Integer(
        string="Units",
        compute="_compute_aftersales_unit_count",
        groups="aftersales_sla.group_aftersales_user",
    )

    def _compute_aftersales_unit_count(self):
        groups = self.env["aftersales.unit"]._read_group(
            [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
            ["commercial_partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.aftersales_unit_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def action_view_aftersales_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "aftersales_repair.aftersales_unit_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        action["context"] = {"default_partner_id": self.id}
        return action
