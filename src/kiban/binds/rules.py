"""Who may see and change BINDS support: applicants, unit staff, headquarters (PS/PO), the ministry."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.choices import Role
from kiban.core.permissions import register_refusals
from kiban.core.rules import has_role, is_agency_officer, is_ministry_official, is_signed_in

from . import selectors
from .choices import UnitRole

is_official = is_ministry_official | is_agency_officer
is_researcher = has_role(Role.RESEARCHER)
is_company = has_role(Role.COMPANY)


@rules.predicate
def is_headquarters(user) -> bool:
    """A PS or PO of the BINDS headquarters (ヘッドクォーター)."""
    return selectors.is_headquarters_member(user=user)


@rules.predicate
def is_unit_member(user) -> bool:
    return bool(selectors.member_unit_ids(user=user))


def _application_of(obj):
    return getattr(obj, "application", obj)


@rules.predicate
def is_applicant(user, obj) -> bool:
    """The researcher who prepared or submitted the application."""
    application = _application_of(obj)
    return application is not None and user.pk in (application.created_by_id, application.submitted_by_id)


@rules.predicate
def is_involved_unit(user, obj) -> bool:
    """Staff of a unit an item of the (submitted) application is routed to."""
    application = _application_of(obj)
    if application is None or application.is_draft:
        return False
    units = selectors.member_unit_ids(user=user)
    return bool(units) and bool(units & selectors.involved_unit_ids(application=application))


@rules.predicate
def is_item_unit(user, item) -> bool:
    """Staff of the unit the item is routed to."""
    return (
        item is not None and item.unit_id is not None and item.unit_id in selectors.member_unit_ids(user=user)
    )


@rules.predicate
def is_item_unit_lead(user, item) -> bool:
    """The lead of the unit the item is routed to: who screens it."""
    return item is not None and item.unit_id in selectors.member_unit_ids(user=user, roles=(UnitRole.LEAD,))


@rules.predicate
def is_task_unit(user, task) -> bool:
    return task is not None and is_item_unit.test(user, task.item)


@rules.predicate
def is_editable(user, application) -> bool:
    return application is not None and application.is_editable


@rules.predicate
def is_submitted(user, application) -> bool:
    """No longer a draft: a draft is the applicant's alone."""
    application = _application_of(application)
    return application is not None and not application.is_draft


@rules.predicate
def is_not_confidential(user, application) -> bool:
    return application is not None and not application.confidential


# The catalogue (units, menu, who delivers) is public, also to visitors who have not signed in.
rules.add_perm("binds.view_supportunit", rules.always_allow)
# Applications: the applicant, headquarters, the units involved, the ministry and the agency. A company
# member sees no academic application they did not prepare.
is_insider = is_applicant | is_headquarters | is_involved_unit
rules.add_perm(
    "binds.list_applications", is_signed_in & (is_researcher | is_headquarters | is_unit_member | is_official)
)
rules.add_perm(
    "binds.view_supportapplication",
    is_signed_in & (is_applicant | (is_submitted & ~is_company & (is_insider | is_official))),
)
# A confidential application's summary and target: only the applicant, the units involved and headquarters.
rules.add_perm(
    "binds.view_summary", is_signed_in & (is_insider | (is_not_confidential & ~is_company & is_official))
)
rules.add_perm("binds.add_supportapplication", is_signed_in & is_researcher)
rules.add_perm("binds.change_supportapplication", is_signed_in & is_applicant & is_editable)
rules.add_perm("binds.submit_supportapplication", is_signed_in & is_applicant)
rules.add_perm("binds.withdraw_supportapplication", is_signed_in & is_applicant)
rules.add_perm("binds.return_supportapplication", is_signed_in & is_headquarters)
# The application follows its items: the unit whose screening or review moves it, or headquarters.
rules.add_perm("binds.review_supportapplication", is_signed_in & (is_headquarters | is_involved_unit))
rules.add_perm("binds.decide_supportapplication", is_signed_in & (is_headquarters | is_involved_unit))
rules.add_perm("binds.start_supportapplication", is_signed_in & (is_headquarters | is_involved_unit))
rules.add_perm("binds.complete_supportapplication", is_signed_in & (is_headquarters | is_involved_unit))
rules.add_perm("binds.route_requesteditem", is_signed_in & is_headquarters)
rules.add_perm("binds.screen_requesteditem", is_signed_in & is_item_unit_lead)
rules.add_perm("binds.change_supporttask", is_signed_in & is_task_unit)
rules.add_perm("binds.open_facility_project", is_signed_in & is_applicant)
rules.add_perm("binds.add_message", is_signed_in & is_insider)
rules.add_perm("binds.add_progressreport", is_signed_in & is_applicant)
rules.add_perm("binds.add_outcome", is_signed_in & (is_applicant | is_involved_unit))
rules.add_perm("binds.view_dashboard", is_signed_in & (is_headquarters | is_unit_member | is_official))

register_refusals(
    {
        "binds.view_supportunit": _("You may not see the support catalogue."),
        "binds.list_applications": _(
            "Only researchers, BINDS units, headquarters, the ministry and the agency see "
            "support applications."
        ),
        "binds.view_supportapplication": _("You may not see this support application."),
        "binds.view_summary": _(
            "This application is confidential: only the units involved and headquarters read it."
        ),
        "binds.add_supportapplication": _("Only researchers apply for BINDS support."),
        "binds.change_supportapplication": _(
            "Only the applicant changes an application, and only while it is a draft or returned for changes."
        ),
        "binds.submit_supportapplication": _("Only the applicant submits an application."),
        "binds.withdraw_supportapplication": _("Only the applicant withdraws an application."),
        "binds.return_supportapplication": _("Only headquarters (PS/PO) returns an application for changes."),
        "binds.review_supportapplication": _(
            "Only the units involved and headquarters review an application."
        ),
        "binds.decide_supportapplication": _(
            "Only the units involved and headquarters decide on an application."
        ),
        "binds.start_supportapplication": _("Only the units involved and headquarters start the support."),
        "binds.complete_supportapplication": _(
            "Only the units involved and headquarters complete the support."
        ),
        "binds.route_requesteditem": _("Only headquarters (PS/PO) routes requested items to units."),
        "binds.screen_requesteditem": _("Only the lead of the unit an item is routed to screens it."),
        "binds.open_facility_project": _("Only the applicant takes a support item to the cryo-EM network."),
        "binds.change_supporttask": _("Only staff of the unit carrying out a task change it."),
        "binds.add_message": _(
            "Only the applicant, the units involved and headquarters write in this thread."
        ),
        "binds.add_progressreport": _("Only the applicant reports progress."),
        "binds.add_outcome": _("Only the applicant and the units involved report outcomes."),
        "binds.view_dashboard": _(
            "Only BINDS units, headquarters, the ministry and the agency see the dashboards."
        ),
    }
)
