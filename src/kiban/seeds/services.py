"""Writes of seeds: registration, stage-gate decisions, yearly records, outcomes, company interest and NDAs.

Every function is keyword-only and runs in one transaction; what it saves goes through
`kiban.core.audit.audited_save` with the acting user and a reason, so the audit trail says who did what and
why. The stage changes only in `seed_decision_apply`, through the seed's state machine.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.agreements.choices import AgreementKind, PartyRole
from kiban.agreements.models import Agreement
from kiban.agreements.services import agreement_create, agreement_sign
from kiban.core.audit import audited_delete, audited_save
from kiban.core.choices import OrganisationKind, Role
from kiban.core.errors import unique_or_conflict
from kiban.core.fiscal import FiscalYear
from kiban.core.icd10 import normalise_icd10
from kiban.core.models import Organisation, User
from kiban.core.selectors import active_users_with_role, hub_group_ids, hub_staff_for
from kiban.core.services import notification_send
from kiban.programmes.models import Programme
from kiban.reviews.models import ReviewRound
from kiban.reviews.services import review_rounds_cancel_for

from .choices import PIPELINE, GateOutcome, Origin, OutcomeKind, ProgrammeSlot, Stage
from .models import (
    CompanyInterest,
    Milestone,
    Outcome,
    ProgressReport,
    Seed,
    SeedFunding,
    SeedMember,
    StageGate,
)
from .rules import seed_scope

# The S0 programme whose research funds the seeds receive (橋渡し研究プログラム).
TRANSLATIONAL_PROGRAMME_CODE = "translational"

# What a registration or an edit may set; the stage is not among them.
EDITABLE_FIELDS = (
    "title",
    "summary",
    "details",
    "institution",
    "modality",
    "icd10_code",
    "disease",
    "programme_slot",
    "committed_company",
    "support_from_fy",
    "support_to_fy",
    "listed_for_matching",
)


def _today() -> datetime.date:
    return timezone.localdate()


def _check_date(day: datetime.date, what: str) -> None:
    if day > _today():
        raise ValidationError(
            _("%(what)s cannot be dated in the future (%(date)s).") % {"what": what, "date": day.isoformat()},
            "future_date",
        )


def _origin(hub: Organisation, institution: Organisation) -> str:
    return Origin.INSIDE if institution.pk in hub_group_ids([hub.pk]) else Origin.OUTSIDE


def _refuse_if_terminated(seed: Seed, what: str) -> None:
    if seed.stage == Stage.TERMINATED:
        raise ValidationError(
            _("“%(title)s” was terminated on %(date)s; %(what)s can no longer be recorded.")
            % {"title": seed.title, "date": seed.stage_entered_on.isoformat(), "what": what},
            "terminated",
        )


def _set_team(seed: Seed, team: list[User], actor: User, reason: str) -> None:
    wanted = {user.pk: user for user in team if user.pk != seed.pi_id}
    present = {member.user_id: member for member in seed.members.all()}
    for user_id, member in present.items():
        if user_id not in wanted:
            audited_delete(member, actor=actor, reason=reason)
    for user_id, user in wanted.items():
        if user_id not in present:
            audited_save(SeedMember(seed=seed, user=user), actor=actor, reason=reason)


# --- registration and edits
def seed_register(
    *,
    hub: Organisation,
    pi: User,
    title: str,
    summary: str,
    institution: Organisation,
    modality: str,
    icd10_code: str,
    programme_slot: str,
    support_from_fy: int,
    support_to_fy: int,
    details: str = "",
    disease: str = "",
    committed_company: Organisation | None = None,
    stage: str = Stage.SEED_A,
    team: list[User] | None = None,
    listed_for_matching: bool = True,
    registered_on: datetime.date | None = None,
    actor: User,
) -> Seed:
    """Registers a seed at a hub, from inside or outside it. The hub's staff register any seed at their hub;
    a researcher registers their own seed (as its principal investigator) at any hub."""
    if hub.kind != OrganisationKind.TRANSLATIONAL_HUB:
        raise ValidationError(
            _("%(organisation)s is not a translational research hub; seeds are registered at a hub.")
            % {"organisation": hub.name},
            "not_a_hub",
        )
    if hub.pk not in seed_scope(actor).hub_ids and pi.pk != actor.pk:
        raise PermissionDenied(
            _(
                "Only the staff of %(hub)s may register someone else's seed there; "
                "register your own seed, or ask the hub's staff."
            )
            % {"hub": hub.name}
        )
    if stage not in PIPELINE:
        raise ValidationError(
            _("A seed is registered in one of the stages Seed A, preB, Seed B, preC or Seed C."), "stage"
        )
    registered_on = registered_on or _today()
    _check_date(registered_on, _("A registration"))
    seed = Seed(
        hub=hub,
        origin=_origin(hub, institution),
        pi=pi,
        title=title.strip(),
        summary=summary.strip(),
        details=details.strip(),
        institution=institution,
        modality=modality,
        icd10_code=normalise_icd10(icd10_code),
        disease=disease.strip(),
        programme_slot=programme_slot,
        committed_company=committed_company,
        stage=stage,
        stage_entered_on=registered_on,
        support_from_fy=support_from_fy,
        support_to_fy=support_to_fy,
        listed_for_matching=listed_for_matching,
        registered_on=registered_on,
        registered_by=actor,
    )
    _validate(seed)
    reason = _("Seed registered at %(hub)s") % {"hub": hub.name}
    with transaction.atomic():
        audited_save(seed, actor=actor, reason=reason)
        _set_team(seed, team or [], actor, reason)
        notification_send(
            recipients=[u for u in [*hub_staff_for(organisation_id=hub.pk), pi] if u.pk != actor.pk],
            subject=_("Seed registered at %(hub)s: %(title)s") % {"hub": hub.name, "title": seed.title},
            body=_("%(actor)s registered the seed with %(pi)s as principal investigator.")
            % {"actor": actor, "pi": pi},
            link=seed.get_absolute_url(),
        )
    return seed


def _validate(seed: Seed) -> None:
    # The stage is left out: its field refuses assignment outside the state machine.
    seed.full_clean(exclude=["stage", "registered_by"])
    if seed.committed_company_id and seed.committed_company.kind != OrganisationKind.COMPANY:
        raise ValidationError({"committed_company": _("The committed company must be a company.")})
    if seed.programme_slot != ProgrammeSlot.COMPANY_COMMITTED and seed.committed_company_id:
        raise ValidationError(
            {"committed_company": _("Only a company-committed seed names a committed company.")}
        )


def seed_update(
    *, seed: Seed, values: dict, team: list[User] | None = None, reason: str, actor: User
) -> Seed:
    """Changes a seed's description; the stage is refused here: it changes only by a stage-gate decision."""
    if "stage" in values:
        raise ValidationError(
            _(
                "The stage changes only through a stage-gate decision (stage up one step, continue, suspend "
                "or terminate); it cannot be edited."
            ),
            "stage_not_editable",
        )
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            "fields",
        )
    reason = reason.strip() or _("Seed details changed")
    with transaction.atomic():
        seed = Seed.objects.select_for_update().get(pk=seed.pk)
        for name, value in values.items():
            if name == "icd10_code":
                value = normalise_icd10(value)
            elif isinstance(value, str):
                value = value.strip()
            setattr(seed, name, value)
        seed.origin = _origin(seed.hub, seed.institution)
        _validate(seed)
        audited_save(seed, actor=actor, reason=reason)
        if team is not None:
            _set_team(seed, team, actor, reason)
    return seed


