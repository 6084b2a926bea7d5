"""Malformed values given to the ticket wizards that write money and stock
(refunds, parts) from outside (RPC) are refused with a clear, translated error
naming the field, before anything is written (the core's ``check_vals``)."""

from odoo import api, models

from odoo.addons.aftersales_sla.tools.inputs import check_vals

# One file for the input checks of every wizard, on purpose (they are one concern).
# pylint: disable=consider-merging-classes-inherited


class AftersalesTicketRefund(models.TransientModel):
    _inherit = "aftersales.ticket.refund"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)


class AftersalesTicketParts(models.TransientModel):
    _inherit = "aftersales.ticket.parts"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)
