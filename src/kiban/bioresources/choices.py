"""Enumerations of the bioresource catalogue: resource types, classes, forms, MTA clauses, QC and shipping."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ResourceType(models.TextChoices):
    ANIMAL = "animal", _("Animal")
    PLANT = "plant", _("Plant")
    MICROBE = "microbe", _("Microbe")
    CELL = "cell", _("Cell")
    GENETIC_MATERIAL = "genetic_material", _("Genetic material")
    VIRUS = "virus", _("Virus")


class ResourceClass(models.TextChoices):
    """The seed's two classes of NBRP resources."""

    CORE = "core", _("① Core bioresources (基幹的なバイオリソース)")
    MAINTAINED = "maintained", _("② Bioresources that must be maintained (維持が必要なバイオリソース)")


class ResourceForm(models.TextChoices):
    """How a resource is provided."""

    FROZEN_EMBRYO = "frozen_embryo", _("Frozen embryo")
    FROZEN_SPERM = "frozen_sperm", _("Frozen sperm")
    LIVE = "live", _("Live")
    SEED = "seed", _("Seed")
    GLYCEROL_STOCK = "glycerol_stock", _("Glycerol stock")
    FREEZE_DRIED = "freeze_dried", _("Freeze-dried")
    CELL_VIAL = "cell_vial", _("Cell vial (frozen)")
    PLASMID = "plasmid", _("Plasmid DNA")
    VIRUS_STOCK = "virus_stock", _("Virus stock (frozen)")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    IN_PREPARATION = "in_preparation", _("In preparation")
    SUSPENDED = "suspended", _("Distribution suspended")


class Biosafety(models.IntegerChoices):
    BSL1 = 1, "BSL1"
    BSL2 = 2, "BSL2"
    BSL3 = 3, "BSL3"
    BSL4 = 4, "BSL4"


class MtaTerms(models.TextChoices):
    STANDARD = "standard", _("Standard terms (UBMTA-like)")
    DEPOSITOR = "depositor", _("The depositor's own terms")


class MtaClause(models.TextChoices):
    """What a depositor may ask of each recipient (on top of the standard terms)."""

    CITE_PAPER = "cite_paper", _("Cite the depositor's paper in any publication")
    CO_AUTHORSHIP = "co_authorship", _("Offer the depositor co-authorship")
    NON_COMMERCIAL = "non_commercial", _("Non-commercial use only")
    NO_REDISTRIBUTION = "no_redistribution", _("No redistribution to third parties")
    DEPOSITOR_APPROVAL = "depositor_approval", _("The depositor approves each request")


# The standard terms every recipient accepts (UBMTA-like): what they say, shown on each resource page.
STANDARD_TERMS = (
    _("The material is used for research only, not in humans."),
    _("The recipient does not pass the material on without the centre's consent."),
    _("Publications name the centre and the resource number."),
    _("The centre gives no warranty of the material's fitness for any purpose."),
)

# Clauses that bind the institution, not only the researcher: an institutional signatory signs them.
SIGNATORY_CLAUSES = frozenset(
    {MtaClause.NON_COMMERCIAL, MtaClause.NO_REDISTRIBUTION, MtaClause.CO_AUTHORSHIP}
)


class DepositKind(models.TextChoices):
    """As RIKEN BRC distinguishes them: the depositor keeps rights (deposition) or gives them (donation)."""

    DEPOSITION = "deposition", _("Deposition (the depositor keeps the rights and sets the terms)")
    DONATION = "donation", _("Donation (the rights pass to the centre; standard terms)")


class QcKind(models.TextChoices):
    STERILITY = "sterility", _("Sterility")
    MYCOPLASMA = "mycoplasma", _("Mycoplasma")
    GENOTYPE_PCR = "genotype_pcr", _("Genotype PCR")
    STR = "str", _("STR profile")
    VIABILITY = "viability", _("Viability")
    TITRE = "titre", _("Titre")


class QcResult(models.TextChoices):
    PASSED = "passed", pgettext_lazy("qc", "Passed")
    FAILED = "failed", pgettext_lazy("qc", "Failed")
    PENDING = "pending", pgettext_lazy("qc", "Pending")


class FeeCategory(models.TextChoices):
    ACADEMIC = "academic", _("Academic")
    COMPANY = "company", _("Company")


class ShipmentState(models.TextChoices):
    """packed → shipped → received."""

    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")


class ColdChain(models.TextChoices):
    AMBIENT = "ambient", _("Ambient")
    CHILLED = "chilled", _("Chilled (4 °C)")
    DRY_ICE = "dry_ice", _("Dry ice (−78 °C)")
    LIQUID_NITROGEN = "liquid_nitrogen", _("Liquid nitrogen dry shipper (−150 °C)")


class OrderState(models.TextChoices):
    """The lifecycle's states (kiban.submissions) in an order's words: the researcher drafts and submits, the
    centre accepts (or rejects), packs (in progress) and the order is completed when the shipment arrives."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the centre")
    RETURNED = "returned", _("Returned for changes")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", pgettext_lazy("order", "Accepted by the centre")
    REJECTED = "rejected", pgettext_lazy("order", "Declined by the centre")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    IN_PROGRESS = "in_progress", _("Being prepared and shipped")
    COMPLETED = "completed", _("Received")


class DepositState(models.TextChoices):
    """A deposit's lifecycle: drafted by the depositor, submitted, screened by the centre, accepted (the
    resource enters the catalogue) or declined."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the centre")
    RETURNED = "returned", _("Returned for changes")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    UNDER_REVIEW = "under_review", _("In screening")
    ACCEPTED = "accepted", pgettext_lazy("deposit", "Accepted into the collection")
    REJECTED = "rejected", pgettext_lazy("deposit", "Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DepositorDecision(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    PENDING = "pending", _("Waiting for the depositor")
    APPROVED = "approved", _("Approved by the depositor")
    DECLINED = "declined", _("Declined by the depositor")