# --- stage-gates
def _decision_refusal(seed: Seed, outcome: str) -> str | None:
    """Why the decision cannot apply to the seed in its stage, in words for the panel; None if it can."""
    names = {"title": seed.title, "stage": seed.get_stage_display()}
    if outcome not in GateOutcome.values:
        return _(
            "“%(outcome)s” is not a stage-gate decision; decide stage up, continue, suspend or terminate."
        ) % {"outcome": outcome}
    if seed.stage == Stage.TERMINATED:
        return _(
            "“%(title)s” was terminated on %(date)s; no further stage-gate decision can be recorded."
        ) % {
            **names,
            "date": seed.stage_entered_on.isoformat(),
        }
    if outcome == GateOutcome.STAGE_UP:
        if seed.stage == Stage.SUSPENDED:
            return _(
                "“%(title)s” is suspended: decide “continue” to resume it in %(previous)s "
                "before it can move up."
            ) % {**names, "previous": Stage(seed.stage_before_suspension).label}
        if seed.stage == Stage.SEED_C:
            return (
                _(
                    "“%(title)s” is in Seed C, the last stage, and cannot move up; decide continue, "
                    "suspend or terminate, or record its license-out."
                )
                % names
            )
    if outcome == GateOutcome.SUSPEND and seed.stage == Stage.SUSPENDED:
        return _("“%(title)s” is already suspended.") % names
    return None


