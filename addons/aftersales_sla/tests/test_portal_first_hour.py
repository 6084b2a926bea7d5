"""The portal customer's first hour (issue #12), over HTTP: the ticket's photos,
the service report only when there is one, the dispute form in a dialog."""

import base64
import io
import re
from datetime import date

from PIL import Image

from odoo.tests import HttpCase, new_test_user, tagged

from .test_tours import make_policy


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestPortalFirstHour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.customer = env["res.partner"].create(
            {"name": "杭州智慧社区", "is_company": True}
        )
        cls.other = env["res.partner"].create(
            {"name": "Other Estate", "is_company": True}
        )
        cls.contract = env["aftersales.contract"].create(
            {
                "partner_id": cls.customer.id,
                "title": "智能门锁维保",
                "date_start": date(2026, 1, 1),
                "date_end": date(2027, 12, 31),
                "calendar_id": env.ref("resource.resource_calendar_std").id,
                "sla_policy_id": make_policy(env, "Lock SLA").id,
            }
        )
        cls.contract.action_activate()
        cls.portal_user = new_test_user(
            env,
            "first_portal_li",
            groups="base.group_portal",
            partner_id=env["res.partner"]
            .create({"name": "李女士", "parent_id": cls.customer.id})
            .id,
        )
        cls.other_user = new_test_user(
            env,
            "first_portal_other",
            groups="base.group_portal",
            partner_id=env["res.partner"]
            .create({"name": "Mr Other", "parent_id": cls.other.id})
            .id,
        )

    def csrf(self, url):
        page = self.url_open(url).text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def new_ticket_with_photo(self):
        self.authenticate("first_portal_li", "first_portal_li")
        response = self.url_open(
            "/my/aftersales/tickets/new",
            data={
                "csrf_token": self.csrf("/my/aftersales/tickets/new"),
                "name": "门锁面板破裂",
                "contract_id": str(self.contract.id),
            },
            files=[
                ("attachments", ("panel.jpg", jpeg(), "image/jpeg")),
                ("attachments", ("manual.pdf", b"%PDF-1.4 manual", "application/pdf")),
            ],
        )
        ticket = self.env["aftersales.ticket"].search([("name", "=", "门锁面板破裂")])
        self.assertEqual(len(ticket), 1)
        return ticket, response

    def test_the_customer_sees_her_photos_and_others_cannot_fetch_them(self):
        ticket, response = self.new_ticket_with_photo()
        photo = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "aftersales.ticket"),
                ("res_id", "=", ticket.id),
                ("name", "=", "panel.jpg"),
            ]
        )
        self.assertTrue(photo.access_token)
        page = response.text
        self.assertIn("o_aftersales_photos", page)
        full = f"/web/image/{photo.id}?access_token={photo.access_token}"
        thumbnail = f"/web/image/{photo.id}/160x160?access_token={photo.access_token}"
        self.assertIn(full.replace("&", "&amp;"), page)
        self.assertIn(thumbnail, page)
        # Only images: the PDF is not shown as a photo.
        self.assertNotIn("manual.pdf", page)
        fetched = self.url_open(full)
        self.assertEqual(fetched.status_code, 200)
        self.assertEqual(fetched.headers["Content-Type"], "image/jpeg")
        self.assertEqual(self.url_open(thumbnail).headers["Content-Type"], "image/jpeg")
        # An internal note's image stays internal.
        note = ticket.message_post(
            body="内部照片",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachments=[("internal.jpg", jpeg())],
        )
        page = self.url_open(ticket.get_portal_url()).text
        self.assertNotIn(f"/web/image/{note.attachment_ids.id}", page)
        self.assertIn(thumbnail, page)

        # Another customer: neither the page nor the photo without its token.
        self.authenticate("first_portal_other", "first_portal_other")
        response = self.url_open(f"/my/aftersales/tickets/{ticket.id}")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertNotIn(f"/web/image/{photo.id}", response.text)
        for url in (f"/web/image/{photo.id}", f"/web/image/{photo.id}/160x160"):
            fetched = self.url_open(url)
            self.assertNotEqual(fetched.headers.get("Content-Type"), "image/jpeg", url)
            self.assertNotEqual(fetched.content, base64.b64decode(photo.datas))
        # Logged out, without the token: nothing either.
        self.authenticate(None, None)
        fetched = self.url_open(f"/web/image/{photo.id}")
        self.assertNotEqual(fetched.headers.get("Content-Type"), "image/jpeg")

    def test_the_service_report_is_offered_once_there_is_one(self):
        ticket, response = self.new_ticket_with_photo()
        self.assertNotIn("o_aftersales_report_download", response.text)
        # The direct link on a new ticket: back to its page, which says why.
        response = self.url_open(
            f"/my/aftersales/tickets/{ticket.id}?report_type=pdf&download=true"
        )
        self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")
        self.assertIn(f"/my/aftersales/tickets/{ticket.id}", response.url)
        self.assertIn("o_aftersales_no_report", response.text)
        self.assertIn(
            "The service report is available once the ticket is resolved.",
            response.text,
        )
        # Resolved: the link is there and gives the PDF.
        ticket.action_resolve()
        page = self.url_open(ticket.get_portal_url()).text
        self.assertIn("o_aftersales_report_download", page)
        self.assertNotIn("o_aftersales_no_report", page)
        response = self.url_open(
            f"/my/aftersales/tickets/{ticket.id}?report_type=pdf&download=true"
        )
        self.assertEqual(response.headers["Content-Type"], "application/pdf")

    def test_the_dispute_form_is_a_dialog_with_a_label_and_a_textarea(self):
        manager = new_test_user(
            self.env, "first_pen_mgr", groups="aftersales_sla.group_aftersales_manager"
        )
        penalty = (
            self.env["aftersales.penalty"]
            .with_user(manager)
            ._assess_manual(self.contract, 300, "响应超时")
        )
        self.authenticate("first_portal_li", "first_portal_li")
        page = self.url_open("/my/aftersales/penalties").text
        table = page[page.index("<table") : page.index("</table>")]
        # The row has a button opening the dialog, not the form itself.
        self.assertIn("o_aftersales_dispute_button", table)
        self.assertIn(f"#modal_aftersales_dispute_{penalty.id}", table)
        self.assertNotIn("<form", table)
        self.assertNotIn('name="reason"', table)
        dialog = page[page.index(f'id="modal_aftersales_dispute_{penalty.id}"') :]
        self.assertIn(f'action="/my/aftersales/penalties/{penalty.id}/dispute"', dialog)
        self.assertIn(
            f'<label class="form-label" for="dispute_reason_{penalty.id}"', dialog
        )
        self.assertRegex(dialog, r'<textarea name="reason"[^>]*required')
        self.assertIn("o_aftersales_dispute_submit", dialog)
        # And it still records the dispute.
        response = self.url_open(
            f"/my/aftersales/penalties/{penalty.id}/dispute",
            data={
                "csrf_token": re.search(
                    r'name="csrf_token" value="([^"]+)"', page
                ).group(1),
                "reason": "当天小区停电",
            },
        )
        self.assertIn("Your dispute was recorded", response.text)
        self.assertEqual(penalty.state, "disputed")
        self.assertNotIn(f"modal_aftersales_dispute_{penalty.id}", response.text)
