"""Who works for which hub, and who holds a role: the one hub group and the one role lookup every app uses."""

import rules

from kiban.core.choices import Role
from kiban.core.models import Organisation
from kiban.core.rules import works_for_hub_of
from kiban.core.selectors import active_users_with_role, hub_group_ids, hub_scope_ids, hub_staff_for
from kiban.core.testing import user_with_role


def _hub_with_sharing_institutions():
    hub = Organisation.objects.create(name="北海道大学", kind="translational_hub")
    asahikawa = Organisation.objects.create(name="旭川医科大学", kind="university", lead_organisation=hub)
    sapporo = Organisation.objects.create(name="札幌医科大学", kind="university", lead_organisation=hub)
    elsewhere = Organisation.objects.create(name="東北大学", kind="translational_hub")
    return hub, asahikawa, sapporo, elsewhere


def test_hub_staff_of_a_lead_hub_work_for_its_sharing_institutions_and_back(db):
    # given 北海道大学 with two sharing institutions, and hub staff at the hub and at one sharing institution
    hub, asahikawa, sapporo, elsewhere = _hub_with_sharing_institutions()
    at_hub = user_with_role(Role.HUB_STAFF, organisation=hub, username="hokkaido_staff")
    at_sharing = user_with_role(Role.HUB_STAFF, organisation=asahikawa, username="asahikawa_staff")
    researcher = user_with_role(Role.RESEARCHER, organisation=hub, username="hokkaido_researcher")

    # then both work for the whole hub group, never for another hub; a researcher works for no hub
    group = {hub.pk, asahikawa.pk, sapporo.pk}
    assert hub_group_ids([hub.pk]) == hub_group_ids([sapporo.pk]) == group
    assert hub_scope_ids(user=at_hub) == group
    assert hub_scope_ids(user=at_sharing) == group
    assert hub_scope_ids(user=researcher) == frozenset()
    # and the hub's staff, asked from either side, are the same people
    assert set(hub_staff_for(organisation_id=sapporo.pk)) == {at_hub, at_sharing}
    assert set(hub_staff_for(organisation_id=elsewhere.pk)) == set()


def test_the_hub_predicate_reads_the_objects_organisation_through_the_hub_group(db):
    # given a predicate on records that name an organisation, and staff at a sharing institution
    hub, asahikawa, _sapporo, elsewhere = _hub_with_sharing_institutions()
    at_sharing = user_with_role(Role.HUB_STAFF, organisation=asahikawa, username="asahikawa_staff")
    works_for = works_for_hub_of(lambda organisation: organisation.pk, name="test_works_for")

    # then it holds for the lead hub's records, not for another hub's, nor for nothing
    assert isinstance(works_for, rules.Predicate)
    assert works_for.test(at_sharing, hub)
    assert not works_for.test(at_sharing, elsewhere)
    assert not works_for.test(at_sharing, None)


def test_active_users_with_role_needs_the_role_at_the_named_organisation(db):
    # given a company member who is also a researcher elsewhere, and a deactivated company member
    hub, _asahikawa, _sapporo, _elsewhere = _hub_with_sharing_institutions()
    takeda = Organisation.objects.create(name="武田薬品工業", kind="company")
    member = user_with_role(Role.COMPANY, organisation=takeda, username="takeda")
    member.memberships.create(organisation=hub, role=Role.RESEARCHER)
    gone = user_with_role(Role.COMPANY, organisation=takeda, username="takeda_gone")
    gone.is_active = False
    gone.save()

    # then each is found once, by the role at the organisation where they hold it, and only while active
    assert list(active_users_with_role(Role.COMPANY, Role.RESEARCHER)) == [member]
    assert list(active_users_with_role(Role.COMPANY, organisation_ids=[takeda.pk])) == [member]
    assert list(active_users_with_role(Role.COMPANY, organisation_ids=[hub.pk])) == []