def seed_decision_apply(
    *,
    seed: Seed,
    outcome: str,
    rationale: str,
    actor: User,
    decided_on: datetime.date | None = None,
    review_round: ReviewRound | None = None,
) -> StageGate:
    """Applies a stage-gate decision through the seed's state machine: stage up (one stage, never skipping),
    continue (a suspended seed resumes its stage), suspend or terminate. Refuses, with the reason, what the
    stage does not allow; records the decision with its rationale on the seed's history."""
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError(_("Write the rationale of the stage-gate decision; it is kept."), "rationale")
    decided_on = decided_on or _today()
    _check_date(decided_on, _("A stage-gate decision"))
    with transaction.atomic():
        locked = Seed.objects.select_for_update().get(pk=seed.pk)
        refusal = _decision_refusal(locked, outcome)
        if refusal:
            raise ValidationError(refusal, "illegal_transition")
        if decided_on < locked.stage_entered_on:
            raise ValidationError(
                _("The decision (%(date)s) cannot predate the seed's entry into %(stage)s (%(entered)s).")
                % {
                    "date": decided_on.isoformat(),
                    "stage": locked.get_stage_display(),
                    "entered": locked.stage_entered_on.isoformat(),
                },
                "decision_date",
            )
        from_stage = locked.stage
        if outcome == GateOutcome.STAGE_UP:
            locked.stage_up()
        elif outcome == GateOutcome.CONTINUE:
            locked.resume() if from_stage == Stage.SUSPENDED else locked.keep()
        elif outcome == GateOutcome.SUSPEND:
            locked.suspend()
        else:
            locked.terminate()
        changed = locked.stage != from_stage
        gate = StageGate(
            seed=locked,
            outcome=outcome,
            from_stage=from_stage,
            to_stage=locked.stage,
            decided_on=decided_on,
            days_in_stage=(decided_on - locked.stage_entered_on).days if changed else None,
            rationale=rationale,
            decided_by=actor,
            review_round=review_round,
        )
        if changed:
            locked.stage_entered_on = decided_on
        reason = _("Stage-gate decision: %(outcome)s (%(from)s → %(to)s). Rationale: %(rationale)s") % {
            "outcome": GateOutcome(outcome).label,
            "from": Stage(from_stage).label,
            "to": Stage(locked.stage).label,
            "rationale": rationale,
        }
        audited_save(locked, actor=actor, reason=reason)
        audited_save(gate, actor=actor, reason=reason)
        if locked.stage == Stage.TERMINATED:
            review_rounds_cancel_for(
                target=locked, actor=actor, reason=_("Review round cancelled: seed terminated")
            )
    if seed is not locked:
        seed.refresh_from_db()
    return gate


# --- yearly records
def _translational_programme() -> Programme:
    programme = Programme.objects.filter(code=TRANSLATIONAL_PROGRAMME_CODE).first()
    if programme is None:
        raise ValidationError(
            _(
                "The translational research programme (code “%(code)s”) is not recorded; "
                "research funds are granted under it."
            )
            % {"code": TRANSLATIONAL_PROGRAMME_CODE},
            "no_programme",
        )
    return programme


