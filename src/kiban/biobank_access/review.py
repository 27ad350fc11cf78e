"""How the shared engines meet a part of an access request: the review engine's adapter (the biobank's
access committee reviews its part; its curators manage the round; the researcher and their institution are
conflicted) and the agreements' adapter (the part's MTA or data-use agreement, managed by the biobank)."""

from django.db import models
from django.utils.translation import gettext as _

from kiban.agreements.choices import AgreementKind
from kiban.core.models import User
from kiban.reviews.models import Decision

from . import services
from .choices import CommitteeDecision, PartState
from .models import AccessPart
from .rules import handles_part


class AccessPartReview:
    """A biobank's access committee (試料・情報分譲審査会) reviews the part addressed to it."""

    outcomes = CommitteeDecision.choices

    def target_queryset(self) -> models.QuerySet[AccessPart]:
        return AccessPart.objects.select_related("request__organisation", "biobank__organisation")

    def title(self, target: AccessPart, state: str | None = None) -> str:
        return _("Access request to %(biobank)s: %(request)s") % {
            "biobank": target.biobank.code,
            "request": target.request.title,
        }

    def summary(self, target: AccessPart) -> str:
        request = target.request
        parts = [
            request.project_summary,
            _("Ethics approval: %(committee)s %(number)s")
            % {"committee": request.irb_committee, "number": request.irb_number},
            request.amount_detail,
            request.data_use_terms,
        ]
        if target.conditions:
            parts.append(_("Access conditions: %(conditions)s") % {"conditions": target.conditions})
        return "\n\n".join(part for part in parts if part)

    def applicant_label(self, target: AccessPart) -> str:
        return target.request.organisation.name

    def applicant_users(self, target: AccessPart) -> list[User]:
        return target.request.applicant_users()

    def conflict_organisation_ids(self, target: AccessPart) -> set[int]:
        return {target.request.organisation_id}

    def conflict_user_ids(self, target: AccessPart) -> set[int]:
        request = target.request
        return {pk for pk in (request.created_by_id, request.submitted_by_id) if pk}

    def can_manage(self, user: User, target: AccessPart) -> bool:
        # The part's biobank's curators, never the researcher who made the request (rules.handles_part).
        return handles_part.test(user, target)

    def review_refusal(self, target: AccessPart) -> str | None:
        if target.state in (PartState.CONDITIONS_MET, PartState.UNDER_REVIEW):
            return None
        return _(
            "The part is “%(state)s”; the committee reviews a part once its access conditions are met."
        ) % {"state": target.get_state_display()}

    def review_opened(self, target: AccessPart, round, actor: User) -> None:
        if target.state == PartState.CONDITIONS_MET:
            services.part_review_start(part=target, actor=actor)
            target.refresh_from_db()

    def apply_decision(self, target: AccessPart, decision: Decision) -> None:
        services.part_decide(part=target, decision=decision)

    def url(self, target: AccessPart) -> str:
        return target.get_absolute_url()


class AccessPartAgreements:
    """The part's material transfer agreement (samples) or data-use agreement (data): the biobank's curators
    draft, send and record them signed."""

    kinds = (AgreementKind.MTA, AgreementKind.DATA_USE)

    def can_manage(self, user: User, record: AccessPart) -> bool:
        return handles_part.test(user, record)
