"""The eligibility rule certification gives the lifecycle's calls: certified institutions only."""

from django.utils.translation import gettext_lazy as _

from kiban.submissions.eligibility import EligibilityRule, register

from .selectors import is_certified

CERTIFIED_INSTITUTIONS_ONLY = register(
    EligibilityRule(
        code="certified_institution",
        label=_("Certified institutions only"),
        message=_(
            "“%(call)s” is open to certified translational research support institutions "
            "(橋渡し研究支援機関) only, and %(organisation)s holds no certificate valid on %(date)s."
        ),
        admits=is_certified,
    )
)
