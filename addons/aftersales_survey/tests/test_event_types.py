from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSurveyEventTypes(TransactionCase):
    def test_survey_events_enter_the_ledger_with_translated_labels(self):
        Event = self.env["aftersales.event"]
        events = Event._append_events(
            [
                {"event_type": "survey.sent", "payload": {"survey": 1}},
                {
                    "event_type": "survey.answered",
                    "payload": {"survey": 1, "score": 92.5},
                },
                {"event_type": "evaluation.closed", "payload": {"period": "2026-H1"}},
            ]
        )
        Event._seal_chains(events.chain_id)
        self.assertEqual(
            events.mapped("event_type"),
            ["survey.sent", "survey.answered", "evaluation.closed"],
        )
        self.assertTrue(Event.verify_ledger(events.chain_id)["ok"])
        self.env["res.lang"]._activate_lang("zh_CN")
        labels = dict(Event.with_context(lang="zh_CN")._get_event_types())
        self.assertEqual(labels["survey.answered"], "问卷已作答")

    def test_unknown_types_are_still_refused(self):
        with self.assertRaises(ValidationError):
            self.env["aftersales.event"]._append_event("survey.lost")
