"""Satisfaction scoring (tools/kpi.py) with concrete answers and weights."""

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase

from ..tools import kpi


class TestKpiScoring(BaseCase):
    def test_choice_questions_use_odoo_answer_scores(self):
        # 非常满意 10 / 满意 7 / 一般 4 / 不满意 0: "满意" scores 70.
        self.assertEqual(kpi.question_score("simple_choice", [7], [10, 7, 4, 0]), 70)
        # Multiple choice: the possible score is the sum of the positive answers.
        self.assertEqual(
            kpi.question_score("multiple_choice", [5, 3], [5, 3, 2, -1]), 80
        )
        self.assertIsNone(kpi.question_score("simple_choice", [], [10, 0]))
        self.assertIsNone(kpi.question_score("simple_choice", [1], [0, 0]), "no scores")

    def test_scale_and_numerical_questions_are_normalised(self):
        self.assertEqual(
            kpi.question_score("scale", value=8, minimum=0, maximum=10), 80
        )
        self.assertEqual(kpi.question_score("scale", value=4, minimum=1, maximum=5), 75)
        self.assertEqual(
            kpi.question_score("numerical_box", value=120, minimum=0, maximum=100), 100
        )
        self.assertIsNone(
            kpi.question_score("scale", value=None, minimum=0, maximum=10)
        )
        self.assertIsNone(kpi.question_score("text_box"))
        with self.assertRaises(kpi.ScoringError):
            kpi.question_score("scale", value=3, minimum=5, maximum=5)

    def test_weighted_index_drops_unanswered_indicators(self):
        questions = {"q1": 90.0, "q2": 70.0, "q3": None, "q4": 60.0}
        mapping = {
            "q1": "attitude",
            "q2": "attitude",
            "q3": "timeliness",
            "q4": "quality",
        }
        scores = kpi.indicator_scores(questions, mapping)
        self.assertEqual(
            scores, {"attitude": 80.0, "timeliness": None, "quality": 60.0}
        )
        weights = {"attitude": 0.3, "timeliness": 0.5, "quality": 0.2}
        # Timeliness was not answered: its weight drops out, 0.3 and 0.2 share it.
        self.assertAlmostEqual(kpi.satisfaction_index(scores, weights), 72.0)
        self.assertIsNone(kpi.satisfaction_index({"attitude": None}, {"attitude": 1}))

    def test_bad_weights_are_refused(self):
        with self.assertRaises(kpi.ScoringError):
            kpi.satisfaction_index({"attitude": 80}, {"attitude": 0, "quality": 0})
        with self.assertRaises(kpi.ScoringError):
            kpi.satisfaction_index({"attitude": 80}, {"attitude": -1, "quality": 2})

    def test_sampling_is_reproducible_and_proportional(self):
        first = [kpi.in_sample(ticket, 20, salt="contract-7") for ticket in range(5000)]
        again = [kpi.in_sample(ticket, 20, salt="contract-7") for ticket in range(5000)]
        self.assertEqual(first, again)
        self.assertAlmostEqual(sum(first) / 5000, 0.20, delta=0.02)
        other = [kpi.in_sample(ticket, 20, salt="contract-8") for ticket in range(5000)]
        self.assertNotEqual(first, other, "each contract draws its own sample")
        self.assertFalse(any(kpi.in_sample(t, 0) for t in range(100)))
        self.assertTrue(all(kpi.in_sample(t, 100) for t in range(100)))
        with self.assertRaises(kpi.ScoringError):
            kpi.in_sample(1, 120)

    @settings(max_examples=200, deadline=None)
    @given(
        st.dictionaries(
            st.sampled_from(["attitude", "quality", "timeliness", "skill", "overall"]),
            st.none() | st.floats(0, 100),
            min_size=1,
        ),
        st.floats(0.01, 10),
    )
    def test_index_stays_within_the_answered_scores(self, scores, weight):
        weights = dict.fromkeys(scores, weight)
        index = kpi.satisfaction_index(scores, weights)
        answered = [score for score in scores.values() if score is not None]
        if not answered:
            self.assertIsNone(index)
        else:
            self.assertGreaterEqual(index, min(answered) - 1e-9)
            self.assertLessEqual(index, max(answered) + 1e-9)
