"""Seeds API: seeds, their stage-gates and outcomes, company interest and NDAs, the dashboards; every answer
filtered by the same rules as the pages."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from kiban.core.apikit import WRITE_REFUSALS, ApiError, Page, Rows, filtered, responses
from kiban.core.inputs import Id, Year
from kiban.core.models import Organisation, User
from kiban.core.permissions import require

from . import selectors, services
from .choices import Stage
from .filtersets import SeedFilter
from .models import Seed

router = Router(tags=["seeds (S1)"])


class SeedSummaryOut(Schema):
    """What anyone allowed to open the seed reads: the public summary."""

    id: int
    title: str
    summary: str
    hub_id: int
    hub: str
    origin: str
    institution_id: int
    institution: str
    pi: str
    modality: str
    icd10_code: str
    disease: str
    stage: str
    stage_entered_on: datetime.date
    programme_slot: str
    committed_company: str | None
    support_from_fy: int
    support_to_fy: int
    registered_on: datetime.date
    url: str


class MemberOut(Schema):
    username: str
    name: str
    role: str


class SeedOut(SeedSummaryOut):
    """A seed's page: `details` and `team` are null for a reader without a right to the confidential part."""

    details: str | None
    team: list[MemberOut] | None
    listed_for_matching: bool


class SeedIn(Schema):
    hub_id: Id
    title: str
    summary: str
    details: str = ""
    pi_username: str | None = None
    team_usernames: list[str] = []
    institution_id: Id
    modality: str
    icd10_code: str
    disease: str = ""
    stage: str = Stage.SEED_A
    programme_slot: str
    committed_company_id: Id | None = None
    support_from_fy: Year
    support_to_fy: Year
    listed_for_matching: bool = True


class SeedChangeIn(Schema):
    """Only the fields sent change; the stage is refused (it changes only by a stage-gate decision)."""

    reason: str = ""
    title: str | None = None
    summary: str | None = None
    details: str | None = None
    modality: str | None = None
    icd10_code: str | None = None
    disease: str | None = None
    programme_slot: str | None = None
    committed_company_id: Id | None = None
    support_from_fy: Year | None = None
    support_to_fy: Year | None = None
    listed_for_matching: bool | None = None
    stage: str | None = None


class StageGateOut(Schema):
    id: int
    outcome: str
    from_stage: str
    to_stage: str
    decided_on: datetime.date
    fiscal_year: int
    days_in_stage: int | None
    rationale: str
    decided_by: str
    review_round_id: int | None


class ReviewRoundOut(Schema):
    id: int
    title: str
    state: str
    blind: bool
    opened_at: datetime.datetime
    outcome: str | None
    url: str


class StageGatesOut(Schema):
    stage: str
    decisions: list[StageGateOut]
    review_rounds: list[ReviewRoundOut]


class ReviewOpenIn(Schema):
    rubric_id: Id
    title: str
    blind: bool = False
    due_date: datetime.date | None = None


class OutcomeOut(Schema):
    id: int
    seed_id: int
    kind: str
    occurred_on: datetime.date
    fiscal_year: int
    title: str
    reference: str
    company_id: int | None
    company: str | None
    scope: str


class OutcomeIn(Schema):
    kind: str
    occurred_on: datetime.date
    title: str
    reference: str = ""
    company_id: Id | None = None
    scope: str = ""


class InterestIn(Schema):
    message: str = ""


class InterestOut(Schema):
    id: int
    seed_id: int
    company: str
    registered_at: datetime.datetime


class NdaIn(Schema):
    company_id: Id
    signed_on: datetime.date
    note: str = ""


class NdaOut(Schema):
    id: int
    seed_id: int
    company_id: int
    company: str
    signed_on: datetime.date


class YearOut(Schema):
    fiscal_year: int
    funding_yen: int | None
    milestones: list[dict]
    progress_reports: list[dict]


class StageTimeOut(Schema):
    stage: str
    median_days: float | None
    left: int
    moved_up: int
    conversion_percent: float | None


class DashboardOut(Schema):
    hub_id: int | None
    total: int
    by_stage_modality: dict[str, dict[str, int]]
    by_hub: dict[str, dict[str, int]] | None
    decisions_by_fiscal_year: dict[int, dict[str, int]]
    time_in_stage: list[StageTimeOut]
    outcomes_by_fiscal_year: dict[int, dict[str, int]]
    funding_by_fiscal_year: dict[int, int]


