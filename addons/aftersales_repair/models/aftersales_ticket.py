from odoo import api, fields, models

from odoo.addons.aftersales_sla.tools import door

TICKET = "aftersales.ticket"

#: Keys of the core's targeting snapshot: a change of one of them is re-targeted
#: by the core itself (see ``aftersales.ticket.write``).
CORE_SNAPSHOT_KEYS = ("contract", "service_type", "customer")


class AftersalesTicket(models.Model):
    """A ticket that no contract covers runs on the standard service promise of its
    product (else of its product category, walking up), without penalties."""

    _inherit = "aftersales.ticket"

    aftersales_promise_source = fields.Selection(
        [
            ("contract", "Service Contract"),
            ("product", "Product's Standard Promise"),
            ("category", "Product Category's Standard Promise"),
        ],
        string="Service Promise From",
        compute="_compute_aftersales_promise",
        help="Where the ticket's service levels come from: its contract, or the "
        "standard promise its product (or product category) gives every buyer.",
    )
    aftersales_promise_policy_id = fields.Many2one(
        "aftersales.sla.policy",
        string="Service Promise",
        compute="_compute_aftersales_promise",
    )
    aftersales_promise_label = fields.Char(
        string="Standard Service Promise",
        compute="_compute_aftersales_promise",
    )

    @api.depends(
        "contract_id",
        "reported_at",
        "product_id",
        "product_id.categ_id",
        "company_id",
    )
    def _compute_aftersales_promise(self):
        for ticket in self:
            terms = ticket._sla_terms()
            source = terms.get("source") if terms.get("sla_policy") else False
            policy = terms.get("sla_policy") or self.env["aftersales.sla.policy"]
            ticket.aftersales_promise_source = source
            ticket.aftersales_promise_policy_id = policy.id
            ticket.aftersales_promise_label = (
                self.env._(
                    "Standard service promise of %(origin)s: %(policy)s",
                    origin=terms["origin"].display_name,
                    # sudo: the policy's name, whoever looks at the ticket.
                    policy=policy.sudo().display_name,
                )
                if source in ("product", "category")
                else False
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        # The core re-targets a ticket when its contract, service type or customer
        # changes; a product change matters too when the ticket runs on the
        # product's standard promise (the snapshot then names the product).
        before = {}
        if "product_id" in vals and not door.is_open(TICKET):
            before = {
                ticket.id: ticket._targeting_snapshot()
                for ticket in self
                if ticket.product_id.id != vals["product_id"]
                and ticket.state != "closed"
            }
        result = super().write(vals)
        if before:
            retarget = {}
            for ticket in self.browse(list(before)):
                after = ticket._targeting_snapshot()
                if after == before[ticket.id]:
                    continue
                if any(
                    after.get(key) != before[ticket.id].get(key)
                    for key in CORE_SNAPSHOT_KEYS
                ):
                    continue  # re-targeted by the core already
                retarget[ticket.id] = before[ticket.id]
            if retarget:
                self.browse(list(retarget))._on_retargeted(retarget)
        return result

    # ------------------------------------------------------------------
    # SLA terms
    # ------------------------------------------------------------------

    def _sla_terms(self):
        """A ticket under a contract keeps its contract's terms (none outside the
        contract's term, as before); a ticket without a contract gets the standard
        promise of its product, else of its product category (the nearest up the
        tree that has one): ``{"sla_policy", "calendar"}``, ``"source"``
        (``"contract"``, ``"product"`` or ``"category"``) and, for a standard
        promise, ``"origin"`` (the product or category giving it), or {}.

        A standard promise carries no penalty: penalties are the clauses of the
        ticket's contract, and such a ticket has none."""
        self.ensure_one()
        # sudo: whether the ticket has a contract, whoever looks at it.
        if self.sudo().contract_id:
            terms = super()._sla_terms()
            return dict(terms, source="contract") if terms else terms
        return self._standard_sla_terms()

    def _standard_sla_terms(self):
        self.ensure_one()
        # sudo: the promise decides the ticket's clocks, whoever looks at it; in
        # the ticket's company (the promise is company dependent).
        product = self.sudo().with_company(self.company_id).product_id
        if not product:
            return {}
        template = product.product_tmpl_id
        if template.aftersales_sla_policy_id:
            return {
                "sla_policy": template.aftersales_sla_policy_id,
                "calendar": template.aftersales_calendar_id,
                "source": "product",
                "origin": product,
            }
        found = product.categ_id and product.categ_id._aftersales_standard_promise()
        if not found:
            return {}
        category, policy, calendar = found
        return {
            "sla_policy": policy,
            "calendar": calendar,
            "source": "category",
            "origin": category,
        }

    def _targets_payload(self, terms=None):
        """The targets in force, each saying where its promise came from
        (``"source"``: contract, product or category)."""
        self.ensure_one()
        terms = self._sla_terms() if terms is None else terms
        payload = super()._targets_payload(terms)
        for target in payload:
            target["source"] = terms.get("source")
        return payload

    def _promises_service(self, terms=None):
        """Only a contract is flagged when none of its targets fits the ticket: a
        standard promise promises what its targets say (e.g. a response to repair
        requests), nothing for the tickets they leave out."""
        self.ensure_one()
        terms = self._sla_terms() if terms is None else terms
        if terms.get("source") != "contract":
            return False
        return super()._promises_service(terms)

    def _targeting_snapshot(self):
        """The core's snapshot, plus the product and the promise's source when the
        ticket runs on a standard promise (a product change then re-targets it)."""
        snapshot = super()._targeting_snapshot()
        source = self._sla_terms().get("source")
        if source in ("product", "category"):
            snapshot["product"] = self.product_id.id
            snapshot["promise"] = source
        return snapshot