def _check_support_year(seed: Seed, fiscal_year: int) -> None:
    FiscalYear(fiscal_year)  # refuses a year outside the supported range
    if not seed.support_from_fy <= fiscal_year <= seed.support_to_fy:
        raise ValidationError(
            _("%(year)s is outside the seed's support years (%(years)s).")
            % {"year": FiscalYear(fiscal_year).label, "years": seed.support_years_label},
            "outside_support_years",
        )


def seed_funding_record(
    *, seed: Seed, fiscal_year: int, amount_yen: int, note: str = "", actor: User
) -> SeedFunding:
    """Records (or corrects) the research funds granted to a seed in a fiscal year under the translational
    research programme of S0."""
    _refuse_if_terminated(seed, _("research funds"))
    _check_support_year(seed, fiscal_year)
    if amount_yen < 0:
        raise ValidationError(_("An amount cannot be negative."), "negative_amount")
    programme = _translational_programme()
    with transaction.atomic():
        funding = (
            SeedFunding.objects.select_for_update()
            .filter(seed=seed, fiscal_year=fiscal_year, programme=programme)
            .first()
        )
        if funding is None:
            funding = SeedFunding(seed=seed, fiscal_year=fiscal_year, programme=programme)
            reason = _("Research funds granted")
        else:
            reason = _("Research funds corrected from %(old)s yen") % {"old": f"{funding.amount_yen:,}"}
        funding.amount_yen = amount_yen
        funding.note = note.strip()
        audited_save(funding, actor=actor, reason=reason)
    return funding


def milestone_add(
    *, seed: Seed, fiscal_year: int, title: str, due_on: datetime.date, actor: User
) -> Milestone:
    _refuse_if_terminated(seed, _("milestones"))
    _check_support_year(seed, fiscal_year)
    title = title.strip()
    if not title:
        raise ValidationError(_("Say what the milestone is."), "title")
    milestone = Milestone(seed=seed, fiscal_year=fiscal_year, title=title, due_on=due_on)
    with transaction.atomic():
        audited_save(milestone, actor=actor, reason=_("Milestone planned"))
    return milestone


def milestone_achieve(*, milestone: Milestone, achieved_on: datetime.date, actor: User) -> Milestone:
    _check_date(achieved_on, _("A milestone"))
    if milestone.achieved_on is not None:
        raise ValidationError(
            _("This milestone was already reached on %(date)s.")
            % {"date": milestone.achieved_on.isoformat()},
            "already_achieved",
        )
    milestone.achieved_on = achieved_on
    with transaction.atomic():
        audited_save(milestone, actor=actor, reason=_("Milestone reached"))
    return milestone


def progress_report_submit(
    *,
    seed: Seed,
    fiscal_year: int,
    summary: str,
    actor: User,
    submitted_on: datetime.date | None = None,
) -> ProgressReport:
    _refuse_if_terminated(seed, _("progress reports"))
    _check_support_year(seed, fiscal_year)
    summary = summary.strip()
    if not summary:
        raise ValidationError(_("Write the progress made."), "summary")
    submitted_on = submitted_on or _today()
    _check_date(submitted_on, _("A progress report"))
    report = ProgressReport(
        seed=seed, fiscal_year=fiscal_year, summary=summary, submitted_on=submitted_on, submitted_by=actor
    )
    with transaction.atomic():
        audited_save(report, actor=actor, reason=_("Progress report submitted"))
        notification_send(
            recipients=[u for u in hub_staff_for(organisation_id=seed.hub_id) if u.pk != actor.pk],
            subject=_("Progress report: %(title)s") % {"title": seed.title},
            body=_("%(actor)s reported progress for %(year)s.")
            % {"actor": actor, "year": FiscalYear(fiscal_year).label},
            link=seed.get_absolute_url(),
        )
    return report


