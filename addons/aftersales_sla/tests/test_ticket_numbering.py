from datetime import datetime

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTicketNumbering(TransactionCase):
    """Ticket numbers come from the ``aftersales.ticket`` sequence as Odoo draws
    them: a sequence with yearly date ranges restarts every year of the reported
    date, and a company's own sequence numbers its tickets apart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["aftersales.ticket"]
        cls.company = cls.env["res.company"].create({"name": "Numbering Lock Co"})
        cls.other_company = cls.env["res.company"].create(
            {"name": "Numbering Heater Co"}
        )
        cls.env.user.company_ids |= cls.company | cls.other_company
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.customer = cls.env["res.partner"].create(
            {"name": "深圳编号客户有限公司", "is_company": True}
        )
        # Two past years: a ticket may be reported in the past, not in the future.
        cls.later_year = fields.Datetime.now().year - 1
        cls.earlier_year = cls.later_year - 1
        # The shared sequence is data (``noupdate``): these tests number their
        # companies with their own sequences, which win over the shared one.
        cls.yearly = cls.env["ir.sequence"].create(
            {
                "name": "Tickets per year",
                "code": "aftersales.ticket",
                "prefix": "TK/%(range_year)s/",
                "padding": 4,
                "use_date_range": True,
                "company_id": cls.company.id,
            }
        )
        cls.plain = cls.env["ir.sequence"].create(
            {
                "name": "Heater tickets",
                "code": "aftersales.ticket",
                "prefix": "HT-",
                "padding": 3,
                "company_id": cls.other_company.id,
            }
        )

    def _ticket_vals(self, company, reported_at, name="门锁无法开启"):
        return {
            "name": name,
            "partner_id": self.customer.id,
            "company_id": company.id,
            "reported_at": reported_at,
            "late_entry_reason": "Reported by phone, entered later",
        }

    def test_yearly_date_ranges_restart_each_year(self):
        in_earlier = datetime(self.earlier_year, 6, 1, 2, 0)
        in_later = datetime(self.later_year, 1, 2, 2, 0)
        tickets = self.Ticket.with_company(self.company).create(
            [
                self._ticket_vals(self.company, in_earlier, "前年一"),
                self._ticket_vals(self.company, in_later, "去年一"),
                self._ticket_vals(self.company, in_earlier, "前年二"),
                self._ticket_vals(self.company, in_later, "去年二"),
            ]
        )
        self.assertEqual(
            tickets.mapped("number"),
            [
                f"TK/{self.earlier_year}/0001",
                f"TK/{self.later_year}/0001",
                f"TK/{self.earlier_year}/0002",
                f"TK/{self.later_year}/0002",
            ],
        )
        # A later batch goes on from where each year stopped.
        later = self.Ticket.with_company(self.company).create(
            self._ticket_vals(self.company, in_earlier, "前年三")
        )
        self.assertEqual(later.number, f"TK/{self.earlier_year}/0003")
        self.assertEqual(
            sorted(self.yearly.date_range_ids.mapped("date_from")),
            [
                fields.Date.to_date(f"{self.earlier_year}-01-01"),
                fields.Date.to_date(f"{self.later_year}-01-01"),
            ],
        )

    def test_range_is_the_reported_day_in_the_company_time_zone(self):
        # 31 December 20:00 UTC is already 1 January 04:00 in Shanghai.
        new_year_eve_utc = datetime(self.earlier_year, 12, 31, 20, 0)
        ticket = self.Ticket.with_company(self.company).create(
            self._ticket_vals(self.company, new_year_eve_utc)
        )
        self.assertEqual(ticket.number, f"TK/{self.later_year}/0001")

    def test_each_company_numbers_with_its_own_sequence(self):
        reported = datetime(self.later_year, 1, 2, 2, 0)
        tickets = self.Ticket.create(
            [
                self._ticket_vals(self.company, reported, "锁一"),
                self._ticket_vals(self.other_company, reported, "热水器一"),
                self._ticket_vals(self.company, reported, "锁二"),
                self._ticket_vals(self.other_company, reported, "热水器二"),
            ]
        )
        self.assertEqual(
            tickets.mapped("number"),
            [
                f"TK/{self.later_year}/0001",
                "HT-001",
                f"TK/{self.later_year}/0002",
                "HT-002",
            ],
        )
        self.assertEqual(
            [ticket.company_id for ticket in tickets],
            [self.company, self.other_company, self.company, self.other_company],
        )

    def test_gapless_sequence_numbers_per_range_too(self):
        self.yearly.implementation = "no_gap"
        in_earlier = datetime(self.earlier_year, 3, 1, 2, 0)
        in_later = datetime(self.later_year, 3, 1, 2, 0)
        tickets = self.Ticket.with_company(self.company).create(
            [
                self._ticket_vals(self.company, in_later, "去年一"),
                self._ticket_vals(self.company, in_earlier, "前年一"),
                self._ticket_vals(self.company, in_later, "去年二"),
            ]
        )
        self.assertEqual(
            tickets.mapped("number"),
            [
                f"TK/{self.later_year}/0001",
                f"TK/{self.earlier_year}/0001",
                f"TK/{self.later_year}/0002",
            ],
        )
