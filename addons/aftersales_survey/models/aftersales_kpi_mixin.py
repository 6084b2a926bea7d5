import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from odoo.addons.aftersales_sla.tools.local_time import local_days_to_utc

from ..tools import evaluation as kpis
from .aftersales_kpi_threshold import kpi_selection


def in_period(field, start, end):
    """Domain: ``field`` within [start, end)."""
    return ["&", (field, ">=", start), (field, "<", end)]


PERIOD_TYPES = [
    ("month", "Month"),
    ("quarter", "Quarter"),
    ("half_year", "Half-year"),
]


class AftersalesKpiMixin(models.AbstractModel):
    """A period whose KPIs are figured from tickets, SLA clocks and surveys:
    contract evaluations and technician or team scorecards."""

    _name = "aftersales.kpi.mixin"
    _description = "After-Sales KPI Period"

    period_type = fields.Selection(
        PERIOD_TYPES, required=True, default="quarter", index=True
    )
    date_from = fields.Date(string="From", required=True, index=True)
    date_to = fields.Date(string="To", required=True)
    period_label = fields.Char(
        string="Period", compute="_compute_period_label", store=True
    )
    computed_at = fields.Datetime(readonly=True, copy=False)

    #: {figure field: the stored flag saying it has a value}: averages of these
    #: figures (list groups, pivot, graph) skip the records without a value
    #: instead of counting them as zero.
    _kpi_optional_figures = {}

    @api.depends("period_type", "date_from", "date_to")
    def _compute_period_label(self):
        for record in self:
            if not record.date_from:
                record.period_label = False
            elif (record.date_from, record.date_to) == kpis.period_bounds(
                record.period_type, record.date_from
            ):
                record.period_label = kpis.period_label(
                    record.period_type, record.date_from
                )
            else:
                record.period_label = f"{record.date_from} - {record.date_to}"

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for record in self:
            if record.date_to < record.date_from:
                raise ValidationError(
                    self.env._(
                        "A period cannot end (%(end)s) before it starts (%(start)s).",
                        start=record.date_from,
                        end=record.date_to,
                    )
                )

    @api.onchange("period_type", "date_from")
    def _onchange_period(self):
        if self.period_type and self.date_from:
            self.date_from, self.date_to = kpis.period_bounds(
                self.period_type, self.date_from
            )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec != "__count":
            fname, _property, func = parse_read_group_spec(aggregate_spec)
            flag = self._kpi_optional_figures.get(fname)
            if func == "avg" and flag:
                # Missing figures are stored as 0.0 (a float column holds no
                # NULL through the ORM): leave them out of the average.
                return SQL(
                    "AVG(CASE WHEN %s THEN %s END)",
                    self._field_to_sql(self._table, flag, query),
                    self._field_to_sql(self._table, fname, query),
                )
        return super()._read_group_select(aggregate_spec, query)

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    def _kpi_timezone(self):
        return pytz.timezone(self.env.company.partner_id.tz or "UTC")

    def _utc_bounds(self):
        """[start, end) of the period as naive UTC datetimes: from midnight of the
        first day to midnight after the last day, in the subject's time zone."""
        self.ensure_one()
        return local_days_to_utc(self._kpi_timezone(), self.date_from, self.date_to)

    def _kpi_ticket_domain(self):
        """Tickets whose work counts for this subject."""
        raise NotImplementedError

    def _kpi_input_domain(self):
        """Survey invitations that count for this subject."""
        raise NotImplementedError

    def _kpi_complaint_domain(self):
        """Tickets among which the complaints that count against this subject are
        (the complaint figures keep those of a complaint service type): by
        default the subject's own tickets; the complaints desk adds the
        complaints about the subject's work."""
        return self._kpi_ticket_domain()

    def _gather_complaints(self, start, end):
        """The complaints against the subject resolved or reported in [start,
        end), as :func:`..tools.evaluation.compute_kpis` takes them: with whether
        their complaint feedback clock was met (None: no such clock)."""
        # sudo: the figures read tickets, clocks and answers across teams
        complaints = (
            self.env["aftersales.ticket"]
            .sudo()
            .search_read(
                self._kpi_complaint_domain()
                + [("service_type_id.is_complaint", "=", True), "|"]
                + in_period("reported_at", start, end)
                + in_period("resolved_at", start, end),
                ["reported_at", "resolved_at"],
            )
        )
        # sudo: the figures read tickets, clocks and answers across teams
        feedback = {
            row["ticket_id"][0]: not row["breached_at"]
            for row in self.env["aftersales.ticket.sla"]
            .sudo()
            .search_read(
                [
                    ("ticket_id", "in", [c["id"] for c in complaints]),
                    ("metric", "=", "complaint_feedback"),
                    ("state", "!=", "cancelled"),
                ],
                ["ticket_id", "breached_at"],
            )
        }
        for complaint in complaints:
            complaint["feedback_on_time"] = feedback.get(complaint["id"])
        return complaints

    def _gather_figures(self):
        """{kpi code: figure or None} of the period (see tools/evaluation.py)."""
        self.ensure_one()
        start, end = self._utc_bounds()
        # sudo: the figures read tickets, clocks and answers across teams
        Ticket = self.env["aftersales.ticket"].sudo()

        def period(field):
            return in_period(field, start, end)

        ticket_domain = self._kpi_ticket_domain()
        tickets = Ticket.search_read(
            ticket_domain + ["|"] + period("reported_at") + period("resolved_at"),
            ["reported_at", "resolved_at", "reopen_count", "is_complaint"],
        )
        # sudo: the figures read tickets, clocks and answers across teams
        clocks = (
            self.env["aftersales.ticket.sla"]
            .sudo()
            .search_read(
                [("ticket_id", "any", ticket_domain), "|"]
                + period("met_at")
                + period("breached_at"),
                ["metric", "met_at", "breached_at", "elapsed_seconds"],
            )
        )
        # sudo: the figures read tickets, clocks and answers across teams
        Input = self.env["survey.user_input"].sudo()
        input_domain = self._kpi_input_domain() + [("test_entry", "=", False)]
        responses = [
            {
                "answered_at": row["end_datetime"],
                "index": row["aftersales_index"] if row["aftersales_scored"] else None,
            }
            for row in Input.search_read(
                input_domain + [("state", "=", "done")] + period("end_datetime"),
                ["end_datetime", "aftersales_index", "aftersales_scored"],
            )
        ]
        invitations = [
            {"sent_at": row["aftersales_sent_at"], "answered": row["state"] == "done"}
            for row in Input.search_read(
                input_domain + period("aftersales_sent_at"),
                ["aftersales_sent_at", "state"],
            )
        ]
        return kpis.compute_kpis(
            start,
            end,
            tickets,
            clocks,
            responses,
            invitations,
            complaints=self._gather_complaints(start, end),
        )

    def _kpi_codes(self):
        raise NotImplementedError

    def _kpi_thresholds(self):
        return {}

    def _previous_figures(self):
        """{kpi code: figure} of the same subject's previous period, or {}."""
        raise NotImplementedError

    def _kpi_line_vals(self, figures):
        """Values of the KPI lines: figure, threshold and verdict, trend."""
        self.ensure_one()
        thresholds = self._kpi_thresholds()
        previous = self._previous_figures()
        vals_list = []
        for sequence, code in enumerate(self._kpi_codes()):
            value = figures.get(code)
            threshold = thresholds.get(code)
            before = previous.get(code)
            vals_list.append(
                {
                    "sequence": sequence,
                    "kpi": code,
                    "value": value or 0.0,
                    "has_value": value is not None,
                    "threshold": threshold or 0.0,
                    "has_threshold": threshold is not None,
                    "result": kpis.judge(code, value, threshold),
                    "previous_value": before or 0.0,
                    "has_previous": before is not None,
                    "trend": kpis.trend(code, value, before),
                }
            )
        return vals_list

    #: The field of aftersales.kpi.line that points to this model.
    _kpi_line_field = None

    def _compute_figures(self):
        """Replace the KPI lines by freshly computed ones."""
        # sudo: KPI lines are derived data: no user writes them
        Line = self.env["aftersales.kpi.line"].sudo()
        now = fields.Datetime.now()
        for record in self:
            figures = record._gather_figures()
            # sudo: KPI lines are derived data: no user writes them
            record.kpi_line_ids.sudo().unlink()
            Line.create(
                [
                    dict(vals, **{self._kpi_line_field: record.id})
                    for vals in record._kpi_line_vals(figures)
                ]
            )
            record.computed_at = now
        return True

    def _kpi_figures(self):
        """{kpi code: figure or None} as stored on the lines."""
        self.ensure_one()
        return {
            line.kpi: line.value if line.has_value else None
            for line in self.kpi_line_ids
        }

    @api.model
    def _kpi_selection(self):
        return kpi_selection(self)
