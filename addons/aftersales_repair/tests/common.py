from contextlib import contextmanager
from datetime import date

from odoo.tests import new_test_user

from odoo.addons.aftersales_sla.tests.common import TicketCase, shanghai


def make_heater(env, name="Heater", **values):
    """A serial-tracked water heater with a 24-month warranty."""
    return env["product.product"].create(
        {
            "name": name,
            "type": "consu",
            "is_storable": True,
            "tracking": "serial",
            "aftersales_warranty_months": 24,
            **values,
        }
    )


class RepairCase(TicketCase):
    """TicketCase's contract customer, plus a consumer without contract and a
    serial-tracked water heater with a 24-month warranty; units of the consumer
    (one in warranty on the tickets' reported day, one expired)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Unit = env["aftersales.unit"]
        cls.heater = make_heater(
            env,
            "燃气热水器 Test heater",
            aftersales_warranty_terms="整机保修两年",
            aftersales_warranty_exclusions="私自拆机不保",
        )
        cls.consumer = env["res.partner"].create({"name": "王先生 Mr Wang"})
        cls.other_consumer = env["res.partner"].create({"name": "李女士 Ms Li"})
        cls.lot_new = cls.lot("WH-T-0001")
        cls.lot_old = cls.lot("WH-T-0002")
        # Reported day of the tickets: 2026-11-20 (Shanghai).
        cls.unit_new = cls.Unit.create(
            {
                "product_id": cls.heater.id,
                "lot_id": cls.lot_new.id,
                "partner_id": cls.consumer.id,
                "installation_date": date(2025, 6, 1),
            }
        )
        cls.unit_old = cls.Unit.create(
            {
                "product_id": cls.heater.id,
                "lot_id": cls.lot_old.id,
                "partner_id": cls.consumer.id,
                "installation_date": date(2023, 6, 1),
            }
        )
        cls.technician = new_test_user(
            env, "repair_tech", groups="aftersales_sla.group_aftersales_user"
        )
        cls.manager = new_test_user(
            env, "repair_manager", groups="aftersales_sla.group_aftersales_manager"
        )

    @classmethod
    def customer_contract(cls, name, activate=True, **values):
        """A company customer ``name`` and its service contract for 2026 on the
        case's calendar and SLA policy (``values`` override), active unless
        ``activate`` is False."""
        customer = cls.env["res.partner"].create({"name": name, "is_company": True})
        contract = cls.env["aftersales.contract"].create(
            {
                "partner_id": customer.id,
                "title": f"Heater service of {name}",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 5000,
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
                **values,
            }
        )
        if activate:
            contract.action_activate()
        return customer, contract

    @classmethod
    def lot(cls, name, product=None):
        return cls.env["stock.lot"].create(
            {"name": name, "product_id": (product or cls.heater).id}
        )

    def report_consumer(self, reported=None, **values):
        return self.report(
            reported=reported or shanghai(2026, 11, 20, 10, 0),
            **dict(
                {"partner_id": self.consumer.id, "late_entry_reason": "phone"}, **values
            ),
        )

    def coverage_events(self, ticket, event_type="ticket.coverage_decided"):
        """The ticket's events of ``event_type`` (a type or a tuple of types)."""
        types = (event_type,) if isinstance(event_type, str) else tuple(event_type)
        return (
            self.env["aftersales.event"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "aftersales.ticket"),
                    ("res_id", "=", ticket.id),
                    ("event_type", "in", types),
                ],
                order="id",
            )
        )

    @contextmanager
    def refused(self, error, text):
        """assertRaises (which rolls back to a savepoint) and the message."""
        with self.assertRaises(error) as caught:
            yield
        self.assertIn(text, str(caught.exception))
