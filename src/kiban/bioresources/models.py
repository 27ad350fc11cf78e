"""The national bioresource catalogue (S7): species, resources of every type held by the core centres, their
references, lots with QC tests, biosafety facilities, the cart, orders with one MTA per line, shipments,
deposits and the papers users report."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField
from simple_history.models import HistoricalRecords

from kiban.core.language import is_japanese
from kiban.core.models import Organisation, User
from kiban.core.money import YenField
from kiban.submissions.models import Submission

from .choices import (
    SIGNATORY_CLAUSES,
    Availability,
    Biosafety,
    ColdChain,
    DepositKind,
    DepositorDecision,
    DepositState,
    FeeCategory,
    MtaClause,
    MtaTerms,
    OrderState,
    QcKind,
    QcResult,
    ResourceClass,
    ResourceForm,
    ResourceType,
    ShipmentState,
)
from .validators import validate_doi, validate_pmid, validate_str_profile, validate_taxonomy_id

MAX_QUANTITY = 20  # vials, tubes or packets of one resource on one order line
MAX_STOCK = 1_000_000


class Species(models.Model):
    """A species as NCBI Taxonomy names it, with its taxonomy id."""

    scientific_name = models.CharField(_("scientific name"), max_length=200, unique=True)
    common_name = models.CharField(_("common name (Japanese)"), max_length=100, blank=True)
    common_name_en = models.CharField(_("common name (English)"), max_length=100, blank=True)
    taxonomy_id = models.PositiveIntegerField(
        _("NCBI Taxonomy id"), unique=True, validators=[validate_taxonomy_id]
    )

    class Meta:
        verbose_name = _("species")
        verbose_name_plural = _("species")
        ordering = ["scientific_name"]

    def __str__(self) -> str:
        common = self.common_name if is_japanese() else self.common_name_en
        common = f" ({common})" if common else ""
        return f"{self.scientific_name}{common} [taxid:{self.taxonomy_id}]"

    @property
    def taxonomy_url(self) -> str:
        return f"https://www.ncbi.nlm.nih.gov/Taxonomy/Browser/wwwtax.cgi?id={self.taxonomy_id}"


def clauses_valid(value) -> None:
    if not isinstance(value, list) or any(code not in MtaClause.values for code in value):
        raise ValidationError(
            _("The MTA clauses are a list of: %(codes)s.") % {"codes": ", ".join(MtaClause.values)}, "clauses"
        )


class ResourceDescription(models.Model):
    """What describes a resource, for the catalogue entry and for the deposit that proposes one; the
    type-specific attributes each type needs are checked in clean()."""

    resource_type = models.CharField(_("resource type"), max_length=20, choices=ResourceType.choices)
    resource_class = models.CharField(
        _("class"), max_length=12, choices=ResourceClass.choices, default=ResourceClass.CORE
    )
    name = models.CharField(_("name"), max_length=200)
    species = models.ForeignKey(
        Species, verbose_name=_("species"), on_delete=models.PROTECT, related_name="+"
    )
    form = models.CharField(_("form provided"), max_length=20, choices=ResourceForm.choices)
    bsl = models.PositiveSmallIntegerField(
        _("biosafety level"), choices=Biosafety.choices, default=Biosafety.BSL1
    )
    description = models.TextField(_("description"), blank=True)
    # Type-specific attributes (empty where the type has none)
    genotype = models.CharField(_("genotype"), max_length=300, blank=True)
    strain_background = models.CharField(_("strain background"), max_length=200, blank=True)
    accession = models.CharField(_("accession"), max_length=100, blank=True)
    str_profile = models.TextField(
        _("STR profile"),
        blank=True,
        validators=[validate_str_profile],
        help_text=_("Loci separated by “;”, e.g. “D5S818: 11,12; TH01: 7,9.3”."),
    )
    insert = models.CharField(_("insert"), max_length=200, blank=True)
    vector = models.CharField(_("vector"), max_length=200, blank=True)
    host_range = models.CharField(_("host range"), max_length=300, blank=True)
    mta_terms = models.CharField(
        _("MTA terms"), max_length=12, choices=MtaTerms.choices, default=MtaTerms.STANDARD
    )
    mta_clauses = models.JSONField(
        _("the depositor's clauses"), default=list, blank=True, validators=[clauses_valid]
    )

    class Meta:
        abstract = True

    # Which attributes each type must state.
    REQUIRED = {
        ResourceType.ANIMAL: ("genotype", "strain_background"),
        ResourceType.PLANT: ("accession",),
        ResourceType.GENETIC_MATERIAL: ("insert", "vector"),
        ResourceType.VIRUS: ("host_range",),
    }

    def clean(self) -> None:
        errors = {}
        for name in self.REQUIRED.get(self.resource_type, ()):
            if not getattr(self, name).strip():
                errors[name] = _("A resource of type “%(type)s” states its %(field)s.") % {
                    "type": ResourceType(self.resource_type).label,
                    "field": self._meta.get_field(name).verbose_name,
                }
        if self.resource_type == ResourceType.CELL and self.is_human and not self.str_profile.strip():
            errors["str_profile"] = _("A human cell line states its STR profile.")
        if self.resource_type == ResourceType.VIRUS and self.bsl < Biosafety.BSL2:
            errors["bsl"] = _("Every virus resource is handled at BSL2 or higher.")
        if self.mta_terms == MtaTerms.STANDARD and self.mta_clauses:
            errors["mta_clauses"] = _("Standard terms carry no clauses of the depositor's own.")
        if self.mta_terms == MtaTerms.DEPOSITOR and not self.mta_clauses:
            errors["mta_clauses"] = _("Name at least one clause of the depositor's own terms.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_human(self) -> bool:
        return self.species_id is not None and self.species.taxonomy_id == 9606

    @property
    def clauses(self) -> list[MtaClause]:
        return [MtaClause(code) for code in self.mta_clauses]

    @property
    def needs_signatory(self) -> bool:
        """Clauses that bind the institution are signed by its signatory, not only accepted by the user."""
        return bool(SIGNATORY_CLAUSES & set(self.mta_clauses))

    @property
    def needs_depositor_approval(self) -> bool:
        return MtaClause.DEPOSITOR_APPROVAL in self.mta_clauses


class Resource(ResourceDescription):
    """One catalogue entry held and provided by a core centre (中核的拠点)."""

    centre = models.ForeignKey(
        Organisation, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="bioresources"
    )
    number = models.CharField(_("resource number"), max_length=40, unique=True)
    availability = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, default=Availability.AVAILABLE
    )
    depositor = models.ForeignKey(
        User, verbose_name=_("depositor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    depositor_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("depositor's institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    academic_price_yen = YenField(verbose_name=_("academic price (yen)"), default=0)
    company_price_yen = YenField(verbose_name=_("company price (yen)"), default=0)
    is_demo = models.BooleanField(
        _("demo entry"), default=False, help_text=_("Demo data: the entry and its prices are examples.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bioresource")
        verbose_name_plural = _("bioresources")
        ordering = ["number"]
        indexes = [
            models.Index(fields=["resource_type", "availability"], name="bioresource_type_avail"),
            models.Index(fields=["centre", "resource_type"], name="bioresource_centre_type"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(academic_price_yen__gte=0, company_price_yen__gte=0),
                name="bioresource_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(resource_type=ResourceType.VIRUS) | models.Q(bsl__gte=2),
                name="bioresource_virus_bsl2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("bioresources:resource", args=[self.pk])

    def price_for(self, category: str) -> int:
        return self.company_price_yen if category == FeeCategory.COMPANY else self.academic_price_yen


class Reference(models.Model):
    """A paper describing a resource: its DOI and/or PubMed id, both checked for their format."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="references")
    doi = models.CharField(_("DOI"), max_length=200, blank=True, validators=[validate_doi])
    pubmed_id = models.CharField(_("PubMed id"), max_length=9, blank=True, validators=[validate_pmid])
    citation = models.CharField(_("citation"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["resource", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(doi="", pubmed_id=""), name="bioresource_reference_has_id"
            )
        ]

    def __str__(self) -> str:
        return self.citation or self.doi or f"PMID {self.pubmed_id}"

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pubmed_id}/" if self.pubmed_id else ""


