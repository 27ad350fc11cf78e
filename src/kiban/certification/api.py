"""Certification API: certified institutions and eligibility, the function catalogue, applications as each
user may see them (prepared by the applicant's hub staff), calls and entries."""

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from kiban.core.apikit import WRITE_REFUSALS, ApiError, Page, Rows, responses
from kiban.core.inputs import Count, Id, Year
from kiban.core.models import Organisation
from kiban.core.permissions import require
from kiban.submissions.models import Call

from . import selectors, services
from .eligibility import CERTIFIED_INSTITUTIONS_ONLY
from .models import Certificate, CertificationApplication, CertificationRound, FunctionItem, StaffMember

router = Router(tags=["certification (S2)"])


class CertificateOut(Schema):
    id: int
    number: str
    organisation_id: int
    organisation: str
    valid_from: datetime.date
    valid_until: datetime.date
    issued_on: datetime.date
    renews_id: int | None
    valid_on_day: bool


class EligibilityOut(Schema):
    organisation_id: int
    on: datetime.date
    certified: bool
    certificate_number: str | None


class FunctionItemOut(Schema):
    code: str
    function_class: int
    category: str
    group: str
    name: str
    name_en: str
    outcome_kind: str


class ApplicationSummaryOut(Schema):
    id: int
    round_id: int
    round: str
    organisation_id: int
    organisation: str
    state: str
    renews_id: int | None
    submitted_at: datetime.datetime | None


class ResponseOut(Schema):
    item: str
    provision: str
    partner_ids: list[int]
    description: str


class StaffOut(Schema):
    id: int
    role: str
    person_name: str
    title: str
    organisation_id: int
    fte: Decimal


class OutcomeRowOut(Schema):
    fiscal_year: int
    kind: str
    stated: int | None
    s1_records: int
    difference: int | None


class TrainingOut(Schema):
    item: str
    title: str
    fiscal_year: int
    trainees: int


class ApplicationOut(ApplicationSummaryOut):
    hub_statement: str
    organisation_statement: str
    track_record_statement: str
    training_statement: str
    responses: list[ResponseOut]
    staff: list[StaffOut]
    staff_total_fte: Decimal
    outcomes: list[OutcomeRowOut]
    training: list[TrainingOut]
    certificate_id: int | None
    submission_problems: list[str]


class ApplicationIn(Schema):
    round_id: Id
    organisation_id: Id
    renews_id: Id | None = None


class StatementsIn(Schema):
    hub_statement: str = ""
    organisation_statement: str = ""
    track_record_statement: str = ""
    training_statement: str = ""


class ResponseIn(Schema):
    provision: str
    partner_ids: list[Id] = []
    description: str = ""


class StaffIn(Schema):
    role: str
    person_name: str
    title: str = ""
    organisation_id: Id
    fte: Decimal


class OutcomeCountIn(Schema):
    fiscal_year: Year
    kind: str
    count: Count


class ReturnIn(Schema):
    reason: str


class CallOut(Schema):
    id: int
    title: str
    title_en: str
    programme_id: int | None
    eligibility: list[str]
    certified_only: bool
    opens_on: datetime.date
    closes_on: datetime.date

    @staticmethod
    def resolve_certified_only(call: Call) -> bool:
        return CERTIFIED_INSTITUTIONS_ONLY.code in call.eligibility


class EntryIn(Schema):
    organisation_id: Id
    title: str


class EntryOut(Schema):
    id: int
    call_id: int
    organisation_id: int
    title: str


def _certificate_out(certificate: Certificate, day: datetime.date) -> dict:
    return {
        "id": certificate.pk,
        "number": certificate.number,
        "organisation_id": certificate.organisation_id,
        "organisation": certificate.organisation.name,
        "valid_from": certificate.valid_from,
        "valid_until": certificate.valid_until,
        "issued_on": certificate.issued_on,
        "renews_id": certificate.renews_id,
        "valid_on_day": certificate.is_valid_on(day),
    }


def _summary(application: CertificationApplication) -> dict:
    return {
        "id": application.pk,
        "round_id": application.round_id,
        "round": application.round.title,
        "organisation_id": application.organisation_id,
        "organisation": application.organisation.name,
        "state": application.state,
        "renews_id": application.renews_id,
        "submitted_at": application.submitted_at,
    }


def _visible(request, application_id: int, *, change: bool = False) -> CertificationApplication:
    application = get_object_or_404(CertificationApplication, pk=application_id)
    require(request.user, "certification.view_certificationapplication", application)
    if change:
        require(request.user, "certification.change_certificationapplication", application)
    return selectors.application_detail(pk=application_id)


