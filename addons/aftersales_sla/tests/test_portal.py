"""The customer portal over HTTP: contracts, tickets with SLA deadlines, submission."""

import re
from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        calendar = cls.env["resource.calendar"].create(
            {
                "name": "7x14",
                "tz": "Asia/Shanghai",
                "attendance_ids": [(5, 0, 0)]
                + [
                    (
                        0,
                        0,
                        {
                            "name": str(d),
                            "dayofweek": str(d),
                            "hour_from": 8,
                            "hour_to": 22,
                        },
                    )
                    for d in range(7)
                ],
            }
        )
        policy = cls.env["aftersales.sla.policy"].create(
            {
                "name": "Portal SLA",
                "target_ids": [
                    (0, 0, {"metric": "response", "priority": "1", "target_hours": 12}),
                    (
                        0,
                        0,
                        {
                            "metric": "resolution",
                            "priority": "1",
                            "target_hours": 48,
                            "calendar_id": calendar.id,
                        },
                    ),
                ],
            }
        )

        def contract(partner, title):
            record = cls.env["aftersales.contract"].create(
                {
                    "partner_id": partner.id,
                    "title": title,
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2027, 12, 31),
                    "calendar_id": calendar.id,
                    "sla_policy_id": policy.id,
                }
            )
            record.action_activate()
            return record

        cls.customer = cls.env["res.partner"].create(
            {"name": "杭州智慧社区", "is_company": True}
        )
        cls.other = cls.env["res.partner"].create(
            {"name": "Other Estate", "is_company": True}
        )
        cls.contract = contract(cls.customer, "智能门锁维保")
        cls.other_contract = contract(cls.other, "Other lock care")
        contact = cls.env["res.partner"].create(
            {"name": "李女士", "parent_id": cls.customer.id, "email": "li@example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env, "portal_li", groups="base.group_portal", partner_id=contact.id
        )
        cls.foreign_ticket = cls.env["aftersales.ticket"].create(
            {"name": "Other's ticket", "partner_id": cls.other.id}
        )

    def csrf(self, url):
        page = self.url_open(url).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def test_customer_submits_a_ticket_with_attachment(self):
        self.authenticate("portal_li", "portal_li")
        home = self.url_open("/my/aftersales/contracts").text
        self.assertIn("智能门锁维保", home)
        self.assertNotIn("Other lock care", home)
        page = self.url_open(self.contract.get_portal_url()).text
        self.assertIn("Service levels", page)
        self.assertIn("Portal SLA", page)
        self.assertIn("7x14", page)

        token = self.csrf("/my/aftersales/tickets/new")
        response = self.url_open(
            "/my/aftersales/tickets/new",
            data={
                "csrf_token": token,
                "name": "单元门锁无法识别指纹",
                "contract_id": str(self.contract.id),
                "serial_number": "SL-2026-000123",
                "description": "3号楼1单元",
            },
            files={
                "attachments": ("lock.jpg", b"\xff\xd8\xff fake jpeg", "image/jpeg")
            },
        )
        self.assertEqual(response.status_code, 200)
        ticket = self.env["aftersales.ticket"].search(
            [("name", "=", "单元门锁无法识别指纹")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertTrue(response.url.endswith(f"/my/aftersales/tickets/{ticket.id}"))
        self.assertEqual(ticket.contract_id, self.contract)
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(
            sorted(ticket.sla_ids.mapped("metric")), ["resolution", "response"]
        )
        self.assertEqual(ticket.event_ids.mapped("event_type"), ["ticket.reported"])
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "aftersales.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(attachment.name, "lock.jpg")
        # The ticket page shows its SLA deadlines.
        page = response.text
        self.assertIn(ticket.number, page)
        self.assertIn("Service levels", page)
        listing = self.url_open("/my/aftersales/tickets").text
        self.assertIn(ticket.number, listing)
        self.assertNotIn(self.foreign_ticket.number, listing)

    def test_the_open_list_keeps_resolved_tickets_and_all_adds_closed_ones(self):
        Ticket = self.env["aftersales.ticket"]
        running, resolved, closed = Ticket.create(
            [{"name": f"Lock {n}", "partner_id": self.customer.id} for n in range(3)]
        )
        resolved.action_resolve()
        closed.action_resolve()
        closed.action_close()
        self.assertEqual(
            (running + resolved + closed).mapped("state"),
            ["open", "resolved", "closed"],
        )
        self.authenticate("portal_li", "portal_li")
        listing = self.url_open("/my/aftersales/tickets").text
        self.assertIn(running.number, listing)
        self.assertIn(resolved.number, listing)
        self.assertNotIn(closed.number, listing)
        everything = self.url_open("/my/aftersales/tickets?filterby=all").text
        for ticket in (running, resolved, closed):
            self.assertIn(ticket.number, everything)
        self.assertNotIn(self.foreign_ticket.number, everything)

    def test_another_customers_contract_and_ticket_are_refused(self):
        self.authenticate("portal_li", "portal_li")
        count = self.env["aftersales.ticket"].search_count([])
        token = self.csrf("/my/aftersales/tickets/new")
        response = self.url_open(
            "/my/aftersales/tickets/new",
            data={
                "csrf_token": token,
                "name": "Sneaky",
                "contract_id": str(self.other_contract.id),
            },
        )
        self.assertIn("That contract is not one of yours.", response.text)
        self.assertEqual(self.env["aftersales.ticket"].search_count([]), count)
        response = self.url_open(f"/my/aftersales/tickets/{self.foreign_ticket.id}")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertNotIn("Other's ticket", response.text)

    def test_customer_disputes_a_penalty_with_evidence(self):
        manager = new_test_user(
            self.env, "portal_pen_mgr", groups="aftersales_sla.group_aftersales_manager"
        )
        Penalty = self.env["aftersales.penalty"].with_user(manager)
        mine = Penalty._assess_manual(self.contract, 300, "响应超时")
        theirs = Penalty._assess_manual(self.other_contract, 200, "Late")
        self.authenticate("portal_li", "portal_li")
        page = self.url_open("/my/aftersales/penalties").text
        self.assertIn(mine.name, page)
        self.assertNotIn(theirs.name, page)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            f"/my/aftersales/penalties/{mine.id}/dispute",
            data={"csrf_token": token, "reason": "当天小区停电, 非服务方原因"},
            files={
                "attachments": ("power-cut.pdf", b"%PDF-1.4 notice", "application/pdf")
            },
        )
        self.assertIn("Your dispute was recorded", response.text)
        self.assertEqual(mine.state, "disputed")
        self.assertEqual(mine.dispute_reason, "当天小区停电, 非服务方原因")
        event = self.env["aftersales.event"].search(
            [("res_model", "=", "aftersales.penalty"), ("res_id", "=", mine.id)],
            order="id desc",
            limit=1,
        )
        self.assertEqual(event.event_type, "penalty.disputed")
        self.assertEqual(event.author_id, self.portal_user)
        evidence = self.env["ir.attachment"].search(
            [("res_model", "=", "aftersales.penalty"), ("res_id", "=", mine.id)]
        )
        self.assertEqual(evidence.name, "power-cut.pdf")
        # Someone else's penalty: refused, nothing changes.
        self.url_open(
            f"/my/aftersales/penalties/{theirs.id}/dispute",
            data={"csrf_token": token, "reason": "not mine"},
        )
        self.assertEqual(theirs.state, "assessed")

    # ------------------------------------------------------------------
    # Upload limits and the penalties page's messages (issue #11, point 8)
    # ------------------------------------------------------------------

    def post_ticket(self, files):
        token = self.csrf("/my/aftersales/tickets/new")
        return self.url_open(
            "/my/aftersales/tickets/new",
            data={
                "csrf_token": token,
                "name": "照片太大",
                "contract_id": str(self.contract.id),
            },
            files=files,
        )

    def test_a_file_over_10_mb_is_refused_and_nothing_created(self):
        self.authenticate("portal_li", "portal_li")
        count = self.env["aftersales.ticket"].search_count([])
        big = b"\xff" * (10 * 1024 * 1024 + 1)
        response = self.post_ticket([("attachments", ("big.jpg", big, "image/jpeg"))])
        self.assertIn("big.jpg is larger than 10 MB.", response.text)
        self.assertEqual(self.env["aftersales.ticket"].search_count([]), count)

    def test_a_ticket_takes_at_most_25_mb_of_files(self):
        """Six 9 MB photos on one ticket were accepted; the total is now capped,
        and the request is refused from its announced length, before reading."""
        self.authenticate("portal_li", "portal_li")
        count = self.env["aftersales.ticket"].search_count([])
        attachments = self.env["ir.attachment"].search_count([])
        photo = b"\xff" * (9 * 1024 * 1024)
        response = self.post_ticket(
            [("attachments", (f"p{n}.jpg", photo, "image/jpeg")) for n in range(3)]
        )
        self.assertIn("at most 10 MB each and 25 MB in all", response.text)
        self.assertEqual(self.env["aftersales.ticket"].search_count([]), count)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
        # Two fit.
        response = self.post_ticket(
            [("attachments", (f"p{n}.jpg", photo, "image/jpeg")) for n in range(2)]
        )
        self.assertEqual(self.env["aftersales.ticket"].search_count([]), count + 1)

    def test_chatter_uploads_keep_the_limit(self):
        ticket = self.env["aftersales.ticket"].create(
            {"name": "Chatter", "partner_id": self.customer.id}
        )
        self.authenticate("portal_li", "portal_li")
        token = self.csrf("/my/aftersales/tickets/new")
        big = b"\xff" * (10 * 1024 * 1024 + 1)
        response = self.url_open(
            "/mail/attachment/upload",
            data={
                "csrf_token": token,
                "thread_id": str(ticket.id),
                "thread_model": "aftersales.ticket",
            },
            files={"ufile": ("big.jpg", big, "image/jpeg")},
        )
        self.assertEqual(response.status_code, 413)
        self.assertIn("larger than 10 MB", response.json()["error"])
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", ticket._name), ("res_id", "=", ticket.id)]
            )
        )

    def test_the_penalties_page_never_echoes_its_url(self):
        self.authenticate("portal_li", "portal_li")
        response = self.url_open(
            "/my/aftersales/penalties?error=Call+0800-FAKE+to+pay+now"
        )
        self.assertNotIn("0800-FAKE", response.text)
        self.assertNotIn("0800-FAKE", response.url)
        page = self.url_open("/my/aftersales/penalties?error=reason").text
        self.assertIn("Say why you dispute this penalty.", page)
