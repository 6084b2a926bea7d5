from odoo.tests import tagged

from .test_repair_orders import SIGNATURE, RepairOrderCase

TEXT = "ERASEGAP-REPAIR 王先生家厨房热水器"


@tagged("post_install", "-at_install")
class TestErasureGapsRepair(RepairOrderCase):
    def test_repair_order_and_quotation_are_erased_amounts_stay(self):
        ticket = self.report_consumer(serial_number="WH-T-0002")
        repair = self.make_repair(ticket)
        repair.aftersales_labour_hours = 2.0
        self.add_part(repair)
        repair.sudo().internal_notes = f"<p>{TEXT}</p>"
        repair.with_user(self.manager).action_create_sale_order()
        order = repair.sale_order_id.sudo()
        order.write({"signature": SIGNATURE, "signed_by": f"{TEXT} 签名", "note": TEXT})
        order.message_post(body=TEXT, attachments=[("quote.txt", TEXT.encode())])
        repair.sudo().message_post(body=TEXT)
        self.env["ir.attachment"].create(
            {
                "name": "quotation.pdf",
                "raw": TEXT.encode(),
                "res_model": "sale.order",
                "res_id": order.id,
            }
        )
        amount, lines = order.amount_total, len(order.order_line)
        ticket.action_close()
        self.assertTrue(self.where(), "the test data is there")
        ticket._purge_personal_data()
        self.assertEqual(self.where(), {})
        self.assertFalse(order.signature or order.signed_by)
        self.assertEqual((order.amount_total, len(order.order_line)), (amount, lines))
        self.assertEqual(repair.sale_order_id, order)
        self.assertEqual(repair.ticket_id, ticket)

    def where(self):
        self.env.flush_all()
        found = {}
        for table, expr in (
            ("repair_order", "internal_notes::text"),
            ("sale_order", "signed_by"),
            ("sale_order", "note::text"),
            ("mail_message", "body::text"),
            ("ir_attachment", "encode(db_datas, 'escape')"),
            ("ir_attachment", "index_content"),
        ):
            self.env.cr.execute(
                f"SELECT count(*) FROM {table} WHERE {expr} LIKE %s",  # noqa: S608
                ["%ERASEGAP%"],
            )
            count = self.env.cr.fetchone()[0]
            if count:
                found[f"{table}.{expr}"] = count
        return found
