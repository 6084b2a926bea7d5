from odoo import fields, models


class ProductTemplate(models.Model):
    """The standard visit fee and labour of chargeable repairs: service products
    flagged so, priced at their sales price unless the ticket's contract has its
    own fee for them."""

    _inherit = "product.template"  # pylint: disable=consider-merging-classes-inherited

    aftersales_fee_kind = fields.Selection(
        [("visit", "Standard Visit Fee"), ("labour", "Standard Labour")],
        string="After-Sales Fee",
        help="The quotation of a chargeable repair adds the visit fee (once) and the "
        "labour (per hour of the repair order) from the ticket contract's fee "
        "schedule when it has a fee of this kind, else from the product flagged so.",
    )
    aftersales_visit_band_ids = fields.One2many(
        "aftersales.visit.fee.band",
        "product_tmpl_id",
        string="Visit Fee by Zone and Distance",
        help="The standard visit fee's price by service zone and/or distance band; "
        "a unit matching no line pays the sales price.",
    )
