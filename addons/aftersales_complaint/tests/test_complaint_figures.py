"""Complaint figures on the constructed March of the complaint KPI tests: the
complaint analysis (per category, technician, month; on-time rate, rejections) and
its record rules, the complaints against a technician or team on their scorecards,
and the complaints against a service partner in its contract's evaluation."""

from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.aftersales_sla.tests.common import call_kw, shanghai
from odoo.addons.aftersales_survey.tests.test_complaint_kpis import (
    ComplaintKpiCase,
    at,
)

MARCH = [
    ("reported_at", ">=", shanghai(2026, 3, 1, 0, 0)),
    ("reported_at", "<", shanghai(2026, 4, 1, 0, 0)),
]


class ComplaintFiguresCase(ComplaintKpiCase):
    """The complaint KPI case's tickets, with what each complaint is about:

    ======  ==================  ===========================================  ======
    ticket  category            against                                      clock
    ======  ==================  ===========================================  ======
    S1, S2  (service)           handled by Wang, team Shenzhen
    S3, S4  (service)           served by the Shunde partner
    S5      (service)           handled by Li
    C1      service attitude    technician Wang (WeChat)                     met
    C2      missed appointment  ticket S3 (served by Shunde)                 late
    C3      service attitude    technician Li; rejected once, handled by Li  met
    C4      charges             partner Shunde, ticket S1 (Wang's)           open
    CF      product quality     technician Wang (February)                   met
    CX      service attitude    technician Wang, in another company          none
    ======  ==================  ===========================================  ======
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wang = new_test_user(
            cls.env, "figures_wang", groups="aftersales_sla.group_aftersales_user"
        )
        cls.li = new_test_user(
            cls.env, "figures_li", groups="aftersales_sla.group_aftersales_user"
        )
        cls.team = cls.env["aftersales.team"].create(
            {
                "name": "深圳门锁服务组 / Shenzhen lock team",
                "member_ids": [(6, 0, (cls.wang | cls.li).ids)],
            }
        )
        cls.shunde = cls.env["res.partner"].create(
            {"name": "顺德安装服务有限公司", "is_company": True}
        )
        cls.partner_contract = cls.env["aftersales.contract"].create(
            {
                "contract_type": "partner",
                "partner_id": cls.shunde.id,
                "parent_id": cls.evaluated.id,
                "title": "Shunde back-to-back service 2026",
                "date_start": date(2026, 1, 1),
                "date_end": date(2026, 12, 31),
                "amount_value": 36500,
                "calendar_id": cls.calendar.id,
                "sla_policy_id": cls.policy.id,
                "kpi_manager_id": cls.kpi_manager.id,
                "kpi_threshold_ids": [
                    (0, 0, {"kpi": "complaint_count", "threshold": 1}),
                ],
            }
        )
        cls.partner_contract.action_activate()
        s1, s2, s3, s4, s5 = cls.service_tickets
        (s1 | s2).write({"user_id": cls.wang.id, "team_id": cls.team.id})
        (s3 | s4).write({"service_partner_id": cls.shunde.id})
        s5.user_id = cls.li
        category = {
            code: cls.env.ref(f"aftersales_complaint.complaint_category_{code}")
            for code in (
                "service_attitude",
                "missed_appointment",
                "charges",
                "product_quality",
            )
        }
        cls.category = category
        cls.set_complaint(
            cls.c1,
            complaint_category_id=category["service_attitude"].id,
            complaint_user_id=cls.wang.id,
            channel="wechat",
        )
        cls.set_complaint(
            cls.c2,
            complaint_category_id=category["missed_appointment"].id,
            complaint_ticket_id=s3.id,
        )
        cls.set_complaint(
            cls.c3,
            complaint_category_id=category["service_attitude"].id,
            complaint_user_id=cls.li.id,
            user_id=cls.li.id,
        )
        cls.set_complaint(
            cls.c4,
            complaint_category_id=category["charges"].id,
            complaint_partner_id=cls.shunde.id,
            complaint_ticket_id=s1.id,
        )
        cls.set_complaint(
            cls.february,
            complaint_category_id=category["product_quality"].id,
            complaint_user_id=cls.wang.id,
        )
        # Its desk has switched the default complaint deadlines off: with no
        # contract either, its complaint has no clock at all.
        cls.other_company = cls.env["res.company"].create(
            {
                "name": "热水器制造有限公司",
                "aftersales_complaint_response_hours": 0,
                "aftersales_complaint_feedback_hours": 0,
            }
        )
        heater_customer = cls.env["res.partner"].create(
            {
                "name": "广州热水器用户",
                "is_company": True,
                "company_id": cls.other_company.id,
            }
        )
        with at(2026, 3, 20, 9, 0):
            cls.elsewhere = cls.Ticket.with_company(cls.other_company).create(
                {
                    "name": "投诉：服务态度差",
                    "partner_id": heater_customer.id,
                    "company_id": cls.other_company.id,
                    "service_type_id": cls.complaint_type.id,
                    "reported_at": shanghai(2026, 3, 20, 9, 0),
                }
            )
        cls.set_complaint(
            cls.elsewhere,
            complaint_category_id=category["service_attitude"].id,
            complaint_user_id=cls.wang.id,
        )
        cls.complaints = (
            cls.c1 | cls.c2 | cls.c3 | cls.c4 | cls.february | cls.elsewhere
        )
        cls.Report = cls.env["aftersales.complaint.report"]


@tagged("post_install", "-at_install")
class TestComplaintAnalysis(ComplaintFiguresCase):
    def analysis(self, groupby, domain=None, user=None, companies=None):
        Report = self.Report.with_user(user or self.kpi_manager)
        if companies:
            Report = Report.with_context(allowed_company_ids=companies.ids)
        # This case's complaints only (the database may hold others).
        domain = [("ticket_id", "in", self.complaints.ids)] + (domain or [])
        return {
            # An average of no value comes as False: no rate, not 0 %.
            key: (count, None if rate is False else rate, rejections, late)
            for key, count, rate, rejections, late in Report._read_group(
                domain,
                [groupby],
                [
                    "complaint_total:sum",
                    "on_time_rate:avg",
                    "rejection_count:sum",
                    "late_count:sum",
                ],
            )
        }

    def test_per_category_in_march(self):
        figures = self.analysis("category_id", MARCH)
        self.assertEqual(
            figures,
            {
                # C1 and C3, both on time; C3 rejected once.
                self.category["service_attitude"]: (2, 100.0, 1, 0),
                # C2, breached.
                self.category["missed_appointment"]: (1, 0.0, 0, 1),
                # C4, still within its deadline: no rate.
                self.category["charges"]: (1, None, 0, 0),
            },
        )

    def test_per_complained_technician_and_month(self):
        by_user = self.analysis("complaint_user_id", MARCH)
        self.assertEqual(by_user[self.wang][0], 1)
        self.assertEqual(by_user[self.li][0], 1)
        by_month = self.analysis("reported_at:month")
        self.assertEqual(
            {month.month: figures[0] for month, figures in by_month.items()},
            {2: 1, 3: 4},
        )
        total = self.Report.with_user(self.kpi_manager)._read_group(
            MARCH + [("ticket_id", "in", self.complaints.ids)],
            [],
            ["complaint_total:sum", "on_time_rate:avg", "on_time_count:sum"],
        )
        # Resolved on time: C1 and C3 of C1, C2 and C3 (C4 is not decided).
        self.assertEqual(total[0][0], 4)
        self.assertAlmostEqual(total[0][1], 66.67, places=2)
        self.assertEqual(total[0][2], 2)

    def test_rows_say_what_the_complaint_is_about(self):
        row = self.Report.search([("ticket_id", "=", self.c1.id)])
        self.assertEqual(row.channel, "wechat")
        self.assertEqual(row.feedback_state, "on_time")
        self.assertEqual(row.contract_id, self.evaluated)
        row = self.Report.search([("ticket_id", "=", self.c4.id)])
        self.assertEqual(row.feedback_state, "pending")
        self.assertEqual(row.complaint_partner_id, self.shunde)
        row = self.Report.search([("ticket_id", "=", self.elsewhere.id)])
        self.assertEqual(row.company_id, self.other_company)
        # No contract there, no clock: no deadline to be on time for.
        self.assertEqual(row.feedback_state, "none")
        # Service tickets are not complaints.
        self.assertFalse(
            self.Report.search([("ticket_id", "in", self.service_tickets.ids)])
        )

    def test_another_companys_complaints_stay_there(self):
        # The manager works in the first company only.
        mine = self.analysis("complaint_user_id", MARCH)
        self.assertEqual(mine[self.wang][0], 1)
        both = self.env.company | self.other_company
        self.kpi_manager.company_ids = both
        theirs = self.analysis("complaint_user_id", MARCH, companies=self.other_company)
        self.assertEqual(theirs, {self.wang: (1, None, 0, 0)})
        all_of_them = self.analysis("complaint_user_id", MARCH, companies=both)
        self.assertEqual(all_of_them[self.wang][0], 2)

    def test_technicians_see_the_complaints_they_handle(self):
        mine = [("ticket_id", "in", self.complaints.ids)]
        rows = self.Report.with_user(self.li).search(mine)
        self.assertEqual(rows.ticket_id, self.c3)
        self.assertFalse(self.Report.with_user(self.wang).search(mine))

    def test_nobody_writes_the_figures(self):
        row = self.Report.search([("ticket_id", "=", self.c1.id)])
        for user in (self.kpi_manager, self.li):
            with self.assertRaises(AccessError):
                row.with_user(user).write({"complaint_total": 0})
            with self.assertRaises(AccessError):
                row.with_user(user).unlink()


@tagged("post_install", "-at_install")
class TestComplaintScorecards(ComplaintFiguresCase):
    def test_complaints_against_technicians_and_teams(self):
        cards = (
            self.env["aftersales.scorecard"]
            .with_user(self.kpi_manager)
            ._generate("month", date(2026, 3, 15))
        )
        against = {card.user_id or card.team_id: card.complaint_count for card in cards}
        # Wang: C1 names him, C4 is about his ticket S1; not CF (February), not
        # CX (another company).
        self.assertEqual(against[self.wang], 2)
        self.assertEqual(against[self.li], 1)  # C3
        # The team: C1 and C3 name its members, C4 is about its ticket S1.
        self.assertEqual(against[self.team], 3)
        line = cards.filtered(lambda card: card.user_id == self.wang).kpi_line_ids
        line = line.filtered(lambda kpi: kpi.kpi == "complaint_count")
        self.assertEqual(line.value, 2)
        self.assertEqual(line.result, "na")  # scorecards have no thresholds
        # The figure is the ledger's, not the manager's to correct.
        card = cards.filtered(lambda card: card.user_id == self.wang)
        with self.assertRaises(AccessError):
            card.with_user(self.kpi_manager).write({"complaint_count": 0})


@tagged("post_install", "-at_install")
class TestPartnerComplaintFigures(ComplaintFiguresCase):
    def test_complaints_against_the_partner(self):
        evaluation = self.evaluate(3, self.partner_contract)
        figures = self.figures(evaluation)
        # C2 is about S3, which Shunde served; C4 names Shunde.
        self.assertEqual(figures["complaint_count"], 2)
        # 2 complaints per the 2 service tickets Shunde served (S3, S4).
        self.assertEqual(figures["complaint_rate"], 100.0)
        # Resolved in March: C2, late (C4 is still open).
        self.assertEqual(figures["complaint_timeliness"], 0.0)
        results = {line.kpi: line.result for line in evaluation.kpi_line_ids}
        self.assertEqual(results["complaint_count"], "fail")
        # The customer contract still counts all its complaints.
        self.assertEqual(self.figures(self.evaluate(3))["complaint_count"], 4)


@tagged("post_install", "-at_install")
class TestComplaintsOnTheEvaluationReport(ComplaintFiguresCase):
    def test_complaints_by_category(self):
        evaluation = self.evaluate(3)
        groups = [
            (g["category"], g["count"], g["on_time"], g["late"], g["rejected"])
            for g in evaluation._report_complaint_categories()
        ]
        self.assertEqual(
            groups,
            [
                (self.category["service_attitude"], 2, 2, 0, 1),
                (self.category["charges"], 1, 0, 0, 0),
                (self.category["missed_appointment"], 1, 0, 1, 0),
            ],
        )
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales_survey.action_report_aftersales_evaluation", evaluation.ids
        )
        html = html.decode()
        self.assertIn("Complaints by category", html)
        self.assertIn("o_aftersales_complaint_categories", html)
        for category in self.category.values():
            if category == self.category["product_quality"]:
                # February's complaint is not March's.
                self.assertNotIn(category.name, html)
            else:
                self.assertIn(category.name, html)
        # The partner's evaluation shows the complaints against the partner.
        partner = self.evaluate(3, self.partner_contract)
        self.assertEqual(
            [
                (g["category"], g["count"])
                for g in partner._report_complaint_categories()
            ],
            [(self.category["charges"], 1), (self.category["missed_appointment"], 1)],
        )


@tagged("post_install", "-at_install")
class TestComplaintFiguresOverRpc(ComplaintFiguresCase, HttpCase):
    def test_technician_reads_only_the_complaints_handled_and_writes_none(self):
        self.authenticate(self.li.login, self.li.login)
        mine = [["ticket_id", "in", self.complaints.ids]]
        rows = call_kw(
            self,
            "aftersales.complaint.report",
            "search_read",
            [mine],
            {"fields": ["ticket_id"]},
        )["result"]
        self.assertEqual([row["ticket_id"][0] for row in rows], self.c3.ids)
        row = self.Report.search([("ticket_id", "=", self.c3.id)])
        with mute_logger("odoo.http"):
            answer = call_kw(
                self,
                "aftersales.complaint.report",
                "write",
                [row.ids, {"complaint_total": 0}],
            )
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        answer = call_kw(
            self,
            "aftersales.complaint.report",
            "read_group",
            [mine, ["complaint_total:sum"], ["category_id"]],
        )
        self.assertEqual([group["complaint_total"] for group in answer["result"]], [1])
