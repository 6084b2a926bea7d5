# ruff: noqa: E501  (the table reads best one case a line)
"""Bad input over XML-RPC, as each role: a clear, translated error (never a raw
traceback) and nothing written. The table below is the one in
docs/reliability-inputs.md, which this test renders and compares (run with
``AFTERSALES_WRITE_DOCS=1`` to regenerate it after changing the table)."""

import base64
import os
import xmlrpc.client
from datetime import date
from pathlib import Path

from odoo.tests import HttpCase, new_test_user, tagged

DOC = Path(__file__).resolve().parents[3] / "docs" / "reliability-inputs.md"

T, M, B, P = "technician", "manager", "billing", "portal"
TICKET, CONTRACT, PENALTY = (
    "aftersales.ticket",
    "aftersales.contract",
    ("aftersales.penalty"),
)
IMPORT = "aftersales.holiday.import"
NOT_A_DATETIME = "is not a date and time"
YEAR_RANGE = "is out of range (1970 to 2200)"
CHOICES = "is not one of the choices"
NOT_A_NUMBER = "must be a number"
TOO_LONG = "is too long"
NOT_TEXT = "must be text"


def csv(*lines):
    header = "date_from,date_to,kind,name_zh,name_en"
    return base64.b64encode("\n".join((header, *lines)).encode()).decode()


