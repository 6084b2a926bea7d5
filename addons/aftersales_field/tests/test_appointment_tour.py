"""Browser tour of issue #14 item 1, in English and in Chinese: the dispatcher
(an After-Sales manager) books tomorrow 10:00 for a technician from the ticket,
then finds the visit in Dispatch (static/tests/tours/aftersales_appointment_tour.js).
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo.tests import HttpCase, new_test_user, tagged

#: The tour's data (see the constants of aftersales_appointment_tour.js).
TECHNICIAN = "Tour 张师傅"
SUBJECT = "Tour 热水器预约上门"
TZ = "Asia/Shanghai"


@tagged("post_install", "-at_install")
class TestAppointmentTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.dispatcher = new_test_user(
            env,
            "tour_appt_dispatcher",
            name="Tour 调度员",
            groups="aftersales_sla.group_aftersales_manager",
            tz=TZ,
        )
        cls.technician = new_test_user(
            env,
            "tour_appt_tech",
            name=TECHNICIAN,
            groups="aftersales_sla.group_aftersales_user",
            tz=TZ,
        )
        customer = env["res.partner"].create(
            {
                "name": "Tour 广州客户",
                "city": "广州市",
                "state_id": env.ref("base.state_cn_GD").id,
                "country_id": env.ref("base.cn").id,
            }
        )
        cls.ticket = env["aftersales.ticket"].create(
            {"name": SUBJECT, "partner_id": customer.id}
        )

    def book_and_dispatch(self, lang):
        self.env.ref("base.lang_zh_CN").active = True
        self.dispatcher.lang = lang
        self.start_tour(
            f"/odoo/action-aftersales_sla.aftersales_ticket_action/{self.ticket.id}",
            "aftersales_appointment_book",
            login="tour_appt_dispatcher",
        )
        appointment = self.ticket.appointment_id
        self.assertEqual(appointment.user_id, self.technician)
        self.assertEqual(appointment.state, "planned")
        # The web client enters times in the browser's time zone (the machine's).
        local = datetime.now().astimezone()
        start = (
            datetime.combine(
                local.date() + timedelta(days=1), time(10, 0), tzinfo=local.tzinfo
            )
            .astimezone(ZoneInfo("UTC"))
            .replace(tzinfo=None)
        )
        self.assertEqual(appointment.slot_start, start)
        self.assertEqual(appointment.slot_end, start + timedelta(hours=2))
        self.assertEqual(appointment.calendar_event_id.user_id, self.technician)
        self.start_tour(
            "/odoo/action-aftersales_field.aftersales_appointment_action",
            "aftersales_appointment_dispatch",
            login="tour_appt_dispatcher",
        )

    def test_dispatcher_books_a_slot_en(self):
        self.book_and_dispatch("en_US")

    def test_dispatcher_books_a_slot_zh(self):
        self.book_and_dispatch("zh_CN")
