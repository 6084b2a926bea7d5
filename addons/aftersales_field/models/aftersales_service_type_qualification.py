from odoo import fields, models


class AftersalesServiceType(models.Model):
    _inherit = "aftersales.service.type"

    qualification_type_ids = fields.Many2many(
        "aftersales.qualification.type",
        "aftersales_service_type_qualification_type_rel",
        "service_type_id",
        "type_id",
        string="Required Qualifications",
        help="Qualifications a technician must hold to be assigned a ticket of "
        "this service type (e.g. working at height for installations).",
    )
