"""The visit fee of a ticket's repair by the unit's service zone and distance.

The ticket contract's visit fee lines first (the most specific matching the
unit's zone and distance, see ``aftersales.visit.band.mixin``), else the
standard visit fee product's price table, else its sales price. The repair
order shows what priced the visit.
"""

from odoo import api, fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    aftersales_zone_id = fields.Many2one(
        "aftersales.service.zone",
        string="Service Zone",
        compute="_compute_aftersales_visit",
        help="The service zone of the ticket's unit (else its customer).",
    )
    aftersales_distance_km = fields.Float(
        string="Distance (km)",
        digits=(16, 1),
        compute="_compute_aftersales_visit",
        help="The distance of the ticket's unit (else its customer) from the "
        "service base.",
    )
    aftersales_visit_pricing = fields.Char(
        string="Visit Fee Priced By",
        compute="_compute_aftersales_visit",
        help="Which fee line priced the visit: the contract's or the standard "
        "one, and the zone and distance band it is for.",
    )

    @api.depends("ticket_id")
    def _compute_aftersales_visit(self):
        for repair in self:
            visit = repair._aftersales_visit_fee() if repair.ticket_id else {}
            repair.aftersales_zone_id = visit.get("zone")
            repair.aftersales_distance_km = visit.get("distance_km", 0.0)
            repair.aftersales_visit_pricing = visit.get("label", False)

    def _aftersales_location(self):
        """The service zone and distance (km) of the ticket's unit, else of its
        customer."""
        self.ensure_one()
        # sudo: the unit's location prices the visit, whoever quotes it.
        ticket = self.ticket_id.sudo()
        if ticket.unit_id:
            return ticket.unit_id.zone_id, ticket.unit_id.distance_km
        partner = ticket.partner_id
        return partner.aftersales_zone_id, partner.aftersales_distance_km

    def _aftersales_visit_fee(self):
        """``{product, price, zone, distance_km, label}`` of this repair's visit,
        or ``{}`` when there is no visit fee."""
        self.ensure_one()
        zone, distance_km = self._aftersales_location()
        result = {"zone": zone, "distance_km": distance_km}
        # sudo: the contract's fee schedule prices the work, whoever quotes it.
        contract = self.ticket_id.sudo().contract_id
        lines = contract.fee_line_ids.filtered(
            lambda fee: fee.product_id.aftersales_fee_kind == "visit"
        )
        line = lines._band_best(zone, distance_km)
        if line:
            band = line._band_label()
            return dict(
                result,
                product=line.product_id,
                price=line.price_unit,
                label=self.env._(
                    "Contract %(contract)s: %(band)s",
                    contract=contract.display_name,
                    band=band or self.env._("any zone and distance"),
                ),
            )
        product = self._aftersales_standard_fee_product("visit")
        if not product:
            return {}
        bands = product.product_tmpl_id.aftersales_visit_band_ids.filtered(
            lambda band: band.company_id in (self.env["res.company"], self.company_id)
        )
        band = bands._band_best(zone, distance_km)
        if band:
            return dict(
                result,
                product=product,
                price=band.price_unit,
                label=self.env._(
                    "Standard visit fee: %s", band._band_label() or product.display_name
                ),
            )
        return dict(
            result,
            product=product,
            price=product.lst_price,
            label=self.env._("Standard visit fee (sales price)"),
        )

    def _aftersales_fees(self):
        fees = super()._aftersales_fees()
        visit = self._aftersales_visit_fee()
        if visit:
            fees["visit"] = (visit["product"], visit["price"])
        else:
            fees.pop("visit", None)
        return fees
