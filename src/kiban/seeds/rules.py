"""Who may see and change seeds: the team, the hub's staff, companies (public summary, or details under an
NDA), and the agency and the ministry, who read everything and change nothing.

Reviewers read a seed only through the review engine, which shows what the seed's adapter gives it
(`kiban.seeds.reviewing`) to reviewers assigned to a round and free of conflicts.
"""

from dataclasses import dataclass

import rules
from django.utils.translation import gettext_lazy as _

from kiban.agreements.choices import AgreementKind, PartyRole
from kiban.agreements.models import Agreement
from kiban.core.choices import Role
from kiban.core.permissions import register_refusals
from kiban.core.rules import (
    has_role,
    is_agency_officer,
    is_hub_staff,
    is_ministry_official,
    is_signed_in,
    works_for_hub_of,
)
from kiban.core.selectors import hub_scope_ids, role_organisation_ids

from .choices import Stage
from .models import Seed


@dataclass(frozen=True)
class SeedScope:
    """The organisations a user works for as hub staff (`kiban.core.selectors.hub_scope_ids`: a lead hub with
    its sharing institutions) and the companies they belong to."""

    hub_ids: frozenset[int]
    company_ids: frozenset[int]


def seed_scope(user) -> SeedScope:
    """Read once per user object (both parts are cached on it)."""
    return SeedScope(
        hub_ids=hub_scope_ids(user=user),
        company_ids=role_organisation_ids(user=user, role=Role.COMPANY),
    )


is_researcher = has_role(Role.RESEARCHER)
is_company_member = has_role(Role.COMPANY)
# The agency and the ministry oversee the whole programme: they read every seed and change none.
is_overseer = is_agency_officer | is_ministry_official | rules.is_superuser


is_seed_hub_staff = works_for_hub_of(lambda seed: seed.hub_id, name="is_seed_hub_staff")


@rules.predicate
def is_seed_team(user, seed) -> bool:
    """The principal investigator or a member of the seed's team."""
    if seed is None:
        return False
    return seed.pi_id == user.pk or user.pk in seed_team_ids(seed)


@rules.predicate
def is_listed_for_companies(user, seed) -> bool:
    return seed is not None and seed.listed_for_matching and seed.stage != Stage.TERMINATED


def company_ndas(company_ids):
    """The NDAs in force about seeds that one of the companies receives; filter `object_id` (the seed's id,
    or an OuterRef to it) to ask about one seed."""
    return (
        Agreement.objects.about_model(Seed)
        .filter(kind=AgreementKind.NDA)
        .in_force()
        .with_party(company_ids, role=PartyRole.RECIPIENT)
    )


@rules.predicate
def has_seed_nda(user, seed) -> bool:
    """A company member whose company has an NDA in force for this seed."""
    companies = seed_scope(user).company_ids
    if seed is None or not companies:
        return False
    return company_ndas(companies).filter(object_id=seed.pk).exists()


manages_hub = works_for_hub_of(lambda hub: hub.pk, name="manages_hub")


def seed_team_ids(seed) -> set[int]:
    """The team's user ids, from the prefetched members where the page loaded them."""
    if "members" in getattr(seed, "_prefetched_objects_cache", {}):
        return {member.user_id for member in seed.members.all()}
    return set(seed.members.values_list("user_id", flat=True))


can_read_in_full = is_overseer | is_seed_hub_staff | is_seed_team

# The list of seeds: each user sees the rows `selectors.seeds_visible_to` gives them.
rules.add_perm(
    "seeds.view_seed_list",
    is_signed_in & (is_researcher | is_hub_staff | is_company_member | is_overseer),
)
# A seed's public page: companies see listed seeds' public summaries, and seeds they hold an NDA for.
rules.add_perm(
    "seeds.view_seed",
    is_signed_in & (can_read_in_full | (is_company_member & (is_listed_for_companies | has_seed_nda))),
)
# The confidential details, the yearly records and the outcomes: an NDA opens them to its company.
rules.add_perm(
    "seeds.view_seed_details", is_signed_in & (can_read_in_full | (is_company_member & has_seed_nda))
)
# Which companies showed interest and hold NDAs: the team, the hub and the overseers, never other companies.
rules.add_perm("seeds.view_seed_matching", is_signed_in & can_read_in_full)
# Registration at a hub: hub staff (for their hub) and researchers (for their own seed, at any hub).
rules.add_perm("seeds.add_seed", is_signed_in & (is_hub_staff | is_researcher))
rules.add_perm("seeds.change_seed", is_signed_in & (is_seed_hub_staff | is_seed_team))
rules.add_perm("seeds.add_progress", is_signed_in & (is_seed_hub_staff | is_seed_team))
rules.add_perm("seeds.add_outcome", is_signed_in & (is_seed_hub_staff | is_seed_team))
rules.add_perm("seeds.add_funding", is_signed_in & is_seed_hub_staff)
rules.add_perm("seeds.add_nda", is_signed_in & is_seed_hub_staff)
# The hub runs its stage-gates: opens review rounds, assigns reviewers, records the panel's decision.
rules.add_perm("seeds.manage_stage_gates", is_signed_in & is_seed_hub_staff)
rules.add_perm("seeds.add_interest", is_signed_in & is_company_member & is_listed_for_companies)
# Dashboards: the nationwide one for every hub and the overseers; a hub's own for its staff and the overseers.
rules.add_perm("seeds.view_dashboard", is_signed_in & (is_hub_staff | is_overseer))
rules.add_perm("seeds.view_hub_dashboard", is_signed_in & (is_overseer | manages_hub))

# What a refused user reads, on the 403 page and in the API's 403 answer alike.
register_refusals(
    {
        "seeds.view_seed_list": _("You may not see seeds."),
        "seeds.view_seed": _("You may not see this seed."),
        "seeds.view_seed_details": _(
            "Only the seed's team, its hub's staff, the agency, the ministry and companies with an NDA read "
            "its details."
        ),
        "seeds.view_seed_matching": _(
            "Only the seed's team, its hub's staff, the agency and the ministry see which companies are "
            "interested and hold NDAs."
        ),
        "seeds.add_seed": _("Only hub staff and researchers may register seeds."),
        "seeds.change_seed": _("Only the seed's team and its hub's staff may change it."),
        "seeds.add_progress": _("Only the team and the hub's staff plan milestones and report progress."),
        "seeds.add_outcome": _("Only the team and the hub's staff record outcomes."),
        "seeds.add_funding": _("Only the hub's staff record research funds."),
        "seeds.add_nda": _("Only the hub's staff record NDAs."),
        "seeds.manage_stage_gates": _("Only the hub's staff open stage-gate reviews."),
        "seeds.add_interest": _("Only company members may register interest, in seeds listed for companies."),
        "seeds.view_dashboard": _(
            "Only hub staff, the agency and the ministry see the nationwide dashboard."
        ),
        "seeds.view_hub_dashboard": _(
            "Only the hub's staff, the agency and the ministry see this hub's dashboard."
        ),
    }
)
