"""Who may do what with the bioresource catalogue.

Anyone, signed in or not, browses the catalogue. Researchers and company members order for their institution
and register its biosafety facilities. Centre staff are facility operators (role `facility_operator`) of an
organisation of kind resource centre: they manage their centre's resources, lots, orders, shipments and the
deposits made to it. Depositors see, and approve or decline, the requests for their resources whose terms
ask for it. The ministry and the agency (AMED) see the statistics."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.choices import Role
from kiban.core.permissions import register_refusals
from kiban.core.rules import has_role, is_agency_officer, is_auditor, is_ministry_official, is_signed_in

from .models import Resource
from .selectors import staffed_centre_ids

may_order = has_role(Role.RESEARCHER, Role.COMPANY)


@rules.predicate
def is_centre_staff(user) -> bool:
    """A facility operator of any resource centre."""
    return bool(getattr(user, "is_authenticated", False) and staffed_centre_ids(user=user))


@rules.predicate
def is_depositor(user) -> bool:
    """Someone who deposited a resource of the catalogue."""
    if not getattr(user, "is_authenticated", False):
        return False
    cache = user.__dict__
    if "_kiban_is_depositor" not in cache:
        cache["_kiban_is_depositor"] = Resource.objects.filter(depositor=user).exists()
    return cache["_kiban_is_depositor"]


def _centre_of(obj) -> int | None:
    if obj is None:
        return None
    for path in ("centre_id", "resource.centre_id", "order.centre_id"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None:
            return value
    return None


@rules.predicate
def staffs_centre_of(user, obj) -> bool:
    """Staff of the centre the resource, lot, order or deposit belongs to."""
    centre = _centre_of(obj)
    return centre is not None and centre in staffed_centre_ids(user=user)


@rules.predicate
def prepared_it(user, obj) -> bool:
    return obj is not None and obj.created_by_id == user.pk


@rules.predicate
def is_editable(user, obj) -> bool:
    return obj is not None and obj.is_editable


@rules.predicate
def is_sent(user, obj) -> bool:
    """Past its draft: the centre sees an order or a deposit once it has been submitted."""
    return obj is not None and (obj.state != "draft" or obj.submitted_at is not None)


@rules.predicate
def deposited_resource_of(user, line) -> bool:
    return line is not None and line.resource.depositor_id == user.pk


# The catalogue and each resource page: everyone, without signing in.
rules.add_perm("bioresources.view_catalogue", rules.always_allow)
rules.add_perm("bioresources.view_resource", rules.always_allow)
# The cart and orders: researchers and company members, for their institution.
rules.add_perm("bioresources.add_resourceorder", is_signed_in & may_order)
rules.add_perm(
    "bioresources.view_resourceorder",
    is_signed_in & (prepared_it | (staffs_centre_of & is_sent) | is_auditor),
)
rules.add_perm("bioresources.change_resourceorder", is_signed_in & prepared_it & is_editable)
rules.add_perm("bioresources.submit_resourceorder", is_signed_in & prepared_it)
rules.add_perm("bioresources.withdraw_resourceorder", is_signed_in & prepared_it)
rules.add_perm("bioresources.return_resourceorder", is_signed_in & staffs_centre_of)
rules.add_perm("bioresources.review_resourceorder", is_signed_in & staffs_centre_of)
rules.add_perm("bioresources.decide_resourceorder", is_signed_in & staffs_centre_of)
rules.add_perm("bioresources.start_resourceorder", is_signed_in & staffs_centre_of)
# The parcel's receipt completes the order: the recipient confirms it (or the centre records it).
rules.add_perm("bioresources.complete_resourceorder", is_signed_in & (prepared_it | staffs_centre_of))
rules.add_perm("bioresources.ship_resourceorder", is_signed_in & staffs_centre_of)
# A biosafety facility is registered by a researcher (or company member) of the institution it belongs to.
rules.add_perm("bioresources.add_biosafetyfacility", is_signed_in & may_order)
# The centre desk: its staff manage the centre's resources, lots and QC.
rules.add_perm("bioresources.view_centre", is_signed_in & is_centre_staff)
rules.add_perm("bioresources.change_resource", is_signed_in & staffs_centre_of)
rules.add_perm("bioresources.change_lot", is_signed_in & staffs_centre_of)
# Deposits: a researcher deposits; the centre screens and accepts.
rules.add_perm("bioresources.add_deposit", is_signed_in & may_order)
rules.add_perm(
    "bioresources.view_deposit", is_signed_in & (prepared_it | (staffs_centre_of & is_sent) | is_auditor)
)
rules.add_perm("bioresources.change_deposit", is_signed_in & prepared_it & is_editable)
rules.add_perm("bioresources.submit_deposit", is_signed_in & prepared_it)
rules.add_perm("bioresources.withdraw_deposit", is_signed_in & prepared_it)
rules.add_perm("bioresources.return_deposit", is_signed_in & staffs_centre_of)
rules.add_perm("bioresources.review_deposit", is_signed_in & staffs_centre_of)
rules.add_perm("bioresources.decide_deposit", is_signed_in & staffs_centre_of)
# Depositors whose terms ask for it approve each request for their resource.
rules.add_perm("bioresources.view_depositor_requests", is_signed_in & is_depositor)
rules.add_perm("bioresources.decide_orderline", is_signed_in & deposited_resource_of)
# Papers that used a resource: the users who received it report them.
rules.add_perm("bioresources.add_paperreport", is_signed_in & may_order)
# Statistics: the ministry and the agency (AMED).
rules.add_perm("bioresources.view_statistics", is_signed_in & (is_ministry_official | is_agency_officer))

register_refusals(
    {
        "bioresources.view_catalogue": _("You may not browse the catalogue."),
        "bioresources.view_resource": _("You may not see this resource."),
        "bioresources.add_resourceorder": _("Only researchers and company members order bioresources."),
        "bioresources.view_resourceorder": _("Only the orderer and the centre's staff see an order."),
        "bioresources.change_resourceorder": _(
            "Only the orderer changes an order, and only while it is a draft or returned for changes."
        ),
        "bioresources.submit_resourceorder": _("Only the orderer submits an order."),
        "bioresources.withdraw_resourceorder": _("Only the orderer withdraws an order."),
        "bioresources.return_resourceorder": _("Only the centre's staff return an order for changes."),
        "bioresources.review_resourceorder": _("Only the centre's staff review an order."),
        "bioresources.decide_resourceorder": _("Only the centre's staff accept or decline an order."),
        "bioresources.start_resourceorder": _("Only the centre's staff prepare an order."),
        "bioresources.complete_resourceorder": _(
            "Only the orderer and the centre's staff record an order received."
        ),
        "bioresources.ship_resourceorder": _("Only the centre's staff pack and ship an order."),
        "bioresources.add_biosafetyfacility": _(
            "Only researchers and company members register their institution's biosafety facilities."
        ),
        "bioresources.view_centre": _("Only the staff of a resource centre open the centre desk."),
        "bioresources.change_resource": _("Only the centre's staff change its resources."),
        "bioresources.change_lot": _("Only the centre's staff record lots and QC tests."),
        "bioresources.add_deposit": _("Only researchers and company members deposit resources."),
        "bioresources.view_deposit": _("Only the depositor and the centre's staff see a deposit."),
        "bioresources.change_deposit": _(
            "Only the depositor changes a deposit, and only while it is a draft or returned for changes."
        ),
        "bioresources.submit_deposit": _("Only the depositor submits a deposit."),
        "bioresources.withdraw_deposit": _("Only the depositor withdraws a deposit."),
        "bioresources.return_deposit": _("Only the centre's staff return a deposit for changes."),
        "bioresources.review_deposit": _("Only the centre's staff screen a deposit."),
        "bioresources.decide_deposit": _("Only the centre's staff accept or decline a deposit."),
        "bioresources.view_depositor_requests": _("Only depositors see the requests for their resources."),
        "bioresources.decide_orderline": _("Only the resource's depositor approves a request for it."),
        "bioresources.add_paperreport": _("Only researchers and company members report papers."),
        "bioresources.view_statistics": _("Only the ministry and the agency see the bioresource statistics."),
    }
)
