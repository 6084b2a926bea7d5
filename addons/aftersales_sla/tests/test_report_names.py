from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval, time


@tagged("post_install", "-at_install")
class TestReportNames(TransactionCase):
    """Printed files are named by the records' ``_get_report_base_filename``
    through their report's ``print_report_name``, as Odoo's download names them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customer = cls.env["res.partner"].create(
            {"name": "深圳文件名客户有限公司", "is_company": True}
        )
        today = fields.Date.today()
        cls.contract = cls.env["aftersales.contract"].create(
            {
                "title": "Door locks",
                "partner_id": customer.id,
                "amount_value": 100.0,
                "date_start": today,
                "date_end": today + timedelta(days=364),
            }
        )

    def printed_name(self, xmlid, record):
        report = self.env.ref(xmlid)
        return safe_eval(report.print_report_name, {"object": record, "time": time})

    def test_contract_and_sla_statement_names(self):
        self.assertEqual(
            self.printed_name(
                "aftersales_sla.action_report_aftersales_contract", self.contract
            ),
            f"Contract - {self.contract.name}",
        )
        self.assertEqual(
            self.printed_name(
                "aftersales_sla.action_report_sla_statement", self.contract
            ),
            f"SLA statement - {self.contract.name}",
        )
        self.assertEqual(
            self.contract._get_report_base_filename(),
            f"Contract - {self.contract.name}",
        )
