"""Satisfaction scoring on top of Odoo's survey scores, in plain Python.

- :func:`question_score`: one answered question as 0-100. Choice questions use the
  answer scores Odoo's survey app already gives (earned over the best possible, with
  Odoo's own rule for the possible score: the best positive answer of a single choice,
  the sum of the positive answers of a multiple choice); scale and numerical questions
  are placed between their minimum and maximum. ``None`` when unanswered.
- :func:`indicator_scores`: the mean of the answered questions of each indicator
  (attitude, quality, timeliness...); an indicator without any answer is ``None``.
- :func:`satisfaction_index`: the weighted mean of the indicators that have a score.
  **Unanswered questions drop out of the weights**: an indicator nobody answered does
  not count as 0, its weight is shared by the others (so a skipped question never
  lowers nor raises the index). ``None`` when nothing was answered.
- :func:`in_sample`: a reproducible random sample: whether a ticket belongs to the
  given percentage, the same on every run and every server.
"""

from hashlib import sha256


class ScoringError(ValueError):
    """Configuration that cannot be scored (weights summing to 0, bad ranges)."""


def _clamp(value):
    return max(0.0, min(100.0, value))


def question_score(
    question_type,
    answer_scores=(),
    possible_scores=(),
    value=None,
    minimum=None,
    maximum=None,
):
    """0-100 score of one question, or None when it was not answered.

    :param question_type: Odoo's ``survey.question.question_type``.
    :param answer_scores: the ``answer_score`` of each chosen answer.
    :param possible_scores: the ``answer_score`` of every suggested answer.
    :param value: the scale or numerical value given.
    :param minimum, maximum: the scale's (or the numerical question's) range.
    """
    if question_type in ("simple_choice", "multiple_choice"):
        if not answer_scores:
            return None
        positives = [score for score in possible_scores if score > 0]
        if question_type == "simple_choice":
            possible = max(positives, default=0.0)
        else:
            possible = sum(positives)
        if possible <= 0:
            return None  # a choice without scores says nothing about satisfaction
        return _clamp(100.0 * sum(answer_scores) / possible)
    if question_type in ("scale", "numerical_box"):
        if value is None:
            return None
        if minimum is None or maximum is None or maximum <= minimum:
            raise ScoringError(f"no usable range for a {question_type} question")
        return _clamp(100.0 * (value - minimum) / (maximum - minimum))
    return None  # text, dates, matrices: not scored


def indicator_scores(question_scores, question_indicator):
    """Mean score of the answered questions of each indicator.

    :param question_scores: {question: score or None}
    :param question_indicator: {question: indicator code}
    :return: {indicator: score or None} for every indicator of the mapping
    """
    totals, counts = {}, {}
    for question, indicator in question_indicator.items():
        totals.setdefault(indicator, 0.0)
        counts.setdefault(indicator, 0)
        score = question_scores.get(question)
        if score is not None:
            totals[indicator] += score
            counts[indicator] += 1
    return {
        indicator: (
            totals[indicator] / counts[indicator] if counts[indicator] else None
        )
        for indicator in totals
    }


def check_weights(weights):
    """Refuse weights that cannot weigh anything: negative, or summing to 0."""
    if any(weight < 0 for weight in weights.values()):
        raise ScoringError("indicator weights cannot be negative")
    if not sum(weights.values()) > 0:
        raise ScoringError("indicator weights must not sum to 0")


def satisfaction_index(scores, weights):
    """Weighted mean of the indicators that have a score (0-100), or None.

    :param scores: {indicator: score or None}
    :param weights: {indicator: weight >= 0}
    """
    check_weights(weights)
    answered = {
        indicator: weight
        for indicator, weight in weights.items()
        if weight and scores.get(indicator) is not None
    }
    total = sum(answered.values())
    if not total:
        return None
    return (
        sum(scores[indicator] * weight for indicator, weight in answered.items())
        / total
    )


def in_sample(key, percent, salt=""):
    """Whether ``key`` (e.g. a ticket id) is in a ``percent`` % sample.

    Reproducible: SHA-256 of the salt (e.g. the contract) and the key decides, so the
    same ticket gets the same answer on every run, and about ``percent`` % of keys
    are in.
    """
    if not 0 <= percent <= 100:
        raise ScoringError("a sample is a percentage between 0 and 100")
    digest = sha256(f"{salt}:{key}".encode()).digest()
    position = int.from_bytes(digest[:8], "big") / 2**64 * 100
    return position < percent
