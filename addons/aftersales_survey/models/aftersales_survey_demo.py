"""Demo history of the satisfaction surveys: two ended half-years of the Shenzhen
smart lock contract, the older one clearly worse than the newer one.

Only called from demo/aftersales_survey_demo.xml. Everything is relative to the
installation day, so the demo can be installed on any day: the tickets, their
milestones and the survey answers all lie inside the two most recent ended
half-years, hence in the past. Deterministic: the timings and answers come from
random generators with fixed seeds (which closed tickets are surveyed depends on
the contract's reproducible sample, i.e. on the ticket ids of the database).
"""

import logging
import random
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, models

from odoo.addons.aftersales_sla.models.aftersales_contract import _AMENDING
from odoo.addons.aftersales_sla.models.aftersales_event_notification import (
    notifications_silenced,
)

from ..tools import evaluation as kpis

_logger = logging.getLogger(__name__)

SEED = "aftersales_survey demo history"
LATE_ENTRY_REASON = "演示历史数据 / Demo history"

#: One profile per half-year, oldest first. Ticket indexes (0-based) of the late
#: responses, late resolutions, reopened tickets, complaints (one with a late
#: feedback) and urgent tickets; ``mood``: the typical satisfaction (0-100) of a
#: customer whose ticket went well; ``answer_rate``: share of the invitations
#: answered.
PROFILES = [
    {
        "tickets": 16,
        "late_response": {1, 5, 9, 12},
        "late_resolution": {3, 9, 13},
        "reopened": {5, 11},
        "complaints": {4, 8, 14},
        "late_feedback": {8},
        "urgent": {0, 7},
        "mood": 76,
        "answer_rate": 0.8,
    },
    {
        "tickets": 18,
        "late_response": set(),
        "late_resolution": {10},
        "reopened": {6},
        "complaints": {9},
        "late_feedback": set(),
        "urgent": {2, 12},
        "mood": 86,
        "answer_rate": 0.9,
    },
]

#: (summary, service type xml id, product xml id, serial number, on site)
SERVICE_CASES = [
    (
        "指纹识别失败 / Fingerprint not recognised",
        "service_type_repair",
        "demo_product_lock_x3",
        "SLX3-2026-0001",
        True,
    ),
    (
        "门锁电池耗电过快 / Lock battery drains too fast",
        "service_type_repair",
        "demo_product_lock_x3",
        "SLX3-2026-0002",
        True,
    ),
    (
        "锁舌回弹不到位 / Latch does not spring back",
        "service_type_repair",
        "demo_product_lock_x3",
        "SLX3-2026-0003",
        True,
    ),
    (
        "人脸识别速度变慢 / Face recognition slow",
        "service_type_technical_support",
        "demo_product_lock_v5",
        "SLV5-2026-0101",
        False,
    ),
    (
        "季度预防性保养 / Quarterly preventive maintenance",
        "service_type_maintenance",
        "demo_product_lock_x3",
        "SLX3-2026-0001",
        True,
    ),
    (
        "密码键盘按键失灵 / Keypad keys not responding",
        "service_type_repair",
        "demo_product_lock_x3",
        "SLX3-2026-0002",
        True,
    ),
    (
        "远程开锁 App 无法连接 / Remote unlocking app cannot connect",
        "service_type_technical_support",
        "demo_product_lock_v5",
        "SLV5-2026-0101",
        False,
    ),
    (
        "门锁把手松动 / Loose lock handle",
        "service_type_repair",
        "demo_product_lock_x3",
        "SLX3-2026-0003",
        True,
    ),
    (
        "新增住户指纹录入 / Enrol fingerprints of new residents",
        "service_type_installation",
        "demo_product_lock_x3",
        "SLX3-2026-0001",
        True,
    ),
    (
        "锁体电机异响 / Lock motor noise",
        "service_type_repair",
        "demo_product_lock_v5",
        "SLV5-2026-0101",
        True,
    ),
]

COMPLAINT_CASES = [
    "投诉：技术员未按约定时间上门 / Complaint: the technician missed the appointment",
    "投诉：同一故障多次维修未好 / Complaint: the same fault repaired several times",
    "投诉：热线长时间无人接听 / Complaint: nobody answered the hotline",
]

