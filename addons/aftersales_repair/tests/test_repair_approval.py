"""The work of a chargeable ticket's repair waits for the customer's approval of
its quotation; a covered ticket's repair starts at once."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_repair_orders import RepairOrderCase


@tagged("post_install", "-at_install")
class TestRepairApproval(RepairOrderCase):
    def test_chargeable_repair_waits_for_the_signed_quotation(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        self.assertEqual(ticket.coverage, "chargeable")
        repair = self.make_repair(ticket).with_user(self.manager)
        self.add_part(repair)
        repair.action_validate()
        with self.refused(UserError, "waits for the customer"):
            repair.action_repair_start()
        # Not over RPC either (the state written directly).
        with self.refused(UserError, "waits for the customer"):
            repair.write({"state": "under_repair"})
        repair.action_create_sale_order()
        repair.sale_order_id.action_quotation_sent()
        with self.refused(UserError, "waits for the customer"):
            repair.action_repair_start()
        self.assertNotIn(repair.state, ("under_repair", "done"))
        # Its state written directly is no approval (no signature, no event).
        with self.refused(UserError, "cannot be written directly"):
            repair.sale_order_id.write({"state": "sale"})
        with self.refused(UserError, "waits for the customer"):
            repair.action_repair_start()
        # Signed by the customer: the work starts and ends.
        repair.sale_order_id.sudo().action_confirm()
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")

    def test_covered_repair_starts_at_once(self):
        ticket = self.report_consumer(serial_number="WH-T-0001")
        self.assertEqual(ticket.coverage, "warranty")
        repair = self.make_repair(ticket).with_user(self.manager)
        repair.action_validate()
        repair.action_repair_start()
        self.assertEqual(repair.state, "under_repair")

    def test_resolving_ends_the_repairs_the_customer_approved(self):
        """The technician (no Repairs rights) resolves: the covered ticket's
        repair is done and its parts recorded in the ledger; a chargeable repair
        still waiting for its customer is left as it is."""
        covered = self.report_consumer(serial_number="WH-T-0001")
        waiting = self.report_consumer(serial_number="WH-T-0002")
        (covered | waiting).write({"user_id": self.technician.id})
        free = self.make_repair(covered, user=self.technician)
        unsigned = self.make_repair(waiting, user=self.technician)
        self.add_part(free.sudo())
        covered.with_user(self.technician).action_resolve()
        self.assertEqual(free.state, "done")
        used = self.coverage_events(covered, "ticket.parts_used")
        self.assertEqual(len(used), 1)
        self.assertEqual(used.author_id, self.technician)
        waiting.with_user(self.technician).action_resolve()
        self.assertEqual(waiting.state, "resolved")
        self.assertEqual(unsigned.state, "draft")
