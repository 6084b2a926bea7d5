from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesQualificationType(models.Model):
    """A kind of certificate a technician must hold for some work (gas appliance
    installation and repair, electrical work...)."""

    _name = "aftersales.qualification.type"
    _description = "After-Sales Qualification Type"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        index=True,
        help="Stable short name, recorded in the ledger (e.g. GAS).",
    )
    has_expiry = fields.Boolean(
        string="Expires",
        default=True,
        help="Certificates of this type have an expiry date. Untick for a "
        "qualification valid for life.",
    )
    validity_months = fields.Integer(
        string="Default Validity (Months)",
        default=36,
        help="Proposed validity of a new certificate of this type, from its issue "
        "date.",
    )
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: the type is shared by every company.",
    )
    active = fields.Boolean(default=True)

    @api.constrains("code", "company_id")
    def _check_code_unique(self):
        for qualification_type in self:
            domain = [
                ("id", "!=", qualification_type.id),
                ("code", "=ilike", qualification_type.code),
                ("active", "in", (True, False)),
            ]
            if qualification_type.company_id:
                # A global code is taken in every company.
                domain.append(
                    ("company_id", "in", (False, qualification_type.company_id.id))
                )
            # sudo: a code taken in another company is invisible to the user
            if self.sudo().search_count(domain, limit=1):
                raise ValidationError(
                    self.env._(
                        "Qualification type code %(code)s is already used (in this "
                        "company or by a type shared by all companies).",
                        code=qualification_type.code,
                    )
                )

    @api.constrains("validity_months")
    def _check_validity_months(self):
        for qualification_type in self:
            if qualification_type.validity_months < 0:
                raise ValidationError(
                    self.env._(
                        "The default validity of %(type)s cannot be negative.",
                        type=qualification_type.name,
                    )
                )
