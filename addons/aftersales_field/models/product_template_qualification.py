from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    aftersales_qualification_type_ids = fields.Many2many(
        "aftersales.qualification.type",
        "product_template_aftersales_qualification_type_rel",
        "product_tmpl_id",
        "type_id",
        string="Required Qualifications",
        help="Qualifications a technician must hold to be assigned a ticket about "
        "this product (e.g. gas appliance installation and repair).",
    )
