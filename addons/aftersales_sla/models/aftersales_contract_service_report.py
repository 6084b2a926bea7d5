from odoo import api, fields, models
from odoo.exceptions import ValidationError


# A file of its own on purpose: the monthly service report's settings apart from
# the contract's terms. pylint: disable=consider-merging-classes-inherited
class AftersalesContract(models.Model):
    _inherit = "aftersales.contract"

    service_report_enabled = fields.Boolean(
        string="Monthly Service Report",
        default=True,
        help="Generate a service report every month and e-mail it to the contacts "
        "below.",
    )
    service_report_partner_ids = fields.Many2many(
        "res.partner",
        "aftersales_contract_service_report_partner_rel",
        "contract_id",
        "partner_id",
        string="Report Recipients",
        help="The contacts the contract names to receive the monthly service "
        "report: the customer's own (the service partner's for a service partner "
        "contract). Each receives it in their language.",
    )
    service_report_ids = fields.One2many(
        "aftersales.service.report", "contract_id", string="Service Reports"
    )
    service_report_count = fields.Integer(compute="_compute_service_report_count")

    def _compute_service_report_count(self):
        counts = dict(
            self.env["aftersales.service.report"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.service_report_count = counts.get(contract, 0)

    @api.constrains("service_report_partner_ids", "partner_id")
    def _check_service_report_partners(self):
        for contract in self:
            company = contract.partner_id.commercial_partner_id
            for partner in contract.service_report_partner_ids:
                if partner.commercial_partner_id != company:
                    raise ValidationError(
                        self.env._(
                            "%(contact)s is not a contact of %(partner)s: the "
                            "service report of contract %(contract)s goes to the "
                            "contract partner's own contacts only.",
                            contact=partner.display_name,
                            partner=company.display_name,
                            contract=contract.display_name,
                        )
                    )
                if not partner.email:
                    raise ValidationError(
                        self.env._(
                            "%(contact)s has no e-mail address: the service report "
                            "cannot be sent to them.",
                            contact=partner.display_name,
                        )
                    )

    def action_view_service_reports(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Service Reports"),
            "res_model": "aftersales.service.report",
            "view_mode": "list,form",
            "domain": [("contract_id", "=", self.id)],
            "context": {},
        }
