"""Who may see and do what in the cryo-EM network.

Facility operators (role facility_operator at the site organisation) manage their site's instruments,
qualifications, projects, bookings and usage; users see and book for their own projects (those they
prepared or their organisation's); the ministry and the agency see the network's aggregates."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.choices import Role
from kiban.core.permissions import register_refusals
from kiban.core.rules import has_role, is_agency_officer, is_ministry_official, is_signed_in
from kiban.core.selectors import member_organisation_ids, role_organisation_ids

is_official = is_ministry_official | is_agency_officer
is_operator = has_role(Role.FACILITY_OPERATOR)
may_apply = has_role(Role.RESEARCHER, Role.COMPANY, Role.HUB_STAFF, Role.FACILITY_OPERATOR)


def _site_id(obj) -> int | None:
    """The site an instrument, project, booking or block belongs to."""
    if obj is None:
        return None
    for path in ("site_id", "instrument.site_id", "booking.instrument.site_id"):
        value = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return value
    return None


def _project(obj):
    if obj is None:
        return None
    if hasattr(obj, "billing_account_id"):
        return obj
    return getattr(obj, "project", None) or getattr(getattr(obj, "booking", None), "project", None)


@rules.predicate
def operates_site(user, obj) -> bool:
    """A facility operator of the site the record belongs to."""
    site = _site_id(obj)
    return site is not None and site in role_organisation_ids(user=user, role=Role.FACILITY_OPERATOR)


@rules.predicate
def operates_project_site(user, obj) -> bool:
    """A facility operator of the project's host site, or of the instrument the booking is on."""
    project = _project(obj)
    if project is None:
        return False
    operated = role_organisation_ids(user=user, role=Role.FACILITY_OPERATOR)
    return project.site_id in operated or _site_id(obj) in operated


@rules.predicate
def is_project_member(user, obj) -> bool:
    """Who prepared the project, or a member of its user organisation."""
    project = _project(obj)
    return project is not None and (
        project.created_by_id == user.pk or project.organisation_id in member_organisation_ids(user=user)
    )


# The registry, the instruments and their calendars (busy slots of others show only as "booked").
rules.add_perm("facilities.view_instrumentholding", is_signed_in)
rules.add_perm("facilities.view_instrument", is_signed_in)
# An instrument's details, blocks, reserved slots and qualifications: the site's operators.
rules.add_perm("facilities.change_instrument", is_signed_in & operates_site)
rules.add_perm("facilities.add_qualification", is_signed_in & operates_site)
# Projects: the list (each sees their own, operators their site's); applying; one project.
rules.add_perm("facilities.list_projects", is_signed_in & may_apply)
rules.add_perm("facilities.add_facilityproject", is_signed_in & may_apply)
rules.add_perm("facilities.view_facilityproject", is_signed_in & (is_project_member | operates_project_site))
rules.add_perm(
    "facilities.change_facilityproject", is_signed_in & (is_project_member | operates_project_site)
)
# The lifecycle (kiban.submissions.services): the applicant submits and withdraws; the host site decides.
rules.add_perm("facilities.submit_facilityproject", is_signed_in & is_project_member)
rules.add_perm("facilities.withdraw_facilityproject", is_signed_in & is_project_member)
for verb in ("return", "review", "decide", "start", "complete"):
    rules.add_perm(f"facilities.{verb}_facilityproject", is_signed_in & operates_project_site)
# Screening exemptions: the E2 site's operators.
rules.add_perm("facilities.add_screeningexemption", is_signed_in & operates_project_site)
# Bookings of a project: its members and the site's operators book, see and cancel them.
rules.add_perm("facilities.add_booking", is_signed_in & (is_project_member | operates_project_site))
rules.add_perm("facilities.view_booking", is_signed_in & (is_project_member | operates_project_site))
rules.add_perm("facilities.cancel_booking", is_signed_in & (is_project_member | operates_project_site))
# Grid records at an E1 session: the project's members and the site's operators.
rules.add_perm("facilities.add_gridrecord", is_signed_in & operates_site)
# The session log, no-shows, deposits topped up and monthly invoices: the site's operators.
rules.add_perm("facilities.add_usagesession", is_signed_in & operates_project_site)
rules.add_perm("facilities.manage_billing", is_signed_in & is_operator)
# Usage and billing downloads: everyone signed in, each seeing only the rows of projects they may see.
rules.add_perm("facilities.export_usage", is_signed_in & may_apply)
# The turnaround dashboard (aggregates): operators, the ministry and the agency.
rules.add_perm("facilities.view_dashboard", is_signed_in & (is_operator | is_official))
# A private calendar feed: every signed-in user makes and revokes their own.
rules.add_perm("facilities.add_feedtoken", is_signed_in)

register_refusals(
    {
        "facilities.view_instrumentholding": _("You may not see the instrument registry."),
        "facilities.view_instrument": _("Sign in to see the instruments and their calendars."),
        "facilities.change_instrument": _("Only the site's facility operators manage this instrument."),
        "facilities.add_qualification": _(
            "Only the site's facility operators qualify users on this instrument."
        ),
        "facilities.list_projects": _(
            "Only researchers, companies, hub staff and facility operators have projects."
        ),
        "facilities.add_facilityproject": _(
            "Only researchers, companies, hub staff and facility operators apply for facility use."
        ),
        "facilities.view_facilityproject": _("You may see only your own projects and those of your site."),
        "facilities.change_facilityproject": _(
            "You may change only your own projects and those of your site."
        ),
        "facilities.submit_facilityproject": _("Only the project's own users submit it."),
        "facilities.withdraw_facilityproject": _("Only the project's own users withdraw it."),
        "facilities.return_facilityproject": _("Only the host site's facility operators return a project."),
        "facilities.review_facilityproject": _("Only the host site's facility operators review a project."),
        "facilities.decide_facilityproject": _(
            "Only the host site's facility operators decide on a project."
        ),
        "facilities.start_facilityproject": _("Only the host site's facility operators start a project."),
        "facilities.complete_facilityproject": _(
            "Only the host site's facility operators complete a project."
        ),
        "facilities.add_screeningexemption": _(
            "Only the E2 site's facility operators exempt a sample from screening."
        ),
        "facilities.add_booking": _("You may book only for your own projects."),
        "facilities.view_booking": _("You may see only your own bookings and those of your site."),
        "facilities.cancel_booking": _("You may cancel only your own bookings and those of your site."),
        "facilities.add_gridrecord": _("Only the operators of the E1 site record its grids."),
        "facilities.add_usagesession": _("Only the site's facility operators log sessions."),
        "facilities.manage_billing": _("Only facility operators record deposits and issue invoices."),
        "facilities.export_usage": _("You may not download usage and billing."),
        "facilities.view_dashboard": _(
            "Only facility operators, the ministry and the agency see the turnaround dashboard."
        ),
        "facilities.add_feedtoken": _("Sign in to make a calendar feed."),
    }
)
