from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesIndicatorWeightMixin(models.AbstractModel):
    """An indicator and its weight: the lines of a template and of a contract.

    Weights are relative (a line weighing 2 counts twice as much as one weighing 1);
    they cannot be negative and the lines of one template or contract must not sum
    to 0, or no satisfaction index could be computed.
    """

    _name = "aftersales.indicator.weight.mixin"
    _description = "After-Sales Indicator Weight"

    sequence = fields.Integer(related="indicator_id.sequence", store=True)
    indicator_id = fields.Many2one(
        "aftersales.indicator", required=True, ondelete="restrict"
    )
    weight = fields.Float(required=True, default=1.0, digits=(16, 2))

    def _weight_siblings(self):
        """:return: list of recordsets, the lines of each owner touched."""
        raise NotImplementedError

    def _weight_owner_label(self):
        raise NotImplementedError

    @api.constrains("weight")
    def _check_weights(self):
        for line in self:
            if line.weight < 0:
                raise ValidationError(
                    self.env._(
                        "The weight of indicator %(indicator)s cannot be negative.",
                        indicator=line.indicator_id.name,
                    )
                )
        for siblings in self._weight_siblings():
            if siblings and sum(siblings.mapped("weight")) <= 0:
                raise ValidationError(
                    self.env._(
                        "The indicator weights of %(owner)s sum to 0: give at least "
                        "one indicator a weight.",
                        owner=siblings[0]._weight_owner_label(),
                    )
                )
