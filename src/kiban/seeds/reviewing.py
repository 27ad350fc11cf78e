"""How seeds meet the shared engines: the review engine's adapter for a seed's stage-gate, and the agreements'
adapter for its NDAs (both registered in apps.py)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kiban.agreements.choices import AgreementKind
from kiban.core.models import User
from kiban.reviews.models import Decision

from . import services
from .choices import GateOutcome, Stage
from .models import Seed


class SeedStageGateAdapter:
    """A stage-gate review of a seed: the panel decides stage up, continue, suspend or terminate, and the
    decision moves the seed through its state machine (`services.seed_decision_apply`)."""

    outcomes = list(GateOutcome.choices)

    def target_queryset(self) -> QuerySet[Seed]:
        return Seed.objects.select_related("hub", "institution", "pi")

    def title(self, seed: Seed, state: str | None = None) -> str:
        """The stage-gate at the seed's present stage, or at `state`, the stage a round reviewed."""
        return _("Stage-gate of “%(title)s” (%(stage)s)") % {
            "title": seed.title,
            "stage": self.review_state_label(state) if state else seed.get_stage_display(),
        }

    def review_state(self, seed: Seed) -> str:
        return seed.stage

    def review_state_label(self, state: str) -> str:
        return str(Stage(state).label) if state in Stage.values else state

    def summary(self, seed: Seed) -> str:
        """Reviewers read the confidential details too: they judge the science, under their assignment."""
        facts = _(
            "Stage: %(stage)s. Modality: %(modality)s. Target disease: %(disease)s (ICD-10 %(code)s)."
        ) % {
            "stage": seed.get_stage_display(),
            "modality": seed.get_modality_display(),
            "disease": seed.disease or seed.icd10_description,
            "code": seed.icd10_code,
        }
        return "\n\n".join(part for part in (facts, seed.summary, seed.details) if part)

    def applicant_label(self, seed: Seed) -> str:
        return f"{seed.pi} ({seed.institution})"

    def applicant_users(self, seed: Seed) -> list[User]:
        return [seed.pi, *(member.user for member in seed.members.select_related("user"))]

    def conflict_organisation_ids(self, seed: Seed) -> set[int]:
        """The institution the seed comes from and, for a company-committed seed, the committed company."""
        return {i for i in (seed.institution_id, seed.committed_company_id) if i}

    def conflict_user_ids(self, seed: Seed) -> set[int]:
        return {seed.pi_id, *seed.members.values_list("user_id", flat=True)}

    def can_manage(self, user: User, seed: Seed) -> bool:
        return user.has_perm("seeds.manage_stage_gates", seed)

    def review_refusal(self, seed: Seed) -> str | None:
        """Why the seed cannot be reviewed or scored now (None: it can): a terminated seed is never scored."""
        if seed.stage == Stage.TERMINATED:
            return _("“%(title)s” was terminated on %(date)s; it can no longer be reviewed or scored.") % {
                "title": seed.title,
                "date": seed.stage_entered_on.isoformat(),
            }
        return None

    def apply_decision(self, seed: Seed, decision: Decision) -> None:
        """The stage-gate records the round that decided it."""
        services.seed_decision_apply(
            seed=seed,
            outcome=decision.outcome,
            rationale=decision.rationale,
            actor=decision.decided_by,
            review_round=decision.round,
        )

    def url(self, seed: Seed) -> str:
        return seed.get_absolute_url()


class SeedNdaAdapter:
    """A seed's NDAs with companies (`services.nda_record`): the hub's staff manage them."""

    kinds = (AgreementKind.NDA,)

    def can_manage(self, user: User, seed: Seed) -> bool:
        return user.has_perm("seeds.add_nda", seed)