GOOD_COMMENTS = [
    "师傅很专业，处理很快。/ Very professional and quick.",
    "准时上门，讲解清楚。/ On time, explained everything clearly.",
    "",
]
BAD_COMMENTS = [
    "等了一整天才有人回复。/ Waited a whole day for an answer.",
    "修好后两天又坏了。/ Broke again two days after the repair.",
    "希望能提前电话告知上门时间。/ Please call before coming.",
]

#: Chinese labels of the KPIs named in the findings.
KPI_LABELS_ZH = {
    "satisfaction_index": "满意度指数",
    "sla_response": "响应达标率",
    "sla_resolution": "修复达标率",
    "first_time_fix_rate": "一次修复率",
    "complaint_count": "投诉数",
    "mean_response_hours": "平均响应时长（小时）",
}

RECOMMENDATIONS_POOR = (
    "1. 夜班增设值班客服，确保报修 12 小时内响应；\n"
    "2. 在深圳仓前置锁体电机等常用备件，缩短修复时间；\n"
    "3. 复发故障由组长复核后再结单，提升一次修复率；\n"
    "4. 每月回访投诉客户，跟踪整改。\n"
    "1. Add a night-shift dispatcher so that every request is answered within "
    "12 hours;\n"
    "2. Stock lock motors and other common spare parts in Shenzhen to shorten "
    "repairs;\n"
    "3. Team leaders review repeat faults before closing them, to raise the "
    "first-time fix rate;\n"
    "4. Call complaining customers back every month and follow up the actions."
)
RECOMMENDATIONS_GOOD = (
    "保持夜班值班和备件前置；继续逐条跟进满意度调查中的低分意见。\n"
    "Keep the night shift and the local spare parts; keep following up every "
    "low survey score."
)


def _hours(rng, low, high):
    """A random duration between ``low`` and ``high`` hours, in whole minutes."""
    return timedelta(minutes=round(rng.uniform(low, high) * 60))


