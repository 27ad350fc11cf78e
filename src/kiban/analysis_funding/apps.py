"""App configuration for the merit-based allocation of analysis money (解析費配分, S5)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisFundingConfig(AppConfig):
    name = "kiban.analysis_funding"
    label = "analysis_funding"
    verbose_name = _("Analysis funding")

    def ready(self) -> None:
        from kiban.core.registry import register_demo_loader, register_navigation
        from kiban.reviews.registry import register
        from kiban.sequencing.selectors import register_plan_source

        from . import rules  # noqa: F401
        from .models import Proposal
        from .review import ProposalAdapter
        from .selectors import funded_plans

        register(Proposal, ProposalAdapter())
        register_plan_source("analysis_funding", funded_plans)
        register_navigation(
            "analysis_funding:call-list",
            _("Analysis funding calls"),
            permission="analysis_funding.view_call",
            order=56,
        )
        register_navigation(
            "analysis_funding:proposal-list",
            _("Analysis proposals"),
            permission="analysis_funding.list_proposals",
            order=57,
        )
        register_demo_loader(
            "analysis_funding",
            "Analysis funding calls, proposals, reviews and allocations",
            "kiban.analysis_funding.demo.load_analysis_funding",
            after=("core", "biobank", "sequencing"),
        )
