"""Who may see and change certification applications, certificates and calls."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.permissions import register_refusals
from kiban.core.rules import (
    is_agency_officer,
    is_hub_staff,
    is_ministry_official,
    is_signed_in,
    works_for_hub_of,
)

from .selectors import reviewed_application_ids

is_official = is_ministry_official | is_agency_officer
# Hub staff of the applying institution's hub group (the hub and its sharing institutions).
is_applicant_staff = works_for_hub_of(
    lambda application: application.organisation_id, name="is_applicant_staff"
)


@rules.predicate
def is_assigned_reviewer(user, application) -> bool:
    """A reviewer assigned to a review round of the application and not conflicted."""
    return application is not None and application.pk in reviewed_application_ids(user=user)


@rules.predicate
def is_editable(user, application) -> bool:
    """A draft, or an application returned for changes."""
    return application is not None and application.is_editable


# Certified institutions and their certificates are public to everyone signed in, and so are calls.
rules.add_perm("certification.view_certificate", is_signed_in)
rules.add_perm("certification.view_call", is_signed_in)
# The function catalogue (the source's table) is public.
rules.add_perm("certification.view_functionitem", is_signed_in)
# The list of applications: hub staff (their own institution's), the ministry and the agency (all).
rules.add_perm("certification.list_applications", is_signed_in & (is_hub_staff | is_official))
# One application: hub staff of the applicant, assigned reviewers who are not conflicted, the ministry and
# the agency. Hub staff of other institutions see nothing of it.
rules.add_perm(
    "certification.view_certificationapplication",
    is_signed_in & (is_applicant_staff | is_official | is_assigned_reviewer),
)
# Hub staff start an application for their own institution, prepare it while it is a draft and submit it.
rules.add_perm("certification.add_certificationapplication", is_signed_in & is_hub_staff)
rules.add_perm(
    "certification.change_certificationapplication", is_signed_in & is_applicant_staff & is_editable
)
# The lifecycle's actions (kiban.submissions.services checks <app>.<verb>_<model>): the applicant's hub
# staff submit, resubmit and withdraw; the ministry and the agency return an application for changes
# (差戻し) and put it under review (by opening a review round).
rules.add_perm("certification.submit_certificationapplication", is_signed_in & is_applicant_staff)
rules.add_perm("certification.withdraw_certificationapplication", is_signed_in & is_applicant_staff)
rules.add_perm("certification.return_certificationapplication", is_signed_in & is_official)
rules.add_perm("certification.review_certificationapplication", is_signed_in & is_official)
# The minister decides (through the review engine) and may set a certificate's validity otherwise.
rules.add_perm("certification.decide_certificationapplication", is_signed_in & is_ministry_official)
rules.add_perm("certification.change_certificate", is_signed_in & is_ministry_official)
# The ministry and the agency open calls; hub staff enter their institution into one.
rules.add_perm("certification.add_call", is_signed_in & is_official)
rules.add_perm("certification.add_callentry", is_signed_in & is_hub_staff)
# Entries to a call: the ministry and the agency see all; hub staff their own institution's.
rules.add_perm("certification.view_callentry", is_signed_in & (is_official | is_hub_staff))

# What a refused user reads, on the 403 page and in the API's 403 answer alike.
register_refusals(
    {
        "certification.view_certificate": _("You may not see certificates."),
        "certification.view_call": _("You may not see calls."),
        "certification.view_functionitem": _("You may not see the function table."),
        "certification.list_applications": _(
            "Only hub staff, the ministry and the agency see certification applications."
        ),
        "certification.view_certificationapplication": _("You may not see this application."),
        "certification.add_certificationapplication": _("Only hub staff apply for certification."),
        "certification.change_certificationapplication": _(
            "Only the applicant's hub staff change an application, and only while it is a draft or "
            "returned for changes."
        ),
        "certification.submit_certificationapplication": _(
            "Only the applicant's hub staff submit an application."
        ),
        "certification.withdraw_certificationapplication": _(
            "Only the applicant's hub staff withdraw an application."
        ),
        "certification.return_certificationapplication": _(
            "Only the ministry and the agency return an application for changes."
        ),
        "certification.review_certificationapplication": _(
            "Only the ministry and the agency put an application under review."
        ),
        "certification.decide_certificationapplication": _("Only the ministry decides on certification."),
        "certification.change_certificate": _("Only the ministry changes a certificate's validity."),
        "certification.add_call": _("Only the ministry and the agency open calls."),
        "certification.add_callentry": _("Only hub staff enter their institution into a call."),
        "certification.view_callentry": _(
            "Only the ministry, the agency and hub staff see a call's entries."
        ),
    }
)
