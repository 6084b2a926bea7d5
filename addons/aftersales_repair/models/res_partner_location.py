from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from odoo.addons.aftersales_sla.tools.inputs import check_vals

#: The fields of an address that price its visits.
LOCATION_FIELDS = ("aftersales_zone_id", "aftersales_distance_km")
#: Who sets them: the after-sales and the sales managers.
LOCATION_EDITORS = (
    "aftersales_sla.group_aftersales_manager",
    "sales_team.group_sale_manager",
)


class ResPartner(models.Model):
    """The service zone and distance of an address: its units' by default."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    aftersales_zone_id = fields.Many2one(
        "aftersales.service.zone",
        string="Service Zone",
        ondelete="restrict",
        help="The after-sales service zone of this address (visit fee).",
    )
    aftersales_distance_km = fields.Float(
        string="Service Distance (km)",
        digits=(16, 1),
        help="How far this address is from the service base (visit fee's distance "
        "band); 0: unknown.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get(name) for vals in vals_list for name in LOCATION_FIELDS):
            self._aftersales_check_location_editor()
        for vals in vals_list:
            check_vals(self, {k: v for k, v in vals.items() if k in LOCATION_FIELDS})
        return super().create(vals_list)

    def write(self, vals):
        if any(name in vals for name in LOCATION_FIELDS):
            self._aftersales_check_location_editor()
            check_vals(self, {k: v for k, v in vals.items() if k in LOCATION_FIELDS})
        return super().write(vals)

    def _aftersales_check_location_editor(self):
        """The zone and distance of an address price its visits: set by
        after-sales or sales managers only (any internal user may edit a
        contact's other fields)."""
        if self.env.su or any(self.env.user.has_group(g) for g in LOCATION_EDITORS):
            return
        raise AccessError(
            self.env._(
                "Only After-Sales or Sales managers set the service zone and distance "
                "of an address: they price its visits."
            )
        )

    @api.constrains("aftersales_distance_km")
    def _check_aftersales_distance_km(self):
        if any(partner.aftersales_distance_km < 0 for partner in self):
            raise ValidationError(
                self.env._(
                    "An address's distance from the service base cannot be below 0 km."
                )
            )
