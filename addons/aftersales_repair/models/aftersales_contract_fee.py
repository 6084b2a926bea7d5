from odoo import models


class AftersalesContractFee(models.Model):
    """A contract's visit fee may differ by service zone and distance band (see
    ``aftersales.visit.band.mixin``)."""

    _name = "aftersales.contract.fee"
    _inherit = ["aftersales.contract.fee", "aftersales.visit.band.mixin"]

    def _band_parent_key(self):
        return [("contract_id", "=", self.contract_id.id)]
