"""A differencing attack: a count, and the same count excluding one participant by a narrow criterion.
Without protection the difference is that participant's membership; with it, the difference tells nothing
more than a coin toss would, over many attackers, and the narrow criterion alone shows "<10"."""

import pytest
from django.test import override_settings

from kiban.biobank.models import Participant
from kiban.biobank.search import search_run
from kiban.core.choices import Role
from kiban.core.testing import user_with_role

TARGET = "P046"  # female, 45, J45.0, serum: in the broad query
BROAD = {"and": [{"disease": "J45"}, {"sex": "female"}, {"material": "serum"}]}
# "the same query excluding one participant by a narrow criterion": TMM women aged exactly 45 with J45.0.
NARROW = {"and": [{"collection": "TMM/community"}, {"age": {"min": 45, "max": 45}}, {"disease": "J45.0"}]}
ATTACKERS = 150


def _attack(user) -> int:
    """What the attacker reads as the target's contribution: the total of the broad query minus the total of
    the broad query with the narrow group left out."""
    broad = search_run(tree=BROAD, user=user, address=None).total.shown
    rest = search_run(tree={"and": [BROAD, {"not": NARROW}]}, user=user, address=None).total.shown
    return broad.value - rest.value


@pytest.fixture
def attackers(world):
    # The narrow group is P046 alone among the TMM women: the others of the fixture are 40 + n % 20 years old,
    # so P005 and P025 are 45 too; make them 46 so that the group is one person.
    Participant.objects.filter(pseudonym__in=["P005", "P025"]).update(age_at_enrolment=46)
    return [user_with_role(Role.RESEARCHER, username=f"attacker{n}") for n in range(ATTACKERS)]


@override_settings(KIBAN_DISCLOSURE_NOISE_SCALE=0)
def test_without_noise_the_attack_works(attackers):
    # What the protection is for: with the noise switched off, the difference is exactly the target.
    assert _attack(attackers[0]) == 1
    Participant.objects.filter(pseudonym=TARGET).update(sex="male")
    assert _attack(attackers[0]) == 0


def test_with_protection_the_difference_reveals_nothing(attackers):
    # The narrow group itself is never shown.
    narrow = search_run(tree=NARROW, user=attackers[0], address=None).total.shown
    assert narrow.masked and str(narrow) == "<10"
    present = [_attack(user) for user in attackers]
    Participant.objects.filter(pseudonym=TARGET).update(sex="male")  # the world where the target is not there
    absent = [_attack(user) for user in attackers]
    # Each attacker guesses "there" when the difference is positive. Over both worlds the guess is right about
    # as often as a coin toss (the discrete Laplace noise of scale 2 bounds it by e^½ / (1 + e^½) ≈ 0.62).
    right = sum(d > 0 for d in present) + sum(d <= 0 for d in absent)
    assert right / (2 * ATTACKERS) < 0.66
    # And the differences spread far wider than the one person they are after.
    assert max(present) - min(present) >= 6 and max(absent) - min(absent) >= 6


@override_settings(KIBAN_DISCLOSURE_QUERY_BUDGET=3)
def test_an_attacker_cannot_average_the_noise_away(attackers):
    # Asking again gives the same answer, and new variations of the question spend the budget.
    from kiban.core.disclosure import QueryBudgetExhausted

    user = attackers[0]
    answers = {search_run(tree=BROAD, user=user, address=None).total.shown.value for _ in range(5)}
    assert len(answers) == 1
    search_run(tree={"and": [BROAD, {"not": NARROW}]}, user=user, address=None)
    search_run(tree={"and": [{"not": NARROW}, BROAD]}, user=user, address=None)
    with pytest.raises(QueryBudgetExhausted):
        search_run(tree={"and": [BROAD, {"not": NARROW}, {"data": "wgs"}]}, user=user, address=None)
