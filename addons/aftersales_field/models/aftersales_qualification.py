from datetime import datetime, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MANAGER_GROUP = "aftersales_sla.group_aftersales_manager"
TODO_ACTIVITY = "mail.mail_activity_data_todo"


def company_today(company):
    """Today's date in the company's time zone (its partner's), UTC if none."""
    try:
        tz = pytz.timezone(company.partner_id.tz or "UTC")
    except pytz.UnknownTimeZoneError:
        tz = pytz.utc
    return datetime.now(tz).date()


class AftersalesQualification(models.Model):
    """A certificate held by a person (an internal technician or a service
    partner's staff member), of a type, valid from its issue date to its expiry."""

    _name = "aftersales.qualification"
    _description = "After-Sales Qualification"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "expires_on, id"
    _rec_name = "type_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Holder",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="[('is_company', '=', False)]",
        help="The person holding the certificate: a technician's own contact or a "
        "service partner's staff member.",
    )
    type_id = fields.Many2one(
        "aftersales.qualification.type",
        string="Qualification",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        check_company=True,
    )
    type_code = fields.Char(related="type_id.code")
    has_expiry = fields.Boolean(related="type_id.has_expiry")
    certificate_number = fields.Char(tracking=True, copy=False)
    issued_on = fields.Date(tracking=True)
    expires_on = fields.Date(
        tracking=True,
        index=True,
        help="Last day the certificate is valid.",
    )
    certificate_file = fields.Binary(string="Certificate", attachment=True)
    certificate_filename = fields.Char()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    notes = fields.Text()
    active = fields.Boolean(default=True)
    is_expired = fields.Boolean(
        string="Expired",
        compute="_compute_validity",
        search="_search_is_expired",
        help="The expiry date is before today (in the company's time zone).",
    )
    is_expiring = fields.Boolean(
        string="Expiring Soon",
        compute="_compute_validity",
        search="_search_is_expiring",
        help="Still valid, but expires within the company's notice period.",
    )
    expiry_notified_on = fields.Date(
        readonly=True,
        copy=False,
        help="When the renewal activities were scheduled; cleared when the expiry "
        "date changes.",
    )

    @api.depends("expires_on", "company_id")
    def _compute_validity(self):
        for qualification in self:
            expires_on = qualification.expires_on
            if not expires_on:
                qualification.is_expired = qualification.is_expiring = False
                continue
            company = qualification.company_id or self.env.company
            today = company_today(company)
            notice = timedelta(days=company.aftersales_qualification_notice_days)
            qualification.is_expired = expires_on < today
            qualification.is_expiring = today <= expires_on <= today + notice

    def _search_is_expired(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        today = company_today(self.env.company)
        expired = [("expires_on", "!=", False), ("expires_on", "<", today)]
        if (operator == "=") == bool(value):
            return expired
        return ["|", ("expires_on", "=", False), ("expires_on", ">=", today)]

    def _search_is_expiring(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        company = self.env.company
        today = company_today(company)
        until = today + timedelta(days=company.aftersales_qualification_notice_days)
        expiring = [("expires_on", ">=", today), ("expires_on", "<=", until)]
        if (operator == "=") == bool(value):
            return expiring
        return [
            "|",
            "|",
            ("expires_on", "=", False),
            ("expires_on", "<", today),
            ("expires_on", ">", until),
        ]

    @api.constrains("partner_id")
    def _check_holder_is_person(self):
        for qualification in self:
            if qualification.partner_id.is_company:
                raise ValidationError(
                    self.env._(
                        "A qualification is held by a person, not by the company "
                        "%(company)s: choose its staff member.",
                        company=qualification.partner_id.display_name,
                    )
                )

    @api.constrains("issued_on", "expires_on", "type_id")
    def _check_dates(self):
        for qualification in self:
            if qualification.type_id.has_expiry and not qualification.expires_on:
                raise ValidationError(
                    self.env._(
                        "A %(type)s certificate expires: give its expiry date.",
                        type=qualification.type_id.name,
                    )
                )
            if (
                qualification.issued_on
                and qualification.expires_on
                and qualification.expires_on < qualification.issued_on
            ):
                raise ValidationError(
                    self.env._(
                        "The certificate cannot expire (%(expires)s) before it is "
                        "issued (%(issued)s).",
                        expires=qualification.expires_on,
                        issued=qualification.issued_on,
                    )
                )

    @api.onchange("issued_on", "type_id")
    def _onchange_issued_on(self):
        months = self.type_id.validity_months
        if self.issued_on and self.type_id.has_expiry and months:
            self.expires_on = (
                self.issued_on + relativedelta(months=months) - timedelta(days=1)
            )

    def write(self, vals):
        if "expires_on" in vals:
            # A renewed (or corrected) certificate is notified again before its
            # new expiry.
            vals = dict(vals, expiry_notified_on=False)
        return super().write(vals)

    # ------------------------------------------------------------------
    # Validity at assignment
    # ------------------------------------------------------------------

    @api.model
    def _gaps(self, holder, types, company):
        """What ``holder`` lacks of ``types`` today (in ``company``'s time zone).

        :return: (missing types, [(expired type, its latest expiry date)]); a type
            held only by a certificate issued in the future counts as missing.
        """
        today = company_today(company)
        # sudo: whoever assigns a ticket is told whether the assignee is qualified,
        # although only managers and the holder read the certificates themselves.
        held = self.sudo().search(
            [("partner_id", "=", holder.id), ("type_id", "in", types.ids)]
        )
        missing = types.browse()
        expired = []
        for qualification_type in types:
            certificates = held.filtered(
                lambda q, t=qualification_type: q.type_id == t
                and (not q.issued_on or q.issued_on <= today)
            )
            if certificates.filtered(
                lambda q: not q.expires_on or q.expires_on >= today
            ):
                continue
            if certificates:
                expired.append(
                    (qualification_type, max(certificates.mapped("expires_on")))
                )
            else:
                missing |= qualification_type
        return missing, expired

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------

    @api.model
    def _cron_notify_expiring(self):
        """Schedule a renewal To-Do for the holder's user and their manager, once
        per expiry date, when a certificate expires within the company's notice
        period (or has expired unnoticed)."""
        companies = self.env["res.company"].search([])
        for company in companies:
            today = company_today(company)
            until = today + timedelta(days=company.aftersales_qualification_notice_days)
            expiring = self.search(
                [
                    ("company_id", "=", company.id),
                    ("expires_on", "!=", False),
                    ("expires_on", "<=", until),
                    ("expiry_notified_on", "=", False),
                    ("partner_id.active", "=", True),
                ]
            )
            for qualification in expiring:
                qualification._schedule_renewal(today)
        return True

    def _schedule_renewal(self, today):
        self.ensure_one()
        users = self._renewal_users()
        summary = self.env._(
            "Renew qualification %(type)s of %(holder)s",
            type=self.type_id.name,
            holder=self.partner_id.name,
        )
        note = self.env._(
            "Certificate %(number)s expires on %(date)s: renew it and record the new "
            "certificate, or the holder can no longer be assigned tickets that "
            "require it.",
            number=self.certificate_number or "-",
            date=self.expires_on,
        )
        for user in users:
            self.activity_schedule(
                TODO_ACTIVITY,
                date_deadline=max(today, self.expires_on),
                summary=summary,
                note=note,
                user_id=user.id,
            )
        self.expiry_notified_on = today

    def _renewal_users(self):
        """The holder's own internal user (if any) and who manages them: the
        leaders of the holder's after-sales teams, else an After-Sales manager of
        the company."""
        self.ensure_one()
        # Internal users only: a partner's staff member on the portal has no
        # activities; their manager renews with them.
        holder_users = self.partner_id.user_ids.filtered(
            lambda user: user.active and not user.share
        )
        # sudo: the holder's team leaders are told, whoever (or the cron) renews
        leaders = (
            self.env["aftersales.team"]
            .sudo()
            .search([("member_ids", "in", holder_users.ids)])
            .leader_id.filtered("active")
            if holder_users
            else self.env["res.users"]
        )
        if not leaders:
            # sudo: managers of the company are told, whoever (or the cron) renews
            leaders = (
                self.env["res.users"]
                .sudo()
                .search(
                    [
                        ("groups_id", "=", self.env.ref(MANAGER_GROUP).id),
                        ("share", "=", False),
                        ("company_ids", "in", self.company_id.id),
                    ],
                    order="id",
                    limit=1,
                )
            )
        return holder_users | leaders