def _application_out(request, application_id: int) -> dict:
    application = _visible(request, application_id)
    roster = selectors.roster(application=application)
    comparison = selectors.outcome_comparison(application=application)
    can_change = request.user.has_perm("certification.change_certificationapplication", application)
    return {
        **_summary(application),
        "hub_statement": application.hub_statement,
        "organisation_statement": application.organisation_statement,
        "track_record_statement": application.track_record_statement,
        "training_statement": application.training_statement,
        "responses": [
            {
                "item": r.item.code,
                "provision": r.provision,
                "partner_ids": [p.pk for p in r.partners.all()],
                "description": r.description,
            }
            for r in application.responses.all()
        ],
        "staff": [
            {
                "id": m.pk,
                "role": m.role.code,
                "person_name": m.person_name,
                "title": m.title,
                "organisation_id": m.organisation_id,
                "fte": m.fte,
            }
            for role in roster.roles
            for m in role.members
        ],
        "staff_total_fte": roster.total_fte,
        "outcomes": [
            {
                "fiscal_year": year,
                "kind": kind,
                "stated": cell.reported,
                "s1_records": cell.recorded,
                "difference": cell.difference,
            }
            for (year, kind), cell in comparison.cells.items()
        ],
        "training": [
            {"item": t.item.code, "title": t.title, "fiscal_year": t.fiscal_year, "trainees": t.trainees}
            for t in application.training.all()
        ],
        "certificate_id": getattr(getattr(application, "certificate", None), "pk", None),
        "submission_problems": application.submission_problems() if can_change else [],
    }


