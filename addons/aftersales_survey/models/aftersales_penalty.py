from odoo import fields, models

from .aftersales_kpi_threshold import kpi_selection


class AftersalesPenalty(models.Model):
    _inherit = "aftersales.penalty"

    evaluation_id = fields.Many2one(
        "aftersales.evaluation",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The evaluation whose KPI under threshold caused this penalty.",
    )
    kpi = fields.Selection(kpi_selection, string="KPI", readonly=True)
