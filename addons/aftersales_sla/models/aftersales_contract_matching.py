"""After-sales contracts: which contracts cover a ticket.

:meth:`_match_for_ticket` finds the active customer contracts covering a ticket by
their terms in force when it is reported (customer, serial number before product,
date, region, scope); :meth:`_covers_moment` and :meth:`_covers_region` check one
contract's term and region.
"""

from datetime import datetime, time

import pytz

from odoo import api, fields, models


# The model is split along its seams on purpose (see the module docstring).
class AftersalesContract(models.Model):
    _inherit = "aftersales.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Matching a ticket to its contracts
    # ------------------------------------------------------------------

    def _local_date(self, when):
        """The calendar day of UTC datetime ``when`` in the company's time zone
        (its partner's, else the user's, else UTC)."""
        tz_name = (
            self.env.company.partner_id.tz
            or self.env.context.get("tz")
            or self.env.user.tz
            or "UTC"
        )
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        return pytz.utc.localize(when).astimezone(tz).date()

    def _covers_moment(self, when, terms=None):
        """Whether UTC datetime ``when`` falls within the contract's term (its
        calendar day in the company's time zone, up to the end date in force then
        and a termination date). ``terms``: :meth:`_get_terms_at` of ``when``, if
        already known."""
        self.ensure_one()
        when = fields.Datetime.to_datetime(when)
        terms = terms or self._get_terms_at(when)
        day = self._local_date(when)
        end = terms["date_end"]
        if self.termination_date:
            end = min(end, self.termination_date)
        return self.date_start <= day <= end

    def _covers_region(self, country, state, terms=None):
        """Whether the service region covers ``country``/``state``: the region of
        ``terms`` (:meth:`_get_terms_at`), else the current one."""
        self.ensure_one()
        countries = terms["countries"] if terms else self.country_ids
        states = terms["states"] if terms else self.country_state_ids
        if not (countries or states):
            return True
        if state and not country:
            country = state.country_id
        if not country:
            return True
        states_here = states.filtered(lambda s: s.country_id == country)
        if states_here:
            return bool(state) and state in states_here
        return country in countries

    @api.model
    def _match_for_ticket(
        self,
        partner,
        product=None,
        serial_number=None,
        when=None,
        country=None,
        state=None,
        service_type=None,
        company=None,
    ):
        """Active customer contracts that cover a ticket, by their terms in force
        at the time it is reported (amendments apply to tickets reported after
        them).

        :param partner: the ticket's customer (any contact of the company)
        :param product: ``product.product`` concerned, if known
        :param serial_number: serial number of the unit, if known
        :param when: naive UTC datetime the ticket is reported (default now); the
            contract's term must contain its day in the company's time zone
        :param country: ``res.country`` of the service site, if known
        :param state: ``res.country.state`` of the service site, if known
        :param service_type: ``aftersales.service.type`` asked for, if known
        :param company: ``res.company`` of the ticket, if known: a contract of
            another company never serves it (a customer shared between companies
            has a contract with each)
        :return: every matching contract; when some contract lists the serial
            number, only those. The caller decides what none or several mean.
        """
        if not partner:
            return self.browse()
        commercial = partner.commercial_partner_id
        when = fields.Datetime.to_datetime(when) if when else fields.Datetime.now()
        if isinstance(when, datetime) and when.tzinfo is not None:
            when = when.astimezone(pytz.utc).replace(tzinfo=None)
        elif not isinstance(when, datetime):
            when = datetime.combine(when, time.min)
        day = self._local_date(when)
        contracts = self.search(
            [
                ("state", "=", "active"),
                ("contract_type", "=", "customer"),
                ("partner_id", "child_of", commercial.id),
                ("date_start", "<=", day),
            ]
            + ([("company_id", "=", company.id)] if company else [])
        )
        terms = {contract: contract._get_terms_at(when) for contract in contracts}
        contracts = contracts.filtered(
            lambda c: terms[c]["date_end"] >= day
            and c._covers_region(country, state, terms[c])
            and (
                not service_type
                or not terms[c]["service_types"]
                or service_type in terms[c]["service_types"]
            )
        )
        serial = (serial_number or "").strip().casefold()
        if not (product or serial):
            return contracts
        by_serial = contracts.filtered(
            lambda c: serial
            and any(
                (line_serial or "").strip().casefold() == serial
                for _product, line_serial in terms[c]["product_lines"]
            )
        )
        if by_serial:
            return by_serial
        return contracts.filtered(
            lambda c: not terms[c]["product_lines"]
            or (
                product
                and any(
                    line_product == product
                    for line_product, _serial in terms[c]["product_lines"]
                )
            )
        )