#: (role, model, method, args, kwargs, expected error). "$ticket", "$contract",
#: "$penalty", "$customer" and "$calendar" stand for the records the test makes;
#: "$wizard:<csv>" for a holiday import wizard on that file.
CASES = [
    # Tickets: milestones and their times
    (T, TICKET, "action_acknowledge", ["$ticket"], {"when": "garbage"}, NOT_A_DATETIME),
    (T, TICKET, "action_acknowledge", ["$ticket"], {"when": "2026-13-45 10:00:00"}, NOT_A_DATETIME),
    (T, TICKET, "action_acknowledge", ["$ticket"], {"when": 12345}, "must be a date and time"),
    (T, TICKET, "action_acknowledge", ["$ticket"], {"when": [2026, 1, 1]}, "must be a date and time"),
    (T, TICKET, "action_acknowledge", ["$ticket"], {"when": "0001-01-01 00:00:00"}, YEAR_RANGE),
    (T, TICKET, "action_acknowledge", ["$ticket"], {"when": "9999-12-31 23:59:59"}, YEAR_RANGE),
    (T, TICKET, "action_acknowledge", ["$ticket"], {"when": "2199-01-01 00:00:00"}, "cannot be recorded in the future"),
    (T, TICKET, "action_acknowledge", ["$ticket"], {"when": "2020-01-01 00:00:00"}, "cannot come before its report"),
    (T, TICKET, "action_acknowledge", ["$ticket"], {"reason": {"why": "dict"}}, NOT_TEXT),
    (T, TICKET, "action_acknowledge", ["$ticket"], {"reason": "x" * 5000}, TOO_LONG),
    (T, TICKET, "action_arrive", ["$ticket"], {"when": "yesterday"}, NOT_A_DATETIME),
    (T, TICKET, "action_arrive", ["$ticket"], {"when": True}, "must be a date and time"),
    (T, TICKET, "action_resolve", ["$ticket"], {"reason": 42}, NOT_TEXT),
    (T, TICKET, "action_resolve", ["$ticket"], {"when": "31/12/2026"}, NOT_A_DATETIME),
    (T, TICKET, "action_close", ["$ticket"], {"when": "garbage"}, NOT_A_DATETIME),
    (T, TICKET, "action_reopen", ["$ticket"], {"reason": ["a", "list"]}, NOT_TEXT),
    (T, TICKET, "action_pause", ["$ticket", 999999], {}, "Pause reason: no such record"),
    (T, TICKET, "action_pause", ["$ticket", "no_such_code"], {}, "Unknown pause reason"),
    (T, TICKET, "action_pause", ["$ticket", [1]], {}, "Pause reason: no such record"),
    (T, TICKET, "action_pause", ["$ticket", False], {}, "Pausing a ticket needs a reason"),
    (T, TICKET, "action_pause", ["$ticket", "waiting_parts"], {"when": "garbage"}, NOT_A_DATETIME),
    (T, TICKET, "action_accept", ["$ticket"], {"acceptance": "bogus"}, "Acceptance comes from the customer"),
    # Tickets: fields
    (T, TICKET, "write", ["$ticket", {"priority": "9"}], {}, CHOICES),
    (T, TICKET, "write", ["$ticket", {"channel": "pigeon"}], {}, CHOICES),
    (T, TICKET, "write", ["$ticket", {"name": "x" * 2000}], {}, TOO_LONG),
    (T, TICKET, "write", ["$ticket", {"no_such_field": 1}], {}, "has no field"),
    (T, TICKET, "write", ["$ticket", {"serial_number": 123}], {}, NOT_TEXT),
    (T, TICKET, "create", [{"name": "A", "partner_id": "abc"}], {}, "must be the id of a record"),
    (T, TICKET, "create", [{"name": "A", "partner_id": "$customer", "reported_at": "garbage"}], {}, NOT_A_DATETIME),
    (T, TICKET, "create", [{"name": "A", "partner_id": "$customer", "reported_at": "0001-01-01 00:00:00"}], {}, YEAR_RANGE),
    (T, TICKET, "create", [{"name": "A", "partner_id": "$customer", "priority": "urgent!"}], {}, CHOICES),
    (T, TICKET, "create", [{"name": "x" * 1001, "partner_id": "$customer"}], {}, TOO_LONG),
    # Contracts
    (M, CONTRACT, "action_terminate", ["$contract"], {"reason": "r", "date": "garbage"}, "is not a date (YYYY-MM-DD)"),
    (M, CONTRACT, "action_terminate", ["$contract"], {"reason": "r", "date": "0001-01-01"}, YEAR_RANGE),
    (M, CONTRACT, "action_terminate", ["$contract"], {"reason": "r", "date": 20260101}, "must be a date (YYYY-MM-DD)"),
    (M, CONTRACT, "action_suspend", ["$contract"], {"reason": {"x": 1}}, NOT_TEXT),
    (M, CONTRACT, "action_suspend", ["$contract"], {"reason": "x" * 2000}, TOO_LONG),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "amount_value": "abc"}], {}, NOT_A_NUMBER),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "amount_value": float("nan")}], {}, "must be a finite number"),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "amount_value": float("inf")}], {}, "must be a finite number"),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "amount_value": 1e300}], {}, "must be at most"),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "penalty_cap_percent": "ten"}], {}, NOT_A_NUMBER),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "penalty_period": "week"}], {}, CHOICES),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "date_start": "2026-02-30"}], {}, "is not a date (YYYY-MM-DD)"),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "date_end": "9999-12-31"}], {}, YEAR_RANGE),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "contract_type": "vendor"}], {}, CHOICES),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "auto_accept_days": 1.5}], {}, "must be a whole number"),
    (M, CONTRACT, "create", [{"partner_id": "$customer", "auto_accept_days": "many"}], {}, "must be a whole number"),
    # Penalties and disputes
    (P, PENALTY, "action_dispute", ["$penalty", {"a": 1}], {}, NOT_TEXT),
    (P, PENALTY, "action_dispute", ["$penalty", "x" * 100_001], {}, TOO_LONG),
    (P, PENALTY, "action_dispute", ["$penalty", "   "], {}, "A dispute needs a reason"),
    (P, PENALTY, "action_dispute", ["$penalty", "ok"], {"attachments": "abc"}, "a list of attachment ids"),
    (P, PENALTY, "action_dispute", ["$penalty", "ok"], {"attachments": [999999]}, "Some evidence does not exist"),
    (M, PENALTY, "action_resolve_dispute", ["$penalty", "explode"], {}, "Unknown dispute outcome"),
    (M, PENALTY, "action_resolve_dispute", ["$penalty", "reduce"], {"amount": "abc"}, NOT_A_NUMBER),
    (M, PENALTY, "action_resolve_dispute", ["$penalty", "reduce"], {"amount": -5}, "must be at least 0"),
    (M, PENALTY, "action_resolve_dispute", ["$penalty", "reduce"], {"amount": float("nan")}, "must be a finite number"),
    (M, PENALTY, "action_resolve_dispute", ["$penalty", "uphold"], {"opinion": 123}, NOT_TEXT),
    (M, PENALTY, "action_waive", ["$penalty"], {"reason": "bogus"}, "Waiving a penalty needs a reason"),
    (M, PENALTY, "action_waive", ["$penalty"], {"reason": ["force_majeure"]}, "Waiving a penalty needs a reason"),
    (M, PENALTY, "action_waive", ["$penalty"], {"reason": "other", "note": {"x": 1}}, NOT_TEXT),
    (B, PENALTY, "write", ["$penalty", {"amount": "abc"}], {}, NOT_A_NUMBER),
    # Holiday import
    (M, IMPORT, "action_import", ["$wizard:0001-01-01,0001-01-02,holiday,元旦,New Year"], {}, "date_from 0001-01-01 is out of range"),
    (M, IMPORT, "action_import", ["$wizard:9999-12-31,9999-12-31,holiday,元旦,New Year"], {}, "date_from 9999-12-31 is out of range"),
    (M, IMPORT, "action_import", ["$wizard:2027-01-01,2036-12-31,holiday,十年假,Ten years"], {}, "spans more than 31 days"),
    (M, IMPORT, "action_import", ["$wizard:2027-02-30,2027-02-30,holiday,假,Bad day"], {}, "is not a date (YYYY-MM-DD)"),
    (M, IMPORT, "action_import", ["$wizard:2027-01-01,2027-01-01,holiday,假," + "n" * 300], {}, "name_en is too long"),
    (M, IMPORT, "action_import", ["$wizard:2027-01-01,2027-01-01,leave,假,Day off"], {}, "unknown kind"),
    (M, IMPORT, "create", [{"source": "cn_1999", "calendar_ids": [[6, 0, ["$calendar"]]]}], {}, CHOICES),
]  # fmt: skip


