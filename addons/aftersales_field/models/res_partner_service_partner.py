from odoo import api, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    is_aftersales_service_partner = fields.Boolean(
        string="Is a Service Partner",
        compute="_compute_is_aftersales_service_partner",
        search="_search_is_aftersales_service_partner",
        help="The company (or a contact of a company) that has a service partner "
        "contract: its portal users work the tickets assigned to it on the portal.",
    )

    @api.model
    def _aftersales_service_partner_ids(self):
        """Ids of the commercial partners that have a service partner contract
        (any state: a partner whose contract ended still reads its past jobs)."""
        # sudo: whether a company is a service partner, whoever asks (portal users
        # do not read other companies' contracts).
        contracts = (
            self.env["aftersales.contract"]
            .sudo()
            .with_context(active_test=False)
            .search([("contract_type", "=", "partner"), ("state", "!=", "draft")])
        )
        return set(contracts.partner_id.commercial_partner_id.ids)

    @api.depends_context("uid")
    def _compute_is_aftersales_service_partner(self):
        partner_ids = self._aftersales_service_partner_ids()
        for partner in self:
            partner.is_aftersales_service_partner = (
                partner.commercial_partner_id.id in partner_ids
            )

    def _search_is_aftersales_service_partner(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(
                self.env._("Unsupported search on Is a Service Partner: %s", operator)
            )
        positive = bool(value) == (operator == "=")
        ids = list(self._aftersales_service_partner_ids())
        return [("commercial_partner_id", "in" if positive else "not in", ids)]
