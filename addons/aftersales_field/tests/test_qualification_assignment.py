"""Qualifications checked at assignment: required types from the product and the
service type, missing/expired/not-yet-valid certificates refused with a message
naming them, the manager's Assign Anyway recorded in the ledger, record rules,
and the daily renewal activities."""

import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import TicketCase, call_kw

from ..models.aftersales_qualification import company_today


class QualificationCase(TicketCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Qualification = env["aftersales.qualification"]
        cls.Type = env["aftersales.qualification.type"]
        cls.gas = cls.Type.create({"name": "Test gas appliances", "code": "T-GAS"})
        cls.height = cls.Type.create({"name": "Test working at height", "code": "T-HI"})
        cls.heater = env["product.product"].create(
            {
                "name": "燃气热水器 Test gas heater",
                "type": "consu",
                "aftersales_qualification_type_ids": [(6, 0, cls.gas.ids)],
            }
        )
        cls.lock = env["product.product"].create({"name": "Test lock", "type": "consu"})
        cls.install = env["aftersales.service.type"].create(
            {
                "name": "Test rooftop installation",
                "code": "test_rooftop",
                "qualification_type_ids": [(6, 0, cls.height.ids)],
            }
        )
        cls.technician = new_test_user(
            env,
            "qual_tech",
            name="Tech Zhang",
            groups="aftersales_sla.group_aftersales_user",
        )
        cls.other_technician = new_test_user(
            env, "qual_tech2", groups="aftersales_sla.group_aftersales_user"
        )
        cls.manager = new_test_user(
            env, "qual_manager", groups="aftersales_sla.group_aftersales_manager"
        )
        cls.today = company_today(env.company)

    def certify(self, user, qualification_type, expires_in=365, issued_ago=30):
        return self.Qualification.create(
            {
                "partner_id": user.partner_id.id,
                "type_id": qualification_type.id,
                "certificate_number": "C-1",
                "issued_on": self.today - timedelta(days=issued_ago),
                "expires_on": self.today + timedelta(days=expires_in),
            }
        )

    def ticket(self, **values):
        return self.Ticket.create(
            dict(
                {
                    "name": "热水器不点火",
                    "partner_id": self.customer.id,
                    "reported_at": fields.Datetime.now(),
                },
                **values,
            )
        )


@tagged("post_install", "-at_install")
class TestQualificationCheck(QualificationCase):
    def test_data_types(self):
        codes = {
            self.env.ref(f"aftersales_field.qualification_type_{name}").code
            for name in ("gas", "elec", "height")
        }
        self.assertEqual(codes, {"GAS", "ELEC", "HEIGHT"})

    def test_required_types_are_the_products_and_the_service_types(self):
        ticket = self.ticket(product_id=self.heater.id, service_type_id=self.install.id)
        self.assertEqual(ticket.required_qualification_type_ids, self.gas | self.height)
        self.assertFalse(
            self.ticket(product_id=self.lock.id).required_qualification_type_ids
        )

    def test_unqualified_assignee_is_refused_at_creation_and_assignment(self):
        with self.assertRaises(UserError) as error:
            self.ticket(product_id=self.heater.id, user_id=self.technician.id)
        self.assertIn("Tech Zhang", str(error.exception))
        self.assertIn("Test gas appliances", str(error.exception))
        ticket = self.ticket(product_id=self.heater.id)
        with self.assertRaisesRegex(UserError, "cannot be assigned"):
            ticket.with_user(self.manager).write({"user_id": self.technician.id})
        self.assertFalse(ticket.user_id)
        # Tickets requiring nothing: anyone.
        self.ticket(product_id=self.lock.id, user_id=self.technician.id)

    def test_valid_qualification_allows_assignment(self):
        self.certify(self.technician, self.gas)
        ticket = self.ticket(product_id=self.heater.id)
        ticket.with_user(self.manager).write({"user_id": self.technician.id})
        self.assertEqual(ticket.user_id, self.technician)
        self.assertFalse(ticket.qualification_warning)
        # The service type's requirement adds to the product's.
        with self.assertRaises(UserError) as error:
            ticket.write({"service_type_id": self.install.id})
        self.assertIn("Test working at height", str(error.exception))

    def test_expired_and_future_certificates_are_refused(self):
        self.certify(self.technician, self.gas, expires_in=-1, issued_ago=400)
        ticket = self.ticket(product_id=self.heater.id)
        with self.assertRaises(UserError) as error:
            ticket.write({"user_id": self.technician.id})
        expired_on = str(self.today - timedelta(days=1))
        self.assertIn(expired_on, str(error.exception))
        self.assertIn("expired", str(error.exception))
        # Valid through its expiry day.
        self.certify(self.other_technician, self.gas, expires_in=0)
        ticket.write({"user_id": self.other_technician.id})
        # Issued tomorrow: not valid yet.
        future = self.env["res.users"].browse(
            new_test_user(
                self.env, "qual_tech3", groups="aftersales_sla.group_aftersales_user"
            ).id
        )
        self.certify(future, self.gas, issued_ago=-1)
        with self.assertRaisesRegex(UserError, "cannot be assigned"):
            ticket.write({"user_id": future.id})
        self.assertEqual(ticket.user_id, self.other_technician)

    def test_product_change_requires_the_assignees_qualification(self):
        ticket = self.ticket(product_id=self.lock.id, user_id=self.technician.id)
        with self.assertRaisesRegex(UserError, "cannot be assigned"):
            ticket.with_user(self.technician).write({"product_id": self.heater.id})
        self.assertEqual(ticket.product_id, self.lock)
        self.certify(self.technician, self.gas)
        ticket.with_user(self.technician).write({"product_id": self.heater.id})
        self.assertEqual(ticket.product_id, self.heater)

    def test_context_key_does_not_bypass_the_check(self):
        ticket = self.ticket(product_id=self.heater.id)
        for key in (
            "aftersales_qualification_overridden",
            "skip_qualification_check",
            "aftersales_door",
        ):
            with self.assertRaisesRegex(UserError, "cannot be assigned"):
                ticket.with_context(**{key: True}).write(
                    {"user_id": self.technician.id}
                )

    def test_partner_staff_holders(self):
        """The check other parts call for a service partner's staff member."""
        partner = self.env["res.partner"].create(
            {"name": "顺德安装服务有限公司", "is_company": True}
        )
        staff = self.env["res.partner"].create(
            {"name": "Installer Chen", "parent_id": partner.id}
        )
        ticket = self.ticket(product_id=self.heater.id)
        with self.assertRaises(UserError) as error:
            ticket._check_assignee_qualifications(staff)
        self.assertIn("Installer Chen", str(error.exception))
        self.Qualification.create(
            {
                "partner_id": staff.id,
                "type_id": self.gas.id,
                "expires_on": self.today + timedelta(days=10),
            }
        )
        ticket._check_assignee_qualifications(staff)


@tagged("post_install", "-at_install")
class TestQualificationOverride(QualificationCase):
    def wizard(self, ticket, user, reason, as_user=None):
        Wizard = self.env["aftersales.ticket.assign.override"].with_user(
            as_user or self.manager
        )
        return Wizard.create(
            {"ticket_id": ticket.id, "user_id": user.id, "reason": reason}
        )

    def test_manager_assigns_anyway_with_a_reason_recorded_in_the_ledger(self):
        self.certify(self.technician, self.height, expires_in=-3, issued_ago=900)
        ticket = self.ticket(product_id=self.heater.id, service_type_id=self.install.id)
        wizard = self.wizard(ticket, self.technician, "由持证师傅李工现场监护")
        self.assertIn("Test gas appliances", wizard.gaps)
        wizard.action_assign()
        self.assertEqual(ticket.user_id, self.technician)
        event = self.env["aftersales.event"].search(
            [
                ("res_model", "=", "aftersales.ticket"),
                ("res_id", "=", ticket.id),
                ("event_type", "=", "ticket.qualification_overridden"),
            ]
        )
        self.assertEqual(len(event), 1)
        self.assertEqual(event.reason_text, "由持证师傅李工现场监护")
        payload = json.loads(event.payload)
        self.assertEqual(payload["user"], self.technician.id)
        self.assertEqual(payload["missing"], ["T-GAS"])
        self.assertEqual(
            payload["expired"],
            [{"type": "T-HI", "expired_on": str(self.today - timedelta(days=3))}],
        )
        # The ticket shows what the assignee lacks.
        ticket.invalidate_recordset(["qualification_warning"])
        self.assertIn("Test gas appliances", ticket.qualification_warning)
        self.assertIn("expired", ticket.qualification_warning)

    def test_override_needs_a_reason(self):
        ticket = self.ticket(product_id=self.heater.id)
        with self.assertRaisesRegex(UserError, "Say why"):
            ticket.with_user(self.manager)._assign_overriding_qualifications(
                self.technician, "  "
            )
        self.assertFalse(ticket.user_id)

    def test_technician_cannot_override(self):
        ticket = self.ticket(product_id=self.heater.id)
        with self.assertRaises(AccessError):
            self.wizard(ticket, self.technician, "I can do it", self.technician)
        with self.assertRaises(AccessError):
            ticket.with_user(self.technician)._assign_overriding_qualifications(
                self.technician, "I can do it"
            )
        with self.assertRaises(AccessError):
            ticket.with_user(self.technician).action_assign_anyway()
        self.assertFalse(ticket.user_id)


@tagged("post_install", "-at_install")
class TestQualificationRecords(QualificationCase):
    def test_holders_see_their_own_and_managers_manage_all(self):
        own = self.certify(self.technician, self.gas)
        other = self.certify(self.other_technician, self.gas)
        Qualification = self.Qualification.with_user(self.technician)
        self.assertEqual(Qualification.search([("id", "in", (own | other).ids)]), own)
        with self.assertRaises(AccessError):
            Qualification.create(
                {
                    "partner_id": self.technician.partner_id.id,
                    "type_id": self.height.id,
                    "expires_on": self.today + timedelta(days=300),
                }
            )
        with self.assertRaises(AccessError):
            own.with_user(self.technician).write({"expires_on": self.today})
        managed = self.Qualification.with_user(self.manager)
        self.assertEqual(managed.search([("id", "in", (own | other).ids)]), own | other)
        other.with_user(self.manager).write(
            {"expires_on": self.today + timedelta(days=700)}
        )

    def test_bad_input_is_refused(self):
        with self.assertRaises(ValidationError):
            self.Qualification.create(
                {"partner_id": self.technician.partner_id.id, "type_id": self.gas.id}
            )
        with self.assertRaises(ValidationError):
            self.certify(self.technician, self.gas, expires_in=-10, issued_ago=0)
        with self.assertRaises(ValidationError):
            self.Qualification.create(
                {
                    "partner_id": self.customer.id,
                    "type_id": self.gas.id,
                    "expires_on": self.today,
                }
            )
        with self.assertRaises(ValidationError):
            self.Type.create({"name": "Duplicate", "code": "T-GAS"})
        # A type valid for life needs no expiry date.
        lifelong = self.Type.create(
            {"name": "First aid", "code": "T-AID", "has_expiry": False}
        )
        self.Qualification.create(
            {"partner_id": self.technician.partner_id.id, "type_id": lifelong.id}
        )

    def test_expired_and_expiring_searches(self):
        expired = self.certify(self.technician, self.gas, expires_in=-1, issued_ago=99)
        soon = self.certify(self.technician, self.height, expires_in=10)
        later = self.certify(self.other_technician, self.gas, expires_in=200)
        mine = expired | soon | later
        self.assertTrue(expired.is_expired)
        self.assertFalse(soon.is_expired)
        self.assertTrue(soon.is_expiring)
        self.assertFalse(later.is_expiring)
        search = self.Qualification.search
        self.assertEqual(
            search([("id", "in", mine.ids), ("is_expired", "=", True)]), expired
        )
        self.assertEqual(
            search([("id", "in", mine.ids), ("is_expired", "=", False)]), soon | later
        )
        self.assertEqual(
            search([("id", "in", mine.ids), ("is_expiring", "=", True)]), soon
        )

    def test_renewal_activities_once_per_expiry(self):
        team = self.env["aftersales.team"].create(
            {
                "name": "Test heater team",
                "leader_id": self.manager.id,
                "member_ids": [(6, 0, self.technician.ids)],
            }
        )
        self.assertTrue(team)
        soon = self.certify(self.technician, self.gas, expires_in=20)
        later = self.certify(self.technician, self.height, expires_in=40)
        cron = self.env.ref(
            "aftersales_field.aftersales_qualification_cron_notify_expiring"
        )
        with mute_logger("odoo.addons.base.models.ir_cron"):
            cron.method_direct_trigger()
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.assertEqual(soon.activity_ids.user_id, self.technician | self.manager)
        self.assertEqual(soon.activity_ids.activity_type_id, todo)
        self.assertIn("Test gas appliances", soon.activity_ids[0].summary)
        self.assertFalse(later.activity_ids)
        self.assertEqual(soon.expiry_notified_on, self.today)
        # Idempotent.
        with mute_logger("odoo.addons.base.models.ir_cron"):
            cron.method_direct_trigger()
        self.assertEqual(len(soon.activity_ids), 2)
        # A longer notice period reaches the later one; a renewed certificate is
        # notified again before its new expiry.
        self.env.company.aftersales_qualification_notice_days = 45
        soon.activity_ids.action_feedback()
        soon.expires_on = self.today + timedelta(days=30)
        self.assertFalse(soon.expiry_notified_on)
        with mute_logger("odoo.addons.base.models.ir_cron"):
            cron.method_direct_trigger()
        self.assertEqual(len(later.activity_ids), 2)
        self.assertEqual(len(soon.activity_ids), 2)


@tagged("post_install", "-at_install")
class TestQualificationRpc(QualificationCase, HttpCase):
    """What the roles can do over JSON-RPC, as the web client calls it."""

    def call(self, login, model, method, args, kwargs=None):
        self.authenticate(login, login)
        with mute_logger("odoo.http"):
            return call_kw(self, model, method, args, kwargs)

    def test_rpc_refusals(self):
        ticket = self.ticket(product_id=self.heater.id)
        # No context key assigns an unqualified technician.
        response = self.call(
            "qual_manager",
            "aftersales.ticket",
            "write",
            [[ticket.id], {"user_id": self.technician.id}],
            {"context": {"aftersales_qualification_overridden": True}},
        )
        self.assertIn("cannot be assigned", response["error"]["data"]["message"])
        # A technician opens no Assign Anyway wizard and calls no private method.
        response = self.call(
            "qual_tech",
            "aftersales.ticket.assign.override",
            "create",
            [{"ticket_id": ticket.id, "user_id": self.technician.id, "reason": "x"}],
        )
        self.assertEqual(
            response["error"]["data"]["name"], "odoo.exceptions.AccessError"
        )
        response = self.call(
            "qual_tech",
            "aftersales.ticket",
            "_assign_overriding_qualifications",
            [[ticket.id], self.technician.id, "x"],
        )
        self.assertIn("error", response)
        response = self.call(
            "qual_tech", "aftersales.ticket", "action_assign_anyway", [[ticket.id]]
        )
        self.assertIn("error", response)
        # Their own ticket's product cannot become one they are not qualified for.
        own = self.ticket(product_id=self.lock.id, user_id=self.technician.id)
        response = self.call(
            "qual_tech",
            "aftersales.ticket",
            "write",
            [[own.id], {"product_id": self.heater.id}],
        )
        self.assertIn("cannot be assigned", response["error"]["data"]["message"])
        self.assertFalse(ticket.user_id)
        self.assertEqual(own.product_id, self.lock)
        # The manager's wizard does it, with the reason.
        response = self.call(
            "qual_manager",
            "aftersales.ticket.assign.override",
            "create",
            [{"ticket_id": ticket.id, "user_id": self.technician.id, "reason": "监护"}],
        )
        wizard_id = response["result"]
        response = self.call(
            "qual_manager",
            "aftersales.ticket.assign.override",
            "action_assign",
            [[wizard_id]],
        )
        self.assertNotIn("error", response)
        ticket.invalidate_recordset(["user_id"])
        self.assertEqual(ticket.user_id, self.technician)