class AftersalesSurveyDemo(models.AbstractModel):
    _name = "aftersales.survey.demo"
    _description = "After-Sales Survey Demo Data"

    # ------------------------------------------------------------------
    # Translations
    # ------------------------------------------------------------------

    @api.model
    def _demo_translate(self, model_name, entries):
        """Set translations of demo records, for the languages installed only
        (Odoo refuses translations of languages that are not installed; a language
        installed later gets its terms from the module's .po files).

        :param entries: list of (record id, field name, {lang: translation}); for
            HTML fields the translation is {source term: translated term}.
        """
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        records = self.env[model_name]
        for res_id, field_name, translations in entries:
            available = {
                lang: value for lang, value in translations.items() if lang in installed
            }
            if available:
                records.browse(res_id).update_field_translations(field_name, available)

    # ------------------------------------------------------------------
    # History
    # ------------------------------------------------------------------

    @api.model
    def _demo_kpi_thresholds(self):
        """The KPI thresholds the Shenzhen smart lock contract was signed with.
        The contract is already in force (activated by aftersales_sla's demo data,
        before this addon existed), so they are written as its original terms,
        which only demo loading does; afterwards they change by amendment."""
        contract = self.env.ref(
            "aftersales_sla.demo_contract_lock_shenzhen", raise_if_not_found=False
        )
        if not contract or contract.kpi_threshold_ids:
            return False
        token = _AMENDING.set(True)
        try:
            contract.write(
                {
                    "kpi_threshold_ids": [
                        Command.create(
                            {"sequence": sequence, "kpi": kpi, "threshold": threshold}
                        )
                        for sequence, kpi, threshold in (
                            (10, "satisfaction_index", 80.0),
                            (20, "sla_response", 95.0),
                            (30, "sla_resolution", 90.0),
                            (40, "first_time_fix_rate", 85.0),
                            (50, "complaint_count", 2.0),
                            (60, "mean_response_hours", 2.0),
                        )
                    ]
                }
            )
        finally:
            _AMENDING.reset(token)
        return True

    @api.model
    def _demo_open_invitation(self):
        """A survey waiting for the portal demo user (李明): the latest closed
        ticket of the Shenzhen contract, before this addon was installed."""
        ticket = self.env.ref(
            "aftersales_sla.demo_ticket_lock_closed", raise_if_not_found=False
        )
        contact = self.env.ref(
            "aftersales_sla.demo_partner_sz_anju_li", raise_if_not_found=False
        )
        if not ticket or not contact or not ticket.contract_id.survey_id:
            return False
        if ticket.survey_input_ids:
            return False
        return self.env["survey.user_input"]._aftersales_invite(
            ticket.contract_id, contact, "manual", ticket=ticket
        )

    @api.model
    def _generate_history(self):
        """Tickets, answered surveys, closed evaluations and scorecards of the
        Shenzhen smart lock contract over the two most recent ended half-years."""
        contract = self.env.ref(
            "aftersales_sla.demo_contract_lock_shenzhen", raise_if_not_found=False
        )
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        if not contract or not admin or not contract.survey_id:
            return False
        today = datetime.now(self._demo_tz(contract)).date()
        current_start = kpis.period_bounds("half_year", today)[0]
        newer = kpis.previous_period("half_year", current_start)
        older = kpis.previous_period("half_year", newer[0])
        periods = [older, newer]
        if contract.evaluation_ids.filtered(
            lambda e: (e.date_from, e.date_to) in periods
        ):
            return False  # generated already
        # As the service manager (the demo administrator): the ticket actions,
        # evaluations and scorecards check his rights like anybody's. Facts of
        # months ago notify nobody today (the survey invitations still go out).
        demo = self.with_user(admin)
        contract = contract.with_env(demo.env)
        with notifications_silenced():
            for index, (start, end) in enumerate(periods):
                tickets = demo._demo_tickets(contract, index, start, end)
                demo._demo_answers(contract, index, tickets)
            evaluations = demo._demo_evaluations(contract, periods)
        Scorecard = demo.env["aftersales.scorecard"]
        for start, _end in periods:
            Scorecard._generate("half_year", start, contract.company_id)
        _logger.info(
            "After-sales survey demo: history of %s, evaluations %s",
            contract.name,
            ", ".join(
                f"{e.period_label} {e.satisfaction_index:.1f} ({e.failed_count} failed)"
                for e in evaluations
            ),
        )
        return True

    @api.model
    def _demo_tz(self, contract):
        try:
            return pytz.timezone(contract.calendar_id.tz or "Asia/Shanghai")
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    @api.model
    def _demo_tickets(self, contract, index, start, end):
        """Create and work through the tickets of one half-year; return them with
        their story ({ticket: flags}) in the order created."""
        profile = PROFILES[index]
        rng = random.Random(f"{SEED}:{index}:tickets")
        tz = self._demo_tz(contract)
        days = (end - start).days + 1
        count = profile["tickets"]
        # Reported between day 3 and day ~160: every milestone, the acceptance and
        # the survey answer still fall inside the half-year (181 days at least).
        span = min(days, 181) - 21

        def utc(day, hours):
            local = tz.localize(datetime.combine(day, time.min))
            local += timedelta(hours=hours)
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        def ref(xmlid):
            return self.env.ref(f"aftersales_sla.{xmlid}")

        Ticket = self.env["aftersales.ticket"]
        partner = ref("demo_partner_sz_anju")
        contact = ref("demo_partner_sz_anju_li")
        technicians = [self.env.ref("base.user_demo"), self.env.ref("base.user_admin")]
        team = ref("demo_team_shenzhen")
        stories = {}
        service_count = complaint_count = 0
        for number in range(count):
            day = start + timedelta(days=3 + round(number * span / count))
            reported = utc(day, round(rng.uniform(8.5, 18.5) * 60) / 60)
            complaint = number in profile["complaints"]
            urgent = number in profile["urgent"]
            vals = {
                "partner_id": partner.id,
                "contact_id": contact.id,
                "contract_id": contract.id,
                "reported_at": reported,
                "late_entry_reason": LATE_ENTRY_REASON,
                "priority": "3" if urgent else rng.choice(["1", "1", "2"]),
                "channel": rng.choice(["phone", "phone", "portal", "email"]),
                "user_id": technicians[number % 2].id,
                "team_id": team.id,
            }
            if complaint:
                vals.update(
                    name=COMPLAINT_CASES[complaint_count % len(COMPLAINT_CASES)],
                    service_type_id=ref("service_type_complaint").id,
                    priority="1",
                )
                complaint_count += 1
                on_site = False
            else:
                name, service_type, product, serial, on_site = SERVICE_CASES[
                    service_count % len(SERVICE_CASES)
                ]
                vals.update(
                    name=name,
                    service_type_id=ref(service_type).id,
                    product_id=ref(product).id,
                    serial_number=serial,
                )
                service_count += 1
            ticket = Ticket.create(vals)
            story = {
                "late_response": number in profile["late_response"],
                "late_resolution": number in profile["late_resolution"],
                "reopened": number in profile["reopened"],
                "complaint": complaint,
            }
            stories[ticket] = story
            if complaint:
                responded = reported + _hours(rng, 2, 10)
                late = number in profile["late_feedback"]
                story["late_resolution"] = late
                resolved = reported + (
                    _hours(rng, 80, 100) if late else _hours(rng, 20, 60)
                )
                ticket.action_acknowledge(when=responded, reason=LATE_ENTRY_REASON)
                ticket.action_resolve(when=resolved, reason=LATE_ENTRY_REASON)
            else:
                # Response: 12 h on the 24x7 calendar; late ones 13-20 h.
                if story["late_response"]:
                    responded = reported + _hours(rng, 13, 20)
                elif index == 0:
                    responded = reported + _hours(rng, 0.5, 3.5)
                else:
                    responded = reported + _hours(rng, 0.2, 2.2)
                ticket.action_acknowledge(
                    when=responded,
                    reason="夜班漏接，早班补回复 / Missed by the night shift"
                    if story["late_response"]
                    else LATE_ENTRY_REASON,
                )
                last = responded
                if on_site or urgent:
                    last = responded + (
                        _hours(rng, 0.5, 1.5) if urgent else _hours(rng, 1, 6)
                    )
                    ticket.action_arrive(when=last, reason=LATE_ENTRY_REASON)
                # Resolution: 48 h on the on-site calendar (14 h a day); in time
                # within 40 wall-clock hours, late after 7 to 9 days.
                if story["late_resolution"]:
                    resolved = reported + _hours(rng, 168, 216)
                else:
                    resolved = max(
                        last + timedelta(hours=1),
                        reported + _hours(rng, 4, 30),
                    )
                ticket.action_resolve(when=resolved, reason=LATE_ENTRY_REASON)
                if story["reopened"]:
                    reopened = resolved + _hours(rng, 20, 40)
                    ticket.action_reopen(
                        reason="客户反馈故障复现 / The fault came back",
                        when=reopened,
                    )
                    resolved = reopened + _hours(rng, 3, 10)
                    ticket.action_resolve(when=resolved, reason=LATE_ENTRY_REASON)
            # Accepted by the customer one to three days later: closing sends the
            # survey to the contract's sample.
            closed = resolved + _hours(rng, 20, 60)
            ticket.action_close(
                when=closed, reason="客户验收 / Accepted by the customer"
            )
        return stories

    @api.model
    def _demo_answers(self, contract, index, stories):
        """Answer most survey invitations of the closed tickets, as the customer
        would have, and date them after the ticket's closing."""
        profile = PROFILES[index]
        # sudo: the demo runs as the administrator: system-owned fields
        survey = contract.survey_id.sudo()
        questions = {
            question.aftersales_indicator_id.code or "comment": question
            for question in survey.question_ids
        }
        for number, (ticket, story) in enumerate(stories.items()):
            # sudo: the demo runs as the administrator: system-owned fields
            inputs = ticket.sudo().survey_input_ids
            if not inputs:
                continue  # not in the contract's sample
            rng = random.Random(f"{SEED}:{index}:{number}:answer")
            sent = ticket.closed_at + timedelta(minutes=5)
            answered = rng.random() < profile["answer_rate"]
            expiry_days = contract.survey_expiry_days or 14
            # Demo history only: the invitations and answers are made now and
            # dated back as the system (these fields are the system's own, read
            # only for users); their ledger events keep the time they were made.
            for user_input in inputs:
                dates = {
                    "aftersales_sent_at": sent,
                    "deadline": sent + timedelta(days=expiry_days),
                }
                if answered:
                    self._demo_fill(user_input, questions, story, profile, rng)
                    user_input._mark_done()
                    end = sent + _hours(rng, 2, 60)
                    dates.update(
                        start_datetime=end - _hours(rng, 0.05, 0.1),
                        end_datetime=end,
                    )
                    # sudo: the demo dates the answers back (the system's own fields)
                    user_input.aftersales_score_ids.sudo().write({"answered_at": end})
                # sudo: the demo dates the answers back (the system's own fields)
                user_input.sudo().write(dates)

    @api.model
    def _demo_fill(self, user_input, questions, story, profile, rng):
        """Save the answers of one response, from the ticket's story."""
        mood = profile["mood"] + rng.uniform(-8, 8)
        if story["complaint"]:
            mood -= 12
        timeliness = mood
        if story["late_response"] or story["late_resolution"]:
            mood -= 4
            timeliness -= 20
        quality = mood
        if story["reopened"]:
            quality -= 20

        def choice(question, score):
            # The suggested answer whose score (0-10) is nearest to score / 10.
            score = max(0.0, min(100.0, score + rng.uniform(-10, 10)))
            answer = min(
                question.suggested_answer_ids,
                key=lambda a: abs(a.answer_score * 10 - score),
            )
            return answer.id

        def scale(score):
            # As text: Odoo takes a bare 0 for a skipped answer.
            return str(max(0, min(10, round((score + rng.uniform(-8, 8)) / 10))))

        answers = {
            "attitude": choice(questions["attitude"], mood + 5),
            "timeliness": choice(questions["timeliness"], timeliness),
            "quality": choice(questions["quality"], quality),
            "skill": scale(mood + 3),
            "overall": scale(mood),
        }
        for code, answer in answers.items():
            if code in questions:
                user_input._save_lines(questions[code], answer)
        if "comment" in questions:
            comments = BAD_COMMENTS if mood < 70 else GOOD_COMMENTS
            comment = rng.choice(comments)
            if comment:
                user_input._save_lines(questions["comment"], comment)

    @api.model
    def _demo_evaluations(self, contract, periods):
        """Evaluate the half-years oldest first (each compares itself with the one
        before), write the findings and close them: their snapshots enter the
        ledger and the KPI clauses apply."""
        Evaluation = self.env["aftersales.evaluation"]
        evaluations = Evaluation.browse()
        for start, end in periods:
            evaluation = Evaluation.create(
                {
                    "contract_id": contract.id,
                    "period_type": "half_year",
                    "date_from": start,
                    "date_to": end,
                }
            )
            evaluation.action_compute()
            evaluation.write(
                {
                    "findings": self._demo_findings(evaluation),
                    "recommendations": RECOMMENDATIONS_POOR
                    if evaluation.failed_count
                    else RECOMMENDATIONS_GOOD,
                }
            )
            evaluation.action_close()
            evaluations |= evaluation
        return evaluations

    @api.model
    def _demo_findings(self, evaluation):
        """Findings in Chinese and English, from the figures."""
        lines = {line.kpi: line for line in evaluation.kpi_line_ids}
        zh, en, failed_zh, failed_en = [], [], [], []
        labels = dict(
            self.env["aftersales.kpi.line"]
            ._fields["kpi"]
            ._description_selection(self.env)
        )
        for code, label_zh in KPI_LABELS_ZH.items():
            line = lines.get(code)
            if not line or not line.has_value:
                continue
            zh.append(f"{label_zh} {line.display_value}")
            en.append(f"{labels[code]} {line.display_value}")
            if line.result == "fail":
                failed_zh.append(label_zh)
                failed_en.append(labels[code])
        text_zh = f"{evaluation.period_label}：" + "；".join(zh) + "。"
        text_en = f"{evaluation.period_label}: " + "; ".join(en) + "."
        if failed_zh:
            text_zh += f"未达标 {len(failed_zh)} 项：" + "、".join(failed_zh) + "。"
            text_en += (
                f" {len(failed_en)} under threshold: " + ", ".join(failed_en) + "."
            )
        else:
            text_zh += "全部 KPI 达标。"
            text_en += " Every KPI met its threshold."
        index = lines.get("satisfaction_index")
        if index and index.has_value and index.has_previous:
            text_zh += (
                f"满意度较上期 {index.display_previous} 变为 {index.display_value}。"
            )
            text_en += (
                f" Satisfaction moved from {index.display_previous} to "
                f"{index.display_value} since the previous half-year."
            )
        return f"{text_zh}\n{text_en}"