# --- helpers
def _summary(seed: Seed) -> dict:
    return {
        "id": seed.pk,
        "title": seed.title,
        "summary": seed.summary,
        "hub_id": seed.hub_id,
        "hub": seed.hub.name,
        "origin": seed.origin,
        "institution_id": seed.institution_id,
        "institution": seed.institution.name,
        "pi": str(seed.pi),
        "modality": seed.modality,
        "icd10_code": seed.icd10_code,
        "disease": seed.disease,
        "stage": seed.stage,
        "stage_entered_on": seed.stage_entered_on,
        "programme_slot": seed.programme_slot,
        "committed_company": seed.committed_company.name if seed.committed_company else None,
        "support_from_fy": seed.support_from_fy,
        "support_to_fy": seed.support_to_fy,
        "registered_on": seed.registered_on,
        "url": seed.get_absolute_url(),
    }


def _full(seed: Seed, user: User) -> dict:
    full = user.has_perm("seeds.view_seed_details", seed)
    return {
        **_summary(seed),
        "details": seed.details if full else None,
        "team": [
            {"username": m.user.username, "name": str(m.user), "role": m.role} for m in seed.members.all()
        ]
        if full
        else None,
        "listed_for_matching": seed.listed_for_matching,
    }


def _seed(request, seed_id: int, perm: str = "seeds.view_seed") -> Seed:
    """The seed, if the user may see it and has `perm` on it (a reader who may not see it is told so)."""
    try:
        seed = selectors.seed_detail(pk=seed_id)
    except Seed.DoesNotExist as error:
        raise Http404(_("No seed has id %(id)s.") % {"id": seed_id}) from error
    require(request.user, "seeds.view_seed", seed)
    if perm != "seeds.view_seed":
        require(request.user, perm, seed)
    return seed


def _organisation(pk: int | None, what: str) -> Organisation | None:
    if pk is None:
        return None
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise ApiError(
            404, _("No organisation has id %(id)s (%(role)s).") % {"id": pk, "role": what}, "not_found"
        )
    return organisation


def _users(usernames: list[str]) -> list[User]:
    found = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
    missing = sorted(set(usernames) - set(found))
    if missing:
        raise ApiError(
            404, _("No active user is named %(names)s.") % {"names": ", ".join(missing)}, "not_found"
        )
    return [found[name] for name in usernames]


def _outcome(outcome) -> dict:
    return {
        "id": outcome.pk,
        "seed_id": outcome.seed_id,
        "kind": outcome.kind,
        "occurred_on": outcome.occurred_on,
        "fiscal_year": outcome.fiscal_year,
        "title": outcome.title,
        "reference": outcome.reference,
        "company_id": outcome.company_id,
        "company": outcome.company.name if outcome.company else None,
        "scope": outcome.scope,
    }


# --- seeds
@router.get(
    "",
    response=responses(list[SeedSummaryOut], 400, 403),
    summary="Seeds you may see (public summaries), filtered and paginated",
)
@paginate(Page)
def seed_list(
    request,
    q: str | None = None,
    hub: Id | None = None,
    stage: str | None = None,
    modality: str | None = None,
    programme_slot: str | None = None,
    origin: str | None = None,
    fiscal_year: Year | None = None,
):
    """Researchers get their own seeds, hub staff their hub's, companies the listed seeds, the agency and the
    ministry every seed. Filters as on the list page."""
    require(request.user, "seeds.view_seed_list")
    params = {
        k: v
        for k, v in {
            "q": q,
            "hub": hub,
            "stage": stage,
            "modality": modality,
            "programme_slot": programme_slot,
            "origin": origin,
            "fiscal_year": fiscal_year,
        }.items()
        if v not in (None, "")
    }
    seed_filter = SeedFilter(params, queryset=selectors.seed_list(user=request.user))
    return Rows(filtered(seed_filter).order_by("-registered_on", "-pk"), _summary)


@router.post(
    "",
    response=responses(SeedOut, *WRITE_REFUSALS, status=201),
    summary="Register a seed at a hub (hub staff; researchers their own)",
)
def seed_register(request, payload: SeedIn):
    require(request.user, "seeds.add_seed")
    hub = _organisation(payload.hub_id, "hub")
    institution = _organisation(payload.institution_id, "institution")
    pi = _users([payload.pi_username])[0] if payload.pi_username else request.user
    seed = services.seed_register(
        hub=hub,
        pi=pi,
        title=payload.title,
        summary=payload.summary,
        details=payload.details,
        team=_users(payload.team_usernames),
        institution=institution,
        modality=payload.modality,
        icd10_code=payload.icd10_code,
        disease=payload.disease,
        stage=payload.stage,
        programme_slot=payload.programme_slot,
        committed_company=_organisation(payload.committed_company_id, "committed company"),
        support_from_fy=payload.support_from_fy,
        support_to_fy=payload.support_to_fy,
        listed_for_matching=payload.listed_for_matching,
        actor=request.user,
    )
    return Status(201, _full(selectors.seed_detail(pk=seed.pk), request.user))