class Lot(models.Model):
    """A batch of a resource prepared at once; every distribution draws from one lot, and a lot ships only
    when each of its QC tests has passed and it has stock left."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="lots"
    )
    lot_number = models.CharField(_("lot number"), max_length=40)
    prepared_on = models.DateField(_("prepared on"))
    stock = models.PositiveIntegerField(
        _("units in stock"), default=0, validators=[MaxValueValidator(MAX_STOCK)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["resource", "-prepared_on", "lot_number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "lot_number"], name="bioresource_lot_unique"),
            models.CheckConstraint(condition=models.Q(stock__lte=MAX_STOCK), name="bioresource_lot_stock"),
        ]

    def __str__(self) -> str:
        return f"{self.resource.number} / {self.lot_number}"

    def qc_problem(self, tests=None) -> str:
        """Why the lot may not ship (no QC, a test failed or pending, no stock), or '' when it may."""
        tests = list(self.qc_tests.all()) if tests is None else tests
        if not tests:
            return gettext("Lot %(lot)s has no QC test recorded.") % {"lot": self.lot_number}
        for test in tests:
            if test.result != QcResult.PASSED:
                return gettext("Lot %(lot)s: %(test)s is %(result)s.") % {
                    "lot": self.lot_number,
                    "test": test.get_kind_display(),
                    "result": test.get_result_display().lower(),
                }
        if self.stock < 1:
            return gettext("Lot %(lot)s is out of stock.") % {"lot": self.lot_number}
        return ""


class QcTest(models.Model):
    """One quality-control test of a lot and its result."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="qc_tests")
    kind = models.CharField(_("test"), max_length=20, choices=QcKind.choices)
    result = models.CharField(_("result"), max_length=10, choices=QcResult.choices, default=QcResult.PENDING)
    value = models.CharField(
        _("measured value"), max_length=100, blank=True, help_text=_("e.g. 92% viable, 1×10⁷ PFU/mL")
    )
    tested_on = models.DateField(_("tested on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("QC test")
        verbose_name_plural = _("QC tests")
        ordering = ["lot", "kind"]
        constraints = [models.UniqueConstraint(fields=["lot", "kind"], name="bioresource_qc_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_result_display()}"


class BiosafetyFacility(models.Model):
    """A registered biosafety facility (実験室) of an institution: its level and the approval number its
    biosafety committee gave. An order for a BSL2+ resource names one of the requesting institution's."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="biosafety_facilities",
    )
    name = models.CharField(_("facility (room)"), max_length=200)
    bsl = models.PositiveSmallIntegerField(_("biosafety level"), choices=Biosafety.choices)
    approval_number = models.CharField(_("biosafety approval number"), max_length=60)
    approved_until = models.DateField(_("approval valid until"), null=True, blank=True)
    registered_by = models.ForeignKey(
        User, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("biosafety facility")
        verbose_name_plural = _("biosafety facilities")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="bioresource_facility_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.name} ({self.get_bsl_display()}, {self.approval_number})"


class CartItem(models.Model):
    """A resource a signed-in user means to order, from any centre."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bioresource_cart")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["resource__centre__name", "resource__number"]
        constraints = [models.UniqueConstraint(fields=["user", "resource"], name="bioresource_cart_once")]

    def __str__(self) -> str:
        return f"{self.resource} × {self.quantity}"


class ResourceOrder(Submission):
    """An order to one centre (the cart is split by centre): drafted, each line's MTA accepted, submitted,
    accepted by the centre, prepared and shipped (in progress), completed on receipt."""

    centre = models.ForeignKey(
        Organisation, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("requesting institution"), on_delete=models.PROTECT, related_name="+"
    )
    fee_category = models.CharField(_("fee"), max_length=10, choices=FeeCategory.choices)
    facility = models.ForeignKey(
        BiosafetyFacility,
        verbose_name=_("biosafety facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    purpose = models.TextField(_("purpose of use"), blank=True)
    invoice = models.ForeignKey(
        "ledger.Invoice",
        verbose_name=_("invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = FSMField(
        _("state"), max_length=20, choices=OrderState.choices, default=OrderState.DRAFT, protected=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resource order")
        verbose_name_plural = _("resource orders")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Order %(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("bioresources:order", args=[self.pk])

    @property
    def highest_bsl(self) -> int:
        return max((line.resource.bsl for line in self.lines.all()), default=1)

    def submission_problems(self) -> list[str]:
        from .services import order_problems

        return super().submission_problems() + order_problems(self)

    def applicant_users(self) -> list[User]:
        return [self.created_by]

    def handler_users(self) -> list[User]:
        from .selectors import centre_staff

        return list(centre_staff(centre_id=self.centre_id))


class OrderLine(models.Model):
    """One resource on an order: how many, at what price, its MTA (a kiban.agreements MTA about this line)
    and, where the depositor's terms ask for it, the depositor's approval; the lot it ships from."""

    order = models.ForeignKey(ResourceOrder, on_delete=models.CASCADE, related_name="lines")
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="order_lines"
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    unit_price_yen = YenField(verbose_name=_("unit price (yen)"))
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("MTA"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mta_accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mta_accepted_at = models.DateTimeField(_("MTA accepted"), null=True, blank=True)
    signatory_name = models.CharField(_("institutional signatory"), max_length=150, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=150, blank=True)
    depositor_decision = models.CharField(
        _("depositor's approval"),
        max_length=12,
        choices=DepositorDecision.choices,
        default=DepositorDecision.NOT_NEEDED,
    )
    depositor_decided_at = models.DateTimeField(null=True, blank=True)
    lot = models.ForeignKey(
        Lot,
        verbose_name=_("lot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order_lines",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["order", "resource"], name="bioresource_line_once")]

    def __str__(self) -> str:
        return f"{self.resource.number} × {self.quantity}"

    def get_absolute_url(self) -> str:
        return self.order.get_absolute_url()

    @property
    def amount_yen(self) -> int:
        return self.quantity * self.unit_price_yen


class Shipment(models.Model):
    """The parcel of an order: packed (lots drawn, stock counted down) → shipped (carrier, tracking number,
    cold chain) → received."""

    order = models.OneToOneField(ResourceOrder, on_delete=models.PROTECT, related_name="shipment")
    state = models.CharField(
        _("state"), max_length=10, choices=ShipmentState.choices, default=ShipmentState.PACKED
    )
    cold_chain = models.CharField(_("cold chain"), max_length=20, choices=ColdChain.choices)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    packed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    packed_at = models.DateTimeField(_("packed"), default=timezone.now)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-packed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state=ShipmentState.PACKED) | ~models.Q(tracking_number=""),
                name="bioresource_shipped_has_tracking",
            )
        ]

    def __str__(self) -> str:
        return _("Shipment of order %(pk)s") % {"pk": self.order_id}

    def get_absolute_url(self) -> str:
        return reverse("bioresources:packing-list", args=[self.order_id])


class Deposit(ResourceDescription, Submission):
    """A depositor's proposal of a resource to a centre, with their MTA terms and QC evidence; screened and
    accepted by the centre, it becomes a catalogue entry."""

    centre = models.ForeignKey(
        Organisation, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("depositor's institution"), on_delete=models.PROTECT, related_name="+"
    )
    deposit_kind = models.CharField(_("deposition or donation"), max_length=12, choices=DepositKind.choices)
    qc_evidence = models.TextField(_("QC evidence"), blank=True, help_text=_("Tests done and their results."))
    reference_doi = models.CharField(
        _("DOI of the describing paper"), max_length=200, blank=True, validators=[validate_doi]
    )
    resource = models.OneToOneField(
        Resource,
        verbose_name=_("catalogue entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deposit",
    )
    state = FSMField(
        _("state"), max_length=20, choices=DepositState.choices, default=DepositState.DRAFT, protected=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Deposit %(pk)s: %(name)s") % {"pk": self.pk, "name": self.name}

    def get_absolute_url(self) -> str:
        return reverse("bioresources:deposit", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.deposit_kind == DepositKind.DONATION and self.mta_terms != MtaTerms.STANDARD:
            raise ValidationError({"mta_terms": _("A donation is provided under the standard terms.")})

    def submission_problems(self) -> list[str]:
        problems = super().submission_problems()
        if not self.qc_evidence.strip():
            problems.append(gettext("Describe the QC evidence (tests done and their results)."))
        try:
            self.full_clean(exclude=["state", "created_by"])
        except ValidationError as error:
            problems.extend(error.messages)
        return problems

    def applicant_users(self) -> list[User]:
        return [self.created_by]

    def handler_users(self) -> list[User]:
        from .selectors import centre_staff

        return list(centre_staff(centre_id=self.centre_id))


class PaperReport(models.Model):
    """A paper a user reports as having used a resource they received (by DOI)."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="papers")
    order = models.ForeignKey(
        ResourceOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="papers"
    )
    doi = models.CharField(_("DOI"), max_length=200, validators=[validate_doi])
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(_("reported on"), default=timezone.localdate)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reported paper")
        verbose_name_plural = _("reported papers")
        ordering = ["-reported_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["resource", "doi"], name="bioresource_paper_once")]

    def __str__(self) -> str:
        return self.doi
