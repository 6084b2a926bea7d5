"""Fixtures of the monthly service report tests: a customer contract with caps,
two contacts (English, Chinese), tickets and a penalty in November 2026."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import new_test_user

from .common import TicketCase, shanghai


class ServiceReportCase(TicketCase):
    """A contract of 深圳华侨城物业 with a 10 % term cap; in November 2026 one
    repair answered and resolved on time, one whose response was breached, a
    manual penalty of 500; one ticket of October still open."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.Report = cls.env["aftersales.service.report"]
        cls.manager = new_test_user(
            cls.env, "sr_manager", groups="aftersales_sla.group_aftersales_manager"
        )
        cls.technician = new_test_user(
            cls.env, "sr_tech", groups="aftersales_sla.group_aftersales_user"
        )
        cls.accountant = new_test_user(
            cls.env, "sr_accountant", groups="account.group_account_invoice"
        )
        cls.repair = cls.env["aftersales.service.type"].create(
            {"name": "On-site repair (report test)", "code": "sr_test_repair"}
        )
        cls.estate = cls.env["res.partner"].create(
            {"name": "深圳华侨城物业服务有限公司", "is_company": True}
        )
        cls.contact_en = cls.env["res.partner"].create(
            {
                "name": "Jenny Lau",
                "parent_id": cls.estate.id,
                "email": "jenny.lau@octestate.example.com",
                "lang": "en_US",
            }
        )
        cls.contact_zh = cls.env["res.partner"].create(
            {
                "name": "陈静",
                "parent_id": cls.estate.id,
                "email": "chen.jing@octestate.example.com",
                "lang": "zh_CN",
            }
        )
        cls.estate_contract = cls.env["aftersales.contract"].create(
            {
                "partner_id": cls.estate.id,
                "title": "华侨城智能门锁维保 2026",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 100000,
                "penalty_cap_percent": 10,
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
                "service_report_partner_ids": [
                    (6, 0, (cls.contact_en | cls.contact_zh).ids)
                ],
            }
        )
        cls.estate_contract.action_activate()
        Ticket = cls.env["aftersales.ticket"]

        def ticket(when, name):
            with freeze_time(when):
                return Ticket.create(
                    {
                        "name": name,
                        "partner_id": cls.estate.id,
                        "contract_id": cls.estate_contract.id,
                        "service_type_id": cls.repair.id,
                        "reported_at": when,
                    }
                )

        cls.october = ticket(shanghai(2026, 10, 28, 10, 0), "10月报修: 门禁")
        cls.on_time = ticket(shanghai(2026, 11, 20, 9, 0), "3栋门锁无法开启")
        with freeze_time(shanghai(2026, 11, 20, 10, 0)):
            cls.on_time.action_acknowledge()
        with freeze_time(shanghai(2026, 11, 21, 10, 0)):
            cls.on_time.action_resolve()
        cls.late = ticket(shanghai(2026, 11, 20, 21, 0), "5栋指纹识别失败")
        with freeze_time(shanghai(2026, 11, 23, 9, 0)):
            cls.env["aftersales.ticket.sla"]._cron_sla_watch()
        with freeze_time(shanghai(2026, 11, 25, 10, 0)):
            cls.penalty = (
                cls.env["aftersales.penalty"]
                .with_user(cls.manager)
                ._assess_manual(cls.estate_contract, 500, "响应超时")
            )
