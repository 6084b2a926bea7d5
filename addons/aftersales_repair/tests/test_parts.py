"""Spare parts of tickets' repairs: from the technician's van, approved or with a
reason, serial numbers, the ledger, faulty parts returned to the manufacturer."""

import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import call_kw

from .common import RepairCase, make_heater


class TestParts(RepairCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Product = env["product.product"]
        part = {"type": "consu", "is_storable": True}
        cls.igniter = Product.create({"name": "点火针 Igniter", **part})
        cls.valve = Product.create(
            {"name": "比例阀 Gas valve", "tracking": "serial", **part}
        )
        cls.fan = Product.create({"name": "风机 Fan", **part})
        cls.heater.aftersales_approved_part_ids = (
            cls.igniter.product_tmpl_id | cls.valve.product_tmpl_id
        )
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        cls.stock = warehouse.lot_stock_id
        Location = env["stock.location"]
        cls.van = Location.create(
            {
                "name": "张三的车 Zhang's van",
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
                "aftersales_holder_user_ids": [(6, 0, cls.technician.ids)],
            }
        )
        cls.other_technician = new_test_user(
            env, "parts_other_tech", groups="aftersales_sla.group_aftersales_user"
        )
        cls.other_van = Location.create(
            {
                "name": "李四的车 Li's van",
                "usage": "internal",
                "location_id": warehouse.view_location_id.id,
                "aftersales_holder_user_ids": [(6, 0, cls.other_technician.ids)],
            }
        )
        cls.valve_lot = cls.lot("GV-0001", cls.valve)
        Quant = env["stock.quant"]
        for location in (cls.van, cls.other_van, cls.stock):
            Quant._update_available_quantity(cls.igniter, location, 5.0)
            Quant._update_available_quantity(cls.fan, location, 5.0)
        Quant._update_available_quantity(cls.valve, cls.van, 1.0, lot_id=cls.valve_lot)
        # Confirming, starting and ending a repair are Repairs work.
        cls.manager.groups_id |= env.ref("stock.group_stock_user")

    def setUp(self):
        super().setUp()
        self.ticket = self.report_consumer(
            serial_number="WH-T-0001", user_id=self.technician.id
        )
        self.ticket.with_user(self.technician).action_create_repair_order()
        self.repair = self.ticket.repair_ids

    def record(self, product, user=None, **values):
        """The ``user`` (the technician) records a part with the wizard."""
        wizard = (
            self.env["aftersales.ticket.parts"]
            .with_user(user or self.technician)
            .create(
                {
                    "ticket_id": self.ticket.id,
                    "product_id": product.id,
                    "quantity": 1.0,
                    **values,
                }
            )
        )
        return wizard.action_record()

    def finish(self, repair=None):
        repair = (repair or self.repair).with_user(self.manager)
        repair.action_validate()
        repair.action_repair_start()
        repair.action_repair_end()

    def events(self, event_type):
        return self.coverage_events(self.ticket, event_type)

    def payload(self, event_type):
        (event,) = self.events(event_type)
        payload = event.payload
        return json.loads(payload) if isinstance(payload, str) else payload

    def test_technician_records_part_from_his_van(self):
        wizard = (
            self.env["aftersales.ticket.parts"]
            .with_user(self.technician)
            .create({"ticket_id": self.ticket.id, "product_id": self.igniter.id})
        )
        # His only van is proposed; the repair and its product are shown.
        self.assertEqual(wizard.location_id, self.van)
        self.assertEqual(wizard.allowed_location_ids, self.van)
        self.assertEqual(wizard.repair_name, self.repair.name)
        self.assertTrue(wizard.approved)
        wizard.action_record()
        move = self.repair.move_ids
        self.assertEqual(move.product_id, self.igniter)
        self.assertEqual(move.location_id, self.van)
        self.assertEqual(move.repair_line_type, "add")
        self.assertTrue(move.aftersales_approved)

    def test_location_not_held_refused_nothing_written(self):
        with self.refused(UserError, "does not hold location WH/李四的车 Li's van"):
            self.record(self.igniter, location_id=self.other_van.id)
        with self.refused(UserError, self.technician.name):
            self.record(self.igniter, location_id=self.stock.id)
        self.assertFalse(self.repair.move_ids)

    def test_manager_takes_parts_from_any_internal_location(self):
        self.record(self.igniter, user=self.manager, location_id=self.stock.id)
        self.assertEqual(self.repair.move_ids.location_id, self.stock)

    def test_service_partner_location_is_held(self):
        partner = self.env["res.partner"].create(
            {
                "name": "杭州服务商 Hangzhou service partner",
                "is_company": True,
                "aftersales_stock_location_id": self.other_van.id,
            }
        )
        self.technician.partner_id.parent_id = partner
        self.record(self.igniter, location_id=self.other_van.id)
        self.assertEqual(self.repair.move_ids.location_id, self.other_van)

    def test_unapproved_part_needs_reason(self):
        with self.refused(UserError, "风机 Fan is not an approved spare part"):
            self.record(self.fan, location_id=self.van.id)
        self.assertFalse(self.repair.move_ids)
        self.record(self.fan, location_id=self.van.id, reason="原厂件缺货 out of stock")
        move = self.repair.move_ids
        self.assertFalse(move.aftersales_approved)
        self.assertEqual(move.aftersales_unapproved_reason, "原厂件缺货 out of stock")
        # The repair form warns before saving, and refuses a line without reason.
        line = self.env["stock.move"].new(
            {
                "repair_id": self.repair.id,
                "repair_line_type": "add",
                "product_id": self.fan.id,
            }
        )
        warning = line._onchange_aftersales_approved_part()["warning"]
        self.assertIn("风机 Fan", warning["message"])
        with self.refused(UserError, "give the reason"):
            move.with_user(self.manager).aftersales_unapproved_reason = " "

    def test_other_technicians_ticket_refused(self):
        with self.assertRaises(AccessError):
            self.record(
                self.igniter, user=self.other_technician, location_id=self.other_van.id
            )
        self.assertFalse(self.repair.move_ids)
        # Without the Inventory rights he writes no move himself either.
        with self.assertRaises(AccessError):
            self.env["stock.move"].with_user(self.technician).create(
                {
                    "repair_id": self.repair.id,
                    "repair_line_type": "add",
                    "product_id": self.igniter.id,
                    "product_uom_qty": 1.0,
                    "location_id": self.van.id,
                }
            )

    def test_serial_number_required_before_the_repair_ends(self):
        # A part used is one in stock: its serial number is known.
        with self.refused(UserError, "GV-404"):
            self.record(self.valve, location_id=self.van.id, lot_name="GV-404")
        self.assertFalse(self.repair.move_ids)
        # The faulty valve removed without its serial number.
        self.record(self.valve, line_type="remove")
        repair = self.repair.with_user(self.manager)
        repair.action_validate()
        repair.action_repair_start()
        with self.refused(UserError, "比例阀 Gas valve on repair"):
            repair.action_repair_end()
        self.assertEqual(self.repair.state, "under_repair")
        self.assertFalse(self.events("ticket.parts_used"))
        self.repair.move_ids.move_line_ids.lot_id = self.lot("GV-OLD-1", self.valve)
        repair.action_repair_end()
        self.assertEqual(self.repair.state, "done")

    def test_parts_used_recorded_when_the_repair_ends(self):
        self.record(self.igniter, location_id=self.van.id)
        self.record(self.valve, location_id=self.van.id, lot_name="GV-0001")
        self.record(self.fan, location_id=self.van.id, reason="急修 urgent")
        self.finish()
        self.assertEqual(self.repair.state, "done")
        Quant = self.env["stock.quant"]
        self.assertEqual(Quant._get_available_quantity(self.igniter, self.van), 4.0)
        self.assertEqual(Quant._get_available_quantity(self.valve, self.van), 0.0)
        payload = self.payload("ticket.parts_used")
        parts = {part["product"]: part for part in payload["parts"]}
        self.assertEqual(payload["repair"], self.repair.name)
        self.assertEqual(parts["比例阀 Gas valve"]["lot"], "GV-0001")
        self.assertEqual(parts["点火针 Igniter"]["qty"], 1.0)
        self.assertEqual(parts["点火针 Igniter"]["location"], self.van.display_name)
        self.assertTrue(parts["点火针 Igniter"]["approved"])
        self.assertFalse(parts["风机 Fan"]["approved"])
        # The typed reason is personal data: a token in the hashed record, the
        # text in the vault (docs/personal-data.md).
        self.assertNotEqual(parts["风机 Fan"]["reason"], "急修 urgent")
        (event,) = self.events("ticket.parts_used")
        resolved = {
            part["product"]: part for part in event._resolved_payload()["parts"]
        }
        self.assertEqual(resolved["风机 Fan"]["reason"], "急修 urgent")

    def test_faulty_part_returned_to_its_manufacturer(self):
        maker = self.env["res.partner"].create({"name": "某阀门厂 Valve maker"})
        self.valve.seller_ids = [(0, 0, {"partner_id": maker.id})]
        self.record(self.valve, line_type="remove", lot_name="GV-OLD-7")
        self.record(self.igniter, line_type="remove")
        removed = self.repair.move_ids
        faulty = removed.location_dest_id
        self.assertEqual(len(faulty), 1)
        self.assertTrue(faulty.aftersales_faulty_parts)
        self.finish()
        removed_payload = self.payload("ticket.parts_used")["removed"]
        self.assertEqual(removed_payload[0]["lot"], "GV-OLD-7")
        self.assertEqual(self.repair.aftersales_faulty_count, 2)
        # The technician has no business returning parts.
        with self.assertRaises(AccessError):
            self.repair.with_user(
                self.technician
            ).action_aftersales_return_faulty_parts()
        # The igniter has no vendor: the manager is asked who takes it back.
        action = self.repair.with_user(
            self.manager
        ).action_aftersales_return_faulty_parts()
        self.assertEqual(action["res_model"], "repair.order.faulty.return")
        self.assertFalse(self.events("ticket.faulty_parts_returned"))
        with self.refused(UserError, "点火针 Igniter has no vendor"):
            self.repair.with_user(self.manager)._aftersales_return_faulty_parts()
        igniter_maker = self.env["res.partner"].create(
            {"name": "点火针厂 Igniter maker"}
        )
        Wizard = self.env["repair.order.faulty.return"].with_user(self.manager)
        wizard = Wizard.with_context(**action["context"]).create(
            {"vendor_id": igniter_maker.id}
        )
        self.assertEqual(wizard.part_names, "点火针 Igniter")
        wizard.action_return()
        pickings = removed.aftersales_return_move_id.picking_id
        self.assertEqual(pickings.partner_id, maker | igniter_maker)
        picking = pickings.filtered(lambda p: p.partner_id == maker)
        self.assertEqual(picking.move_ids.product_id, self.valve)
        self.assertEqual(picking.picking_type_code, "outgoing")
        self.assertEqual(picking.location_id, faulty)
        self.assertEqual(
            picking.move_line_ids.filtered(
                lambda line: line.product_id == self.valve
            ).lot_id.name,
            "GV-OLD-7",
        )
        payload = self.payload("ticket.faulty_parts_returned")
        self.assertEqual(sorted(payload["transfers"]), sorted(pickings.mapped("name")))
        self.assertEqual(len(payload["parts"]), 2)
        self.assertEqual(self.repair.aftersales_faulty_count, 0)
        with self.refused(UserError, "no faulty parts left"):
            self.repair.with_user(self.manager).action_aftersales_return_faulty_parts()

    def test_only_managers_set_who_holds_a_location(self):
        clerk = new_test_user(
            self.env,
            "parts_clerk",
            groups="stock.group_stock_user,base.group_partner_manager",
        )
        with self.refused(AccessError, "Only Inventory or After-Sales managers"):
            self.other_van.with_user(clerk).aftersales_holder_user_ids = clerk
        with self.refused(AccessError, "Only Inventory or After-Sales managers"):
            self.technician.partner_id.with_user(
                clerk
            ).aftersales_stock_location_id = self.other_van
        self.assertEqual(
            self.other_van.aftersales_holder_user_ids, self.other_technician
        )
        self.other_van.with_user(
            self.manager
        ).aftersales_holder_user_ids |= self.technician
        self.record(self.igniter, location_id=self.other_van.id)
        self.assertEqual(self.repair.move_ids.location_id, self.other_van)


@tagged("post_install", "-at_install")
class TestPartsHttp(HttpCase):
    """The technician's Record Parts in the browser and over JSON-RPC, as the web
    client (or an attacker) calls it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        groups = "aftersales_sla.group_aftersales_user"
        cls.technician = new_test_user(env, "parts_rpc_tech", groups=groups)
        cls.intruder = new_test_user(env, "parts_rpc_intruder", groups=groups)
        cls.part, cls.fan = env["product.product"].create(
            [
                {"name": name, "type": "consu", "is_storable": True}
                for name in ("温控器 Thermostat", "Tour fan")
            ]
        )
        Location = env["stock.location"]
        cls.van, cls.intruder_van = Location.create(
            [
                {
                    "name": name,
                    "usage": "internal",
                    "aftersales_holder_user_ids": [(6, 0, user.ids)],
                }
                for name, user in (
                    ("Tour van", cls.technician),
                    ("RPC intruder van", cls.intruder),
                )
            ]
        )
        heater = make_heater(env, "RPC heater")
        heater.aftersales_approved_part_ids = cls.part.product_tmpl_id
        ticket = env["aftersales.ticket"].create(
            {
                "name": "水温不稳",
                "partner_id": env["res.partner"].create({"name": "孙先生"}).id,
                "product_id": heater.id,
                "user_id": cls.technician.id,
            }
        )
        ticket.with_user(cls.technician).action_create_repair_order()
        cls.ticket = ticket
        cls.repair = ticket.repair_ids

    def record(self, login, location):
        self.authenticate(login, login)
        with mute_logger("odoo.http"):
            created = call_kw(
                self,
                "aftersales.ticket.parts",
                "create",
                [
                    {
                        "ticket_id": self.ticket.id,
                        "product_id": self.part.id,
                        "location_id": location.id,
                    }
                ],
            )
            return call_kw(
                self, "aftersales.ticket.parts", "action_record", [[created["result"]]]
            )

    def test_record_parts_on_own_ticket_from_own_van_only(self):
        response = self.record("parts_rpc_intruder", self.intruder_van)
        self.assertEqual(
            response["error"]["data"]["name"], "odoo.exceptions.AccessError"
        )
        response = self.record("parts_rpc_tech", self.intruder_van)
        self.assertIn(
            "does not hold location RPC intruder van",
            response["error"]["data"]["message"],
        )
        self.assertFalse(self.repair.move_ids)
        response = self.record("parts_rpc_tech", self.van)
        self.assertNotIn("error", response)
        self.assertEqual(self.repair.move_ids.location_id, self.van)

    def walk(self, lang):
        self.technician.lang = lang
        self.start_tour(
            "/odoo/action-aftersales_sla.aftersales_ticket_action",
            "aftersales_record_parts",
            login="parts_rpc_tech",
        )
        move = self.repair.move_ids
        self.assertEqual(move.product_id, self.fan)
        self.assertEqual(move.location_id, self.van)
        self.assertFalse(move.aftersales_approved)
        self.assertEqual(
            move.aftersales_unapproved_reason, "Tour reason: original out of stock"
        )

    def test_technician_records_an_unapproved_part_in_english(self):
        self.walk("en_US")

    def test_technician_records_an_unapproved_part_in_chinese(self):
        self.walk("zh_CN")
