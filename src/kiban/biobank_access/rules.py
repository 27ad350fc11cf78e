"""Who may see and act on access requests: the researcher their own requests; a biobank's curators the parts
addressed to their biobank (with the request's summary and ethics approval needed to decide), never another
biobank's part; everyone else nothing."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.biobank.rules import curates_biobank
from kiban.core.choices import Role
from kiban.core.permissions import register_refusals
from kiban.core.rules import has_role, is_signed_in

from . import selectors
from .choices import PartState

is_researcher = has_role(Role.RESEARCHER)


def _request_of(obj):
    return getattr(obj, "request", obj)


@rules.predicate
def is_applicant(user, obj) -> bool:
    """The researcher who prepared or submitted the request."""
    request = _request_of(obj)
    return request is not None and user.pk in (request.created_by_id, request.submitted_by_id)


@rules.predicate
def is_curator(user) -> bool:
    """A curator of at least one biobank."""
    return bool(selectors.curated_biobank_ids(user=user))


@rules.predicate
def is_addressed_curator(user, request) -> bool:
    """A curator of a biobank a part of the (submitted) request is addressed to."""
    request = _request_of(request)
    if request is None or request.is_draft:
        return False
    biobanks = selectors.curated_biobank_ids(user=user)
    return bool(biobanks) and request.parts.filter(biobank_id__in=biobanks).exists()


@rules.predicate
def is_part_curator(user, part) -> bool:
    """A curator of the biobank the (submitted) part is addressed to."""
    return part is not None and part.state != PartState.DRAFT and curates_biobank(user, part.biobank)


# Who handles a part (its steps, its committee's round, its agreement): its biobank's curators, except the
# researcher who made the request, who may also be a curator there and never handles their own request.
handles_part = is_part_curator & ~is_applicant


@rules.predicate
def is_editable(user, request) -> bool:
    return request is not None and request.is_editable


rules.add_perm("biobank_access.list_accessrequests", is_signed_in & is_researcher)
rules.add_perm("biobank_access.add_accessrequest", is_signed_in & is_researcher)
rules.add_perm("biobank_access.view_accessrequest", is_signed_in & (is_applicant | is_addressed_curator))
rules.add_perm("biobank_access.change_accessrequest", is_signed_in & is_applicant & is_editable)
rules.add_perm("biobank_access.submit_accessrequest", is_signed_in & is_applicant)
rules.add_perm("biobank_access.withdraw_accessrequest", is_signed_in & is_applicant)
# The request's own lifecycle follows its parts: the curator whose step moves it moves it.
handles_request = is_addressed_curator & ~is_applicant
for verb in ("review", "decide", "start", "complete"):
    rules.add_perm(f"biobank_access.{verb}_accessrequest", is_signed_in & handles_request)
rules.add_perm("biobank_access.return_accessrequest", rules.always_deny)
rules.add_perm("biobank_access.view_accesspart", is_signed_in & (is_applicant | is_part_curator))
rules.add_perm("biobank_access.handle_accesspart", is_signed_in & handles_part)
rules.add_perm("biobank_access.view_internal_note", is_signed_in & handles_part)
rules.add_perm("biobank_access.add_partmessage", is_signed_in & (is_applicant | is_part_curator))
rules.add_perm("biobank_access.view_desk", is_signed_in & is_curator)

register_refusals(
    {
        "biobank_access.list_accessrequests": _("Only researchers make access requests to the biobanks."),
        "biobank_access.add_accessrequest": _("Only researchers make access requests to the biobanks."),
        "biobank_access.view_accessrequest": _(
            "Only the researcher who made it and the curators of the biobanks it is addressed to see this "
            "access request."
        ),
        "biobank_access.change_accessrequest": _(
            "Only the researcher changes an access request, and only while it is a draft."
        ),
        "biobank_access.submit_accessrequest": _(
            "Only the researcher who prepared it submits an access request."
        ),
        "biobank_access.withdraw_accessrequest": _(
            "Only the researcher who made it withdraws an access request."
        ),
        **{
            f"biobank_access.{verb}_accessrequest": _(
                "Only the curators of the biobanks addressed handle this request, and never the researcher "
                "who made it."
            )
            for verb in ("review", "decide", "start", "complete")
        },
        "biobank_access.return_accessrequest": _(
            "An access request is not returned as a whole; each biobank answers its own part."
        ),
        "biobank_access.view_accesspart": _(
            "Only the researcher and the curators of the biobank it is addressed to see this part of the "
            "request."
        ),
        "biobank_access.handle_accesspart": _(
            "Only the curators of the biobank this part is addressed to handle it, and never the researcher "
            "who made the request."
        ),
        "biobank_access.view_internal_note": _(
            "Only the biobank's own curators read its internal note, and never the researcher who made the "
            "request."
        ),
        "biobank_access.add_partmessage": _(
            "Only the researcher and the curators of the biobank this part is addressed to write about it."
        ),
        "biobank_access.view_desk": _("Only biobank curators have a desk of access requests."),
    }
)
