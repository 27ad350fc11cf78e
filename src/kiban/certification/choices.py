"""Enumerations of certification: function classes and columns of the source's table, states, outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kiban.submissions.choices import SubmissionState


class FunctionClass(models.IntegerChoices):
    """The three classes of support functions (機能分類) of 橋渡し研究支援機関認定制度."""

    IN_HUB = 1, _("① Must be in place inside the hub")
    THROUGH_PARTNERS = 2, _("② May be in place through other organisations")
    DISTINCTIVE = 3, _("③ Credited as a distinctive feature of the institution")


class FunctionCategory(models.TextChoices):
    """The columns of the source's table, under the articles of the guidelines (要綱) they answer."""

    ORGANISATION = "organisation", _("Organisation")
    STAFF = "staff", _("Staff")
    ACTIVITY = "activity", _("Activities")
    OUTCOME = "outcome", _("Outcomes of the activities")
    TRAINING = "training", _("Activities: training")


# The Japanese column headings exactly as the source writes them, and the article of the guidelines
# (要綱第３条第１項) each column answers; the form shows them as written in both languages.
CATEGORY_TERMS = {
    FunctionCategory.ORGANISATION: "組織体制",
    FunctionCategory.STAFF: "人員",
    FunctionCategory.ACTIVITY: "取組",
    FunctionCategory.OUTCOME: "取組の成果",
    FunctionCategory.TRAINING: "取組",
}
CATEGORY_ARTICLES = {
    FunctionCategory.ORGANISATION: "要綱第３条第１項第１号及び第２号",
    FunctionCategory.STAFF: "要綱第３条第１項第１号及び第２号",
    FunctionCategory.ACTIVITY: "要綱第３条第１項第３号",
    FunctionCategory.OUTCOME: "要綱第３条第１項第３号",
    FunctionCategory.TRAINING: "要綱第３条第１項第４号",
}
CLASS_TERMS = {
    FunctionClass.IN_HUB: "①拠点内で備えるべき機能",
    FunctionClass.THROUGH_PARTNERS: "②他組織や他機関との連携により備えればよい機能",
    FunctionClass.DISTINCTIVE: "③機関の特色として評価される機能",
}


class Provision(models.TextChoices):
    """How an applicant has one function in place."""

    NOT_IN_PLACE = "not_in_place", _("Not in place")
    IN_HUB = "in_hub", _("In the hub")
    THROUGH_PARTNERS = "through_partners", _("Through partner organisations")


class OutcomeKind(models.TextChoices):
    """The outcomes (取組の成果) counted over the last five fiscal years; the keys S1 counts by."""

    TRIAL_NOTIFICATION = "trial_notification", _("Clinical-trial notifications")
    LICENSE_OUT = "license_out", _("License-outs to companies")
    APPROVAL_APPLICATION = "approval_application", _("Applications for marketing approval or certification")


class ApplicationState(models.TextChoices):
    """The lifecycle's states (kiban.submissions) in certification's words; the values are the lifecycle's.
    The ministry screens a submitted application; a review round puts it under review by reviewers."""

    DRAFT = SubmissionState.DRAFT.value, _("Draft")
    SUBMITTED = SubmissionState.SUBMITTED.value, _("Submitted, under review")
    RETURNED = SubmissionState.RETURNED.value, _("Returned for changes")
    RESUBMITTED = SubmissionState.RESUBMITTED.value, _("Resubmitted, under review")
    UNDER_REVIEW = SubmissionState.UNDER_REVIEW.value, _("Under review by reviewers")
    CERTIFIED = SubmissionState.ACCEPTED.value, _("Certified")
    REJECTED = SubmissionState.REJECTED.value, _("Not certified")
    WITHDRAWN = SubmissionState.WITHDRAWN.value, _("Withdrawn")


class DecisionOutcome(models.TextChoices):
    """The ministerial decision on an application, as the review engine records it."""

    CERTIFY = "certify", _("Certify")
    REJECT = "reject", _("Do not certify")


class Requirement(models.TextChoices):
    """The requirements for certification (認定要件) A–D."""

    A = "A", _("A) The institution has a hub that supports translational research")
    B = "B", _("B) It has the organisation and staff that translational research support needs")
    C = "C", _("C) It has a track record of translational research support")
    D = "D", _("D) It trains the specialists translational research needs")


# The requirements exactly as the source writes them.
REQUIREMENT_TERMS = {
    Requirement.A: "A) 橋渡し研究支援を実施する拠点を設置していること",
    Requirement.B: "B) 橋渡し研究支援に必要な組織体制を整備し人員を確保していること",
    Requirement.C: "C) 橋渡し研究支援を実施している実績があること",
    Requirement.D: "D) 橋渡し研究に必要な人材を育成していること",
}

CERTIFICATE_YEARS = 5
OUTCOME_YEARS = 5
