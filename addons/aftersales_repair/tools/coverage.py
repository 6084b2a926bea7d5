"""The coverage rule: who pays for a ticket's work, decided from plain facts.

Kept free of Odoo so that it is tested directly and runs for thousands of tickets
in one batch (the ticket model gathers the facts, this module decides)::

    >>> decide(has_contract=False, has_unit=True,
    ...        warranty_end=date(2027, 3, 31), reported_on=date(2026, 11, 30))
    Decision(coverage='warranty', reason='in_warranty')

The order is the contract, then the warranty, then the re-repair guarantee, then
chargeable: a service contract covering the ticket wins over the unit's warranty; a
unit out of warranty whose last paid repair is still under its own guarantee (the
repair's guarantee end, see ``repair.order``) is repaired again for free
(``guarantee``, ``repeat_fault``); a unit whose warranty ended before the day the
fault was reported is chargeable (``expired``); a ticket whose unit is unknown is
chargeable until someone finds the unit (``no_unit``).

Exclusions (misuse, self-disassembly, force majeure, unauthorised repair) are found
by the technician on site, never by rule: a manager records them by overriding the
decision, with a note (see :func:`check_override`).
"""

from collections import namedtuple

CONTRACT = "contract"
WARRANTY = "warranty"
GUARANTEE = "guarantee"
CHARGEABLE = "chargeable"

#: (code, English label) of each coverage, in the order the rule tries them.
COVERAGES = (
    (CONTRACT, "Service Contract"),
    (WARRANTY, "Warranty"),
    (GUARANTEE, "Re-repair Guarantee"),
    (CHARGEABLE, "Chargeable"),
)

#: (code, English label) of each reason.
REASONS = (
    ("under_contract", "Under Contract"),
    ("in_warranty", "In Warranty"),
    ("repeat_fault", "Repeat Fault Under Repair Guarantee"),
    ("expired", "Warranty Expired"),
    ("excluded_misuse", "Excluded: Misuse"),
    ("excluded_self_disassembly", "Excluded: Self-Disassembly"),
    ("excluded_force_majeure", "Excluded: Force Majeure"),
    ("excluded_unauthorised_repair", "Excluded: Unauthorised Repair"),
    ("no_unit", "No Unit / Unknown"),
    ("different_fault", "Not the Repaired Fault"),
)

#: The reasons that go with each coverage (an override must pair them so).
REASONS_BY_COVERAGE = {
    CONTRACT: frozenset({"under_contract"}),
    WARRANTY: frozenset({"in_warranty"}),
    GUARANTEE: frozenset({"repeat_fault"}),
    CHARGEABLE: frozenset(
        {
            "expired",
            "excluded_misuse",
            "excluded_self_disassembly",
            "excluded_force_majeure",
            "excluded_unauthorised_repair",
            "no_unit",
            "different_fault",
        }
    ),
}

Decision = namedtuple("Decision", ["coverage", "reason"])


def decide(has_contract, has_unit, warranty_end, reported_on, guarantee_end=None):
    """The coverage of one ticket.

    :param has_contract: a service contract covers the ticket (it was matched or
        chosen, and is in force on the reported day)
    :param has_unit: the ticket's unit (installed base) is known
    :param warranty_end: the unit's last day of warranty (``datetime.date``) or
        None when it has none
    :param reported_on: the day the fault was reported (``datetime.date``), in the
        company's time zone
    :param guarantee_end: the last day of the re-repair guarantee of the unit's
        latest paid repair (``datetime.date``), or None when none
    :return: :class:`Decision`
    """
    if has_contract:
        return Decision(CONTRACT, "under_contract")
    if not has_unit:
        return Decision(CHARGEABLE, "no_unit")
    if warranty_end and reported_on <= warranty_end:
        return Decision(WARRANTY, "in_warranty")
    if guarantee_end and reported_on <= guarantee_end:
        return Decision(GUARANTEE, "repeat_fault")
    return Decision(CHARGEABLE, "expired")


def check_override(coverage, reason):
    """Whether ``reason`` goes with ``coverage`` (an override pairs them so): a
    warranty is never "expired", a chargeable ticket never "under contract".

    :return: True, or False when the pair does not hold (or either is unknown)
    """
    return reason in REASONS_BY_COVERAGE.get(coverage, ())
