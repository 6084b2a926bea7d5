from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesUnitWarrantyExtension(models.Model):
    """More warranty for one unit: some months after its product's warranty ends,
    or until a date (a goodwill gesture, an extended warranty sold)."""

    _name = "aftersales.unit.warranty.extension"
    _description = "After-Sales Unit Warranty Extension"
    _order = "unit_id, id"

    unit_id = fields.Many2one(
        "aftersales.unit", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="unit_id.company_id", store=True)
    months = fields.Integer(
        help="Months added after the end of the product's warranty."
    )
    date_until = fields.Date(
        string="Until", help="The warranty runs until this day (instead of months)."
    )
    reason = fields.Char(required=True)
    date_end = fields.Date(
        string="Extended To",
        compute="_compute_date_end",
        store=True,
        help="The last day this extension covers.",
    )

    @api.depends("months", "date_until", "unit_id.product_warranty_end")
    def _compute_date_end(self):
        for extension in self:
            base = extension.unit_id.product_warranty_end
            if extension.date_until:
                extension.date_end = extension.date_until
            elif base and extension.months:
                extension.date_end = base + relativedelta(months=extension.months)
            else:
                extension.date_end = False

    # ------------------------------------------------------------------
    # CRUD: the coverage of the unit's open tickets follows (see
    # aftersales.unit._coverage_follows_warranty)
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        units = self.env["aftersales.unit"].browse(
            {vals["unit_id"] for vals in vals_list if vals.get("unit_id")}
        )
        with units._coverage_follows_warranty():
            return super().create(vals_list)

    def write(self, vals):
        units = self.unit_id | self.env["aftersales.unit"].browse(
            vals.get("unit_id") or []
        )
        with units._coverage_follows_warranty():
            return super().write(vals)

    def unlink(self):
        with self.unit_id._coverage_follows_warranty():
            return super().unlink()

    @api.constrains("months", "date_until")
    def _check_months_or_date(self):
        for extension in self:
            if extension.months < 0 or bool(extension.months) == bool(
                extension.date_until
            ):
                raise ValidationError(
                    self.env._(
                        "A warranty extension of %(unit)s gives either a number of "
                        "months (more than 0) or a date until which it runs, not "
                        "both.",
                        unit=extension.unit_id.display_name,
                    )
                )
            if not extension.reason.strip():
                raise ValidationError(self.env._("Say why the warranty is extended."))
