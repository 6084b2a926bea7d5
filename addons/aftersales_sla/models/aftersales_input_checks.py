"""Malformed values written from outside (RPC, imports) are refused with a clear,
translated error naming the field, before anything is written (see
:func:`..tools.inputs.check_vals`), on the models whose records carry the
product's promises."""

from odoo import api, models

from ..tools.inputs import check_vals

# One file for the input checks of every model, on purpose (they are one concern).
# pylint: disable=consider-merging-classes-inherited


class AftersalesTicket(models.Model):
    _inherit = "aftersales.ticket"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_vals(self, vals)
        return super().write(vals)


class AftersalesContract(models.Model):
    _inherit = "aftersales.contract"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_vals(self, vals)
        return super().write(vals)


class AftersalesPenalty(models.Model):
    _inherit = "aftersales.penalty"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_vals(self, vals)
        return super().write(vals)


class AftersalesPenaltyRule(models.Model):
    _inherit = "aftersales.penalty.rule"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_vals(self, vals)
        return super().write(vals)


class AftersalesSlaTarget(models.Model):
    _inherit = "aftersales.sla.target"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_vals(self, vals)
        return super().write(vals)
