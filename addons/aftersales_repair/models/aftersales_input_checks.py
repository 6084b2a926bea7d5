"""Malformed values written from outside (RPC, imports) are refused with a clear,
translated error naming the field, before anything is written (the core's
``tools.inputs.check_vals``), on the models whose records decide the coverage and
price the work: units and their extensions, visit fee bands (contract and
standard). The wizards' are in wizard/aftersales_input_checks.py."""

from odoo import api, models

from odoo.addons.aftersales_sla.tools.inputs import check_vals

# One file for the input checks of every model, on purpose (they are one concern).
# pylint: disable=consider-merging-classes-inherited


class AftersalesUnit(models.Model):
    _inherit = "aftersales.unit"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_vals(self, vals)
        return super().write(vals)


class AftersalesUnitWarrantyExtension(models.Model):
    _inherit = "aftersales.unit.warranty.extension"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_vals(self, vals)
        return super().write(vals)


class AftersalesVisitFeeBand(models.Model):
    _inherit = "aftersales.visit.fee.band"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_vals(self, vals)
        return super().write(vals)


class AftersalesContractFee(models.Model):
    _inherit = "aftersales.contract.fee"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_vals(self, vals)
        return super().create(vals_list)

    def write(self, vals):
        check_vals(self, vals)
        return super().write(vals)
