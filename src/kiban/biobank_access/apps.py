"""App configuration for access requests to the biobanks (分譲, S5): one request to several biobanks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiobankAccessConfig(AppConfig):
    name = "kiban.biobank_access"
    label = "biobank_access"
    verbose_name = _("Biobank access requests")

    def ready(self) -> None:
        from kiban.agreements import registry as agreements
        from kiban.core.registry import register_demo_loader, register_navigation
        from kiban.reviews import registry as reviews

        from . import rules  # noqa: F401  the permissions and their refusals
        from .models import AccessPart
        from .review import AccessPartAgreements, AccessPartReview

        reviews.register(AccessPart, AccessPartReview())
        agreements.register(AccessPart, AccessPartAgreements())
        register_navigation(
            "biobank_access:request-list",
            _("My access requests"),
            permission="biobank_access.list_accessrequests",
            order=56,
        )
        register_navigation(
            "biobank_access:desk",
            _("Requests to my biobank"),
            permission="biobank_access.view_desk",
            order=57,
        )
        register_demo_loader(
            "biobank_access",
            "Access requests to the biobanks (分譲)",
            "kiban.biobank_access.demo.load_biobank_access",
            after=("core", "biobank"),
        )
