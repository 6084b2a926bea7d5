from odoo import api, models


class AftersalesEvent(models.Model):
    _inherit = "aftersales.event"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _personal_payload_keys(self):
        keys = dict(super()._personal_payload_keys())
        # Why an unapproved part was used: typed by the technician, may tell of
        # the customer's home ("客户自购配件").
        keys["ticket.parts_used"] = ("parts/*/reason", "removed/*/reason")
        return keys