@router.get(
    "/dashboard",
    response=responses(DashboardOut, 403, 404),
    summary="The pipeline nationwide, or of one hub (hub_id)",
)
def dashboard(request, hub_id: Id | None = None):
    """Nationwide: hub staff, the agency and the ministry. One hub: its staff, the agency and the ministry."""
    hub = None
    if hub_id is None:
        require(request.user, "seeds.view_dashboard")
    else:
        hub = selectors.hubs().filter(pk=hub_id).first()
        if hub is None:
            raise Http404(_("No hub has id %(id)s.") % {"id": hub_id})
        require(request.user, "seeds.view_hub_dashboard", hub)
    board = selectors.dashboard(hub=hub)
    return {
        "hub_id": hub.pk if hub else None,
        "total": board.total,
        "by_stage_modality": board.by_stage_modality,
        "by_hub": {row.hub.name: row.by_stage for row in board.hub_rows} if hub is None else None,
        "decisions_by_fiscal_year": board.transitions_by_year,
        "time_in_stage": [
            {
                "stage": t.stage,
                "median_days": t.median_days,
                "left": t.left,
                "moved_up": t.moved_up,
                "conversion_percent": t.conversion_percent,
            }
            for t in board.stage_times
        ],
        "outcomes_by_fiscal_year": board.outcomes_by_year,
        "funding_by_fiscal_year": board.funding_by_year,
    }


@router.get(
    "/outcomes",
    response=responses(list[OutcomeOut], 403),
    summary="Outcomes of the seeds whose records you may read",
)
@paginate(Page)
def outcome_list(request, kind: str | None = None, fiscal_year: Year | None = None):
    require(request.user, "seeds.view_seed_list")
    outcomes = (
        selectors.outcomes_visible_to(request.user).select_related("company").order_by("-occurred_on", "-pk")
    )
    if kind:
        outcomes = outcomes.filter(kind=kind)
    if fiscal_year:
        outcomes = outcomes.filter(fiscal_year=fiscal_year)
    return Rows(outcomes, _outcome)


@router.get(
    "/{seed_id}",
    response=responses(SeedOut, 403, 404),
    summary="One seed (details and team only where you may read them)",
)
def seed_detail(request, seed_id: Id):
    return _full(_seed(request, seed_id), request.user)


@router.patch(
    "/{seed_id}",
    response=responses(SeedOut, *WRITE_REFUSALS),
    summary="Change a seed's description (team and hub staff)",
)
def seed_change(request, seed_id: Id, payload: SeedChangeIn):
    seed = _seed(request, seed_id, "seeds.change_seed")
    values = payload.model_dump(exclude_unset=True)
    reason = values.pop("reason", "")
    if "committed_company_id" in values:
        values["committed_company"] = _organisation(values.pop("committed_company_id"), "committed company")
    services.seed_update(seed=seed, values=values, reason=reason, actor=request.user)
    return _full(selectors.seed_detail(pk=seed_id), request.user)


@router.get(
    "/{seed_id}/years",
    response=responses(list[YearOut], 403, 404),
    summary="Funds, milestones and progress by fiscal year",
)
@paginate(Page)
def seed_years(request, seed_id: Id):
    seed = _seed(request, seed_id, "seeds.view_seed_details")
    page = selectors.seed_page(seed=seed, full=True, matching=False)
    return [
        {
            "fiscal_year": year.fiscal_year,
            "funding_yen": year.funding_yen,
            "milestones": [
                {"id": m.pk, "title": m.title, "due_on": m.due_on, "achieved_on": m.achieved_on}
                for m in year.milestones
            ],
            "progress_reports": [
                {
                    "id": r.pk,
                    "submitted_on": r.submitted_on,
                    "submitted_by": str(r.submitted_by),
                    "summary": r.summary,
                }
                for r in year.reports
            ],
        }
        for year in page.years
    ]