def outcome_record(
    *,
    seed: Seed,
    kind: str,
    occurred_on: datetime.date,
    title: str,
    reference: str = "",
    company: Organisation | None = None,
    scope: str = "",
    actor: User,
) -> Outcome:
    """Records a patent filing, a clinical-trial notification, a regulatory application or a license-out
    (which names the company and the scope of the license)."""
    if kind not in OutcomeKind.values:
        raise ValidationError(_("“%(kind)s” is not a kind of outcome.") % {"kind": kind}, "kind")
    _check_date(occurred_on, _("An outcome"))
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the outcome a title."), "title")
    if kind == OutcomeKind.LICENSE_OUT:
        if company is None:
            raise ValidationError(_("A license-out names the company that takes the license."), "company")
        if not scope.strip():
            raise ValidationError(_("Describe the scope of the license."), "scope")
    elif company is not None:
        raise ValidationError(_("Only a license-out names a company."), "company")
    if company is not None and company.kind != OrganisationKind.COMPANY:
        raise ValidationError(_("%(name)s is not a company.") % {"name": company.name}, "company")
    outcome = Outcome(
        seed=seed,
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        reference=reference.strip(),
        company=company,
        scope=scope.strip(),
        recorded_by=actor,
    )
    with transaction.atomic():
        audited_save(
            outcome,
            actor=actor,
            reason=_("Outcome recorded: %(kind)s") % {"kind": outcome.get_kind_display()},
        )
    return outcome


# --- company matching
def interest_register(*, seed: Seed, message: str = "", actor: User) -> CompanyInterest:
    """A company member registers their company's interest in a listed seed; the hub and the team are told."""
    companies = sorted(seed_scope(actor).company_ids)
    if not companies:
        raise PermissionDenied(_("Only company members may register interest in a seed."))
    if not seed.listed_for_matching or seed.stage == Stage.TERMINATED:
        raise ValidationError(_("This seed is not open to companies."), "not_listed")
    company = Organisation.objects.get(pk=companies[0])
    existing = CompanyInterest.objects.filter(seed=seed, company=company).first()
    if existing is not None:
        raise ValidationError(
            _("%(company)s already registered interest in this seed on %(date)s.")
            % {
                "company": company.name,
                "date": timezone.localtime(existing.registered_at).date().isoformat(),
            },
            "duplicate_interest",
        )
    interest = CompanyInterest(
        seed=seed, company=company, message=message.strip(), registered_by=actor, registered_at=timezone.now()
    )
    duplicate = _("%(company)s already registered interest in this seed.") % {"company": company.name}
    with unique_or_conflict(duplicate, "duplicate_interest"):
        audited_save(interest, actor=actor, reason=_("Company interest registered"))
        recipients = [*hub_staff_for(organisation_id=seed.hub_id), seed.pi]
        notification_send(
            recipients=recipients,
            subject=_("%(company)s is interested in %(title)s")
            % {"company": company.name, "title": seed.title},
            body=interest.message,
            link=seed.get_absolute_url(),
        )
    return interest


def nda_record(
    *, seed: Seed, company: Organisation, signed_on: datetime.date, note: str = "", actor: User
) -> Agreement:
    """Hub staff record an NDA with a company for one seed, signed on a day: a generic agreement of kind NDA
    about the seed, the hub disclosing and the company receiving. From now on (while it is in force) that
    company's members read the seed's confidential details; they are told. A second live NDA between the
    hub and the company about the seed is refused (`agreements.services.DuplicateAgreement`)."""
    if company.kind != OrganisationKind.COMPANY:
        raise ValidationError(_("%(name)s is not a company.") % {"name": company.name}, "company")
    _check_date(signed_on, _("An NDA"))
    with transaction.atomic():
        nda = agreement_create(
            kind=AgreementKind.NDA,
            about=seed,
            parties=[(seed.hub, PartyRole.DISCLOSER), (company, PartyRole.RECIPIENT)],
            note=note,
            actor=actor,
        )
        nda = agreement_sign(agreement=nda, signed_on=signed_on, actor=actor)
        members = active_users_with_role(Role.COMPANY, organisation_ids=[company.pk])
        notification_send(
            recipients=list(members),
            subject=_("NDA recorded: %(title)s") % {"title": seed.title},
            body=_("The confidential details of this seed are now open to %(company)s.")
            % {"company": company.name},
            link=seed.get_absolute_url(),
        )
    return nda