def render_call(model, method, args, kwargs):
    def short(value):
        text = repr(value)
        return text if len(text) <= 48 else text[:36] + f"... ({len(text)} chars)"

    parts = [short(arg) for arg in args] + [
        f"{key}={short(value)}" for key, value in kwargs.items()
    ]
    return f"`{model}.{method}({', '.join(parts)})`".replace("|", "\\|")


def render_doc():
    lines = [
        "# Bad inputs: the table",
        "",
        "Generated by `addons/aftersales_sla/tests/test_bad_inputs.py` (do not edit:",
        "run the test with `AFTERSALES_WRITE_DOCS=1` to regenerate). Every call is made",
        "over XML-RPC as the role named; each must fail with a translated user error",
        "(`UserError`/`ValidationError`, XML-RPC fault code 2, or an access error, 4)",
        "containing the text given, never an application error with a traceback",
        "(fault code 1), and must leave tickets, contracts, penalties, ledger events,",
        "notifications, attachments, messages, holidays and extra working days",
        "exactly as they were.",
        "",
        f"{len(CASES)} cases.",
        "",
        "| # | Role | Call | Error contains |",
        "|---|------|------|----------------|",
    ]
    for index, (role, model, method, args, kwargs, expected) in enumerate(CASES, 1):
        call = render_call(model, method, args, kwargs)
        lines.append(f"| {index} | {role} | {call} | {expected} |")
    return "\n".join(lines) + "\n"