def _day(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


@router.get(
    "/certificates",
    response=responses(list[CertificateOut], 403),
    summary="Every certificate (any signed-in user)",
)
@paginate(Page)
def certificate_list(request, on: datetime.date | None = None, valid_only: bool = False):
    """`on` (YYYY-MM-DD, default today) sets the day `valid_on_day` is judged on; `valid_only` lists only the
    certificates valid that day: the certified institutions."""
    require(request.user, "certification.view_certificate")
    day = _day(on)
    certificates = selectors.certified_institutions(on=day) if valid_only else selectors.certificate_list()
    return Rows(certificates, lambda certificate: _certificate_out(certificate, day))


@router.get(
    "/certificates/{certificate_id}", response=responses(CertificateOut, 403, 404), summary="One certificate"
)
def certificate_detail(request, certificate_id: Id, on: datetime.date | None = None):
    require(request.user, "certification.view_certificate")
    certificate = get_object_or_404(selectors.certificate_list(), pk=certificate_id)
    return _certificate_out(certificate, _day(on))


@router.get(
    "/eligibility",
    response=responses(EligibilityOut, 404),
    summary="Whether an institution is certified on a day (any signed-in user)",
)
def eligibility(request, organisation_id: Id, on: datetime.date | None = None):
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    day = _day(on)
    certificate = selectors.valid_certificate(organisation=organisation, on=day)
    return {
        "organisation_id": organisation.pk,
        "on": day,
        "certified": certificate is not None,
        "certificate_number": certificate.number if certificate else None,
    }


@router.get(
    "/functions", response=responses(list[FunctionItemOut], 403), summary="The function table (classes ①②③)"
)
@paginate(Page)
def function_list(request):
    require(request.user, "certification.view_functionitem")
    return selectors.function_items()


@router.get(
    "/applications",
    response=responses(list[ApplicationSummaryOut]),
    summary="Applications you may see (hub staff: their own; reviewers: assigned; ministry and agency: all)",
)
@paginate(Page)
def application_list(request):
    return Rows(selectors.application_list(user=request.user), _summary)


@router.post(
    "/applications",
    response=responses(ApplicationOut, *WRITE_REFUSALS, status=201),
    summary="Start a draft (hub staff)",
)
def application_create(request, payload: ApplicationIn):
    require(request.user, "certification.add_certificationapplication")
    application = services.application_create(
        round=get_object_or_404(CertificationRound, pk=payload.round_id),
        organisation=get_object_or_404(Organisation, pk=payload.organisation_id),
        renews=get_object_or_404(Certificate, pk=payload.renews_id) if payload.renews_id else None,
        actor=request.user,
    )
    return Status(201, _application_out(request, application.pk))


@router.get(
    "/applications/{application_id}",
    response=responses(ApplicationOut, 403, 404),
    summary="One application in full",
)
def application_detail(request, application_id: Id):
    return _application_out(request, application_id)


@router.put(
    "/applications/{application_id}/requirements",
    response=responses(ApplicationOut, *WRITE_REFUSALS),
    summary="Requirements A–D",
)
def application_statements(request, application_id: Id, payload: StatementsIn):
    application = _visible(request, application_id, change=True)
    services.application_update_statements(application=application, actor=request.user, **payload.dict())
    return _application_out(request, application_id)


@router.put(
    "/applications/{application_id}/functions/{item_code}",
    response=responses(ResponseOut, *WRITE_REFUSALS),
    summary="Whether one function is in place (partners for class ② only)",
)
def function_response(request, application_id: Id, item_code: str, payload: ResponseIn):
    application = _visible(request, application_id, change=True)
    item = get_object_or_404(FunctionItem, code=item_code)
    partners = list(Organisation.objects.filter(pk__in=payload.partner_ids))
    if len(partners) != len(set(payload.partner_ids)):
        raise ApiError(400, _("Some partner_ids name no organisation."), "unknown_partner")
    response = services.function_response_save(
        application=application,
        item=item,
        provision=payload.provision,
        partners=partners,
        description=payload.description,
        actor=request.user,
    )
    return {
        "item": item.code,
        "provision": response.provision,
        "partner_ids": [p.pk for p in partners],
        "description": response.description,
    }


@router.post(
    "/applications/{application_id}/staff",
    response=responses(StaffOut, *WRITE_REFUSALS, status=201),
    summary="Add a person to the roster (FTE 0–1 per role, at most 1 per person)",
)
def staff_add(request, application_id: Id, payload: StaffIn):
    application = _visible(request, application_id, change=True)
    member = services.staff_member_add(
        application=application,
        role=get_object_or_404(FunctionItem, code=payload.role),
        person_name=payload.person_name,
        title=payload.title,
        organisation=get_object_or_404(Organisation, pk=payload.organisation_id),
        fte=payload.fte,
        actor=request.user,
    )
    return Status(
        201,
        {
            "id": member.pk,
            "role": member.role.code,
            "person_name": member.person_name,
            "title": member.title,
            "organisation_id": member.organisation_id,
            "fte": member.fte,
        },
    )


@router.delete(
    "/applications/{application_id}/staff/{member_id}",
    response=responses(None, *WRITE_REFUSALS, status=204),
)
def staff_remove(request, application_id: Id, member_id: Id):
    application = _visible(request, application_id, change=True)
    services.staff_member_remove(
        member=get_object_or_404(StaffMember, pk=member_id, application=application), actor=request.user
    )
    return Status(204, None)


@router.put(
    "/applications/{application_id}/outcomes",
    response=responses(ApplicationOut, *WRITE_REFUSALS),
    summary="The institution's own outcome figures for the last five fiscal years",
)
def outcomes_save(request, application_id: Id, payload: list[OutcomeCountIn]):
    application = _visible(request, application_id, change=True)
    services.reported_outcomes_save(
        application=application,
        counts={(row.fiscal_year, row.kind): row.count for row in payload},
        actor=request.user,
    )
    return _application_out(request, application_id)


@router.post(
    "/applications/{application_id}/submit",
    response=responses(ApplicationOut, *WRITE_REFUSALS),
    summary="Submit a complete draft, or resubmit one returned for changes",
)
def application_submit(request, application_id: Id):
    application = _visible(request, application_id, change=True)
    services.application_submit(application=application, actor=request.user)
    return _application_out(request, application_id)


@router.post(
    "/applications/{application_id}/return",
    response=responses(ApplicationOut, *WRITE_REFUSALS),
    summary="Return a submitted application for changes (差戻し), saying what (ministry and agency)",
)
def application_return(request, application_id: Id, payload: ReturnIn):
    application = _visible(request, application_id)  # the service refuses anyone but the officials
    services.application_return(application=application, reason=payload.reason, actor=request.user)
    return _application_out(request, application_id)


class WithdrawIn(Schema):
    reason: str = ""


@router.post(
    "/applications/{application_id}/withdraw",
    response=responses(ApplicationOut, *WRITE_REFUSALS),
    summary="Withdraw an application not yet decided (the applicant's hub staff)",
)
def application_withdraw(request, application_id: Id, payload: WithdrawIn):
    application = _visible(request, application_id)  # the service refuses anyone but the applicant's staff
    services.application_withdraw(application=application, reason=payload.reason, actor=request.user)
    return _application_out(request, application_id)


@router.get("/calls", response=responses(list[CallOut], 403), summary="Calls (any signed-in user)")
@paginate(Page)
def call_list(request):
    require(request.user, "certification.view_call")
    return selectors.call_list()


@router.post(
    "/calls/{call_id}/entries",
    response=responses(EntryOut, *WRITE_REFUSALS, status=201),
    summary="Enter your institution (refused, with the reason, when the call is for certified institutions)",
)
def call_enter(request, call_id: Id, payload: EntryIn):
    require(request.user, "certification.add_callentry")
    entry = services.call_entry_create(
        call=get_object_or_404(selectors.call_list(), pk=call_id),
        organisation=get_object_or_404(Organisation, pk=payload.organisation_id),
        title=payload.title,
        actor=request.user,
    )
    return Status(201, entry)