@router.get(
    "/{seed_id}/stage-gates",
    response=responses(StageGatesOut, 403, 404),
    summary="A seed's stage-gate decisions and reviews",
)
def stage_gates(request, seed_id: Id):
    from kiban.reviews.selectors import rounds_for

    seed = _seed(request, seed_id, "seeds.view_seed_details")
    rounds = []
    for round_ in rounds_for(seed):
        decision = getattr(round_, "decision", None)
        rounds.append(
            {
                "id": round_.pk,
                "title": round_.title,
                "state": round_.state,
                "blind": round_.blind,
                "opened_at": round_.opened_at,
                "outcome": decision.outcome if decision else None,
                "url": round_.get_absolute_url(),
            }
        )
    decisions = [
        {
            "id": g.pk,
            "outcome": g.outcome,
            "from_stage": g.from_stage,
            "to_stage": g.to_stage,
            "decided_on": g.decided_on,
            "fiscal_year": g.fiscal_year,
            "days_in_stage": g.days_in_stage,
            "rationale": g.rationale,
            "decided_by": str(g.decided_by),
            "review_round_id": g.review_round_id,
        }
        for g in seed.stage_gates.select_related("decided_by").order_by("decided_on", "pk")
    ]
    return {"stage": seed.stage, "decisions": decisions, "review_rounds": rounds}


@router.post(
    "/{seed_id}/stage-gates",
    response=responses(ReviewRoundOut, *WRITE_REFUSALS, status=201),
    summary="Open a stage-gate review round (the hub's staff); the panel's decision moves the stage",
)
def stage_gate_open(request, seed_id: Id, payload: ReviewOpenIn):
    from kiban.reviews.models import Rubric
    from kiban.reviews.services import review_round_open

    seed = _seed(request, seed_id, "seeds.manage_stage_gates")
    # A terminated seed is refused by the engine itself (the seed adapter's review_refusal): 400.
    rubric = Rubric.objects.filter(pk=payload.rubric_id).first()
    if rubric is None:
        raise ApiError(404, _("No rubric has id %(id)s.") % {"id": payload.rubric_id}, "not_found")
    round_ = review_round_open(
        target=seed,
        rubric=rubric,
        title=payload.title,
        blind=payload.blind,
        due_date=payload.due_date,
        actor=request.user,
    )
    return Status(
        201,
        {
            "id": round_.pk,
            "title": round_.title,
            "state": round_.state,
            "blind": round_.blind,
            "opened_at": round_.opened_at,
            "outcome": None,
            "url": round_.get_absolute_url(),
        },
    )


@router.get(
    "/{seed_id}/outcomes", response=responses(list[OutcomeOut], 403, 404), summary="A seed's outcomes"
)
@paginate(Page)
def seed_outcomes(request, seed_id: Id):
    seed = _seed(request, seed_id, "seeds.view_seed_details")
    return Rows(seed.outcomes.select_related("company").order_by("-occurred_on", "-pk"), _outcome)


@router.post(
    "/{seed_id}/outcomes",
    response=responses(OutcomeOut, *WRITE_REFUSALS, status=201),
    summary="Record an outcome (team and hub staff)",
)
def outcome_add(request, seed_id: Id, payload: OutcomeIn):
    seed = _seed(request, seed_id, "seeds.add_outcome")
    outcome = services.outcome_record(
        seed=seed,
        kind=payload.kind,
        occurred_on=payload.occurred_on,
        title=payload.title,
        reference=payload.reference,
        company=_organisation(payload.company_id, "licensee"),
        scope=payload.scope,
        actor=request.user,
    )
    return Status(201, _outcome(outcome))


@router.post(
    "/{seed_id}/interest",
    response=responses(InterestOut, *WRITE_REFUSALS, status=201),
    summary="Register your company's interest",
)
def interest_add(request, seed_id: Id, payload: InterestIn):
    seed = _seed(request, seed_id, "seeds.add_interest")
    interest = services.interest_register(seed=seed, message=payload.message, actor=request.user)
    return Status(
        201,
        {
            "id": interest.pk,
            "seed_id": seed.pk,
            "company": interest.company.name,
            "registered_at": interest.registered_at,
        },
    )


@router.post(
    "/{seed_id}/ndas",
    response=responses(NdaOut, *WRITE_REFUSALS, status=201),
    summary="Record an NDA with a company (the hub's staff); 409 while one with that company is live",
)
def nda_add(request, seed_id: Id, payload: NdaIn):
    seed = _seed(request, seed_id, "seeds.add_nda")
    company = _organisation(payload.company_id, "company")
    nda = services.nda_record(
        seed=seed, company=company, signed_on=payload.signed_on, note=payload.note, actor=request.user
    )
    return Status(
        201,
        {
            "id": nda.pk,
            "seed_id": seed.pk,
            "company_id": company.pk,
            "company": company.name,
            "signed_on": nda.signed_on,
        },
    )