@tagged("post_install", "-at_install")
class TestBadInputs(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.calendar = env["resource.calendar"].create(
            {"name": "Bad inputs calendar", "tz": "Asia/Shanghai"}
        )
        cls.customer = env["res.partner"].create(
            {"name": "Bad Inputs Estate", "is_company": True}
        )
        contact = env["res.partner"].create(
            {"name": "Mr Bad", "parent_id": cls.customer.id}
        )
        cls.users = {
            T: new_test_user(
                env, "bad_tech", groups="aftersales_sla.group_aftersales_user"
            ),
            M: new_test_user(
                env, "bad_manager", groups="aftersales_sla.group_aftersales_manager"
            ),
            B: new_test_user(
                env, "bad_billing", groups="account.group_account_invoice"
            ),
            P: new_test_user(
                env, "bad_portal", groups="base.group_portal", partner_id=contact.id
            ),
        }
        policy = env["aftersales.sla.policy"].create(
            {
                "name": "Bad inputs SLA",
                "target_ids": [
                    (0, 0, {"metric": "response", "target_hours": 12}),
                ],
            }
        )
        cls.contract = env["aftersales.contract"].create(
            {
                "sla_policy_id": policy.id,
                "partner_id": cls.customer.id,
                "title": "Bad inputs contract",
                "date_start": date(2026, 1, 1),
                "date_end": date(2027, 12, 31),
                "calendar_id": cls.calendar.id,
                "amount_value": 100000,
            }
        )
        cls.contract.action_activate()
        cls.ticket = env["aftersales.ticket"].create(
            {
                "name": "Bad inputs ticket",
                "partner_id": cls.customer.id,
                "user_id": cls.users[T].id,
            }
        )
        cls.penalty = (
            env["aftersales.penalty"]
            .with_user(cls.users[M])
            ._assess_manual(cls.contract, 500, "Late")
        )

    def resolve(self, value):
        if isinstance(value, str) and value.startswith("$wizard:"):
            wizard = (
                self.env["aftersales.holiday.import"]
                .with_user(self.users[M])
                .create(
                    {
                        "source": "file",
                        "calendar_ids": [(6, 0, self.calendar.ids)],
                        "file": csv(value.removeprefix("$wizard:")),
                    }
                )
            )
            return wizard.id
        records = {
            "$ticket": self.ticket,
            "$contract": self.contract,
            "$penalty": self.penalty,
            "$customer": self.customer,
            "$calendar": self.calendar,
        }
        if isinstance(value, str) and value in records:
            return records[value].id
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        return value

    def snapshot(self):
        self.env.flush_all()
        cr = self.env.cr
        state = {}
        for table in ("aftersales_ticket", "aftersales_contract", "aftersales_penalty"):
            cr.execute(
                f"SELECT count(*), md5(string_agg(t::text, ',' ORDER BY id)) "  # noqa: S608
                f"FROM {table} t"
            )
            state[table] = cr.fetchone()
        for table in (
            "aftersales_event",
            "aftersales_event_notification",
            "ir_attachment",
            "mail_message",
            "resource_calendar_leaves",
            "aftersales_calendar_extra_day",
        ):
            cr.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {table}")  # noqa: S608
            state[table] = cr.fetchone()
        return state

    def test_every_bad_input_is_refused_cleanly(self):
        db = self.env.cr.dbname
        failures = []
        for index, (role, model, method, args, kwargs, expected) in enumerate(CASES, 1):
            user = self.users[role]
            args = self.resolve(args)
            if method not in ("create",) and args and isinstance(args[0], int):
                args[0] = [args[0]]
            kwargs = self.resolve(kwargs)
            before = self.snapshot()
            label = f"#{index} {role} {render_call(model, method, args, kwargs)}"
            try:
                self.xmlrpc_object.execute_kw(
                    db, user.id, user.login, model, method, args, kwargs
                )
            except xmlrpc.client.Fault as fault:
                if fault.faultCode not in (2, 4):
                    failures.append(f"{label}: raw error\n{fault.faultString[-600:]}")
                elif expected not in fault.faultString:
                    failures.append(
                        f"{label}: expected {expected!r}, got {fault.faultString!r}"
                    )
            else:
                failures.append(f"{label}: accepted")
            if self.snapshot() != before:
                failures.append(f"{label}: something was written")
        self.assertFalse(failures, "\n\n".join(failures))

    def test_the_table_is_documented(self):
        text = render_doc()
        self.assertGreaterEqual(len(CASES), 60)
        if os.environ.get("AFTERSALES_WRITE_DOCS"):
            DOC.write_text(text, encoding="utf-8")
        self.assertTrue(DOC.exists(), f"{DOC} is missing: AFTERSALES_WRITE_DOCS=1")
        self.assertEqual(
            DOC.read_text(encoding="utf-8"),
            text,
            "docs/reliability-inputs.md is stale: run this test with "
            "AFTERSALES_WRITE_DOCS=1 and commit the file",
        )
