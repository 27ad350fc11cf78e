"""Biobank cross-search records (MIABIS core terms): biobanks, their collections, pseudonymous participants
with their diagnoses, samples and data, the link to the genome panel's samples, imports and saved searches."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kiban.core.icd10 import validate_icd10
from kiban.core.language import is_japanese
from kiban.core.models import Organisation, User

from .choices import (
    CollectionKind,
    FactKind,
    FactSource,
    MaterialType,
    Sex,
    StorageTemperature,
    UpdateState,
)

# Years of birth and ages the platform accepts: anyone alive or recently deceased.
EARLIEST_BIRTH_YEAR = 1880
OLDEST_AGE = 130
MOST_ALIQUOTS = 100_000
WHO_SCALE_MAX = 10  # the WHO clinical progression scale of COVID-19: 0 uninfected … 10 dead
MOST_UPDATE_LINES = 50_000


class Biobank(models.Model):
    """A biobank (MIABIS Biobank): an organisation holding samples and data, e.g. BBJ, TMM, NCBN."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="biobank", verbose_name=_("organisation")
    )
    code = models.SlugField(_("code"), max_length=20, unique=True, help_text=_("e.g. BBJ, TMM, NCBN"))
    description = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("biobank")
        verbose_name_plural = _("biobanks")

    def __str__(self) -> str:
        return self.code

    @property
    def display_name(self) -> str:
        organisation = self.organisation
        return organisation.name if is_japanese() or not organisation.name_en else organisation.name_en

    @property
    def display_description(self) -> str:
        return self.description if is_japanese() or not self.description_en else self.description_en


class Collection(models.Model):
    """A sample collection of a biobank (MIABIS Collection), with the conditions of access to it."""

    biobank = models.ForeignKey(
        Biobank, on_delete=models.PROTECT, related_name="collections", verbose_name=_("biobank")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("collection type"), max_length=30, choices=CollectionKind.choices)
    stated_size = models.PositiveIntegerField(
        _("stated size"),
        null=True,
        blank=True,
        help_text=_("The number of participants the biobank states for the whole collection."),
    )
    access_conditions = models.TextField(_("access conditions (Japanese)"))
    access_conditions_en = models.TextField(_("access conditions (English)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["biobank__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["biobank", "code"], name="biobank_collection_code_unique")
        ]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")

    def __str__(self) -> str:
        return f"{self.biobank.code}/{self.code}"

    @property
    def display_name(self) -> str:
        return self.name if is_japanese() or not self.name_en else self.name_en

    @property
    def display_access_conditions(self) -> str:
        if is_japanese() or not self.access_conditions_en:
            return self.access_conditions
        return self.access_conditions_en


class Participant(models.Model):
    """A sample donor (MIABIS SampleDonor), known only by the biobank's pseudonymous id; with the data held
    about them. Nobody sees these rows through the search: only counts."""

    biobank = models.ForeignKey(
        Biobank, on_delete=models.PROTECT, related_name="participants", verbose_name=_("biobank")
    )
    collection = models.ForeignKey(
        Collection, on_delete=models.PROTECT, related_name="participants", verbose_name=_("collection")
    )
    pseudonym = models.CharField(_("pseudonymous id"), max_length=40)
    sex = models.CharField(_("sex"), max_length=20, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_BIRTH_YEAR), MaxValueValidator(9999)],
    )
    age_at_enrolment = models.PositiveSmallIntegerField(
        _("age at enrolment"), validators=[MaxValueValidator(OLDEST_AGE)]
    )
    has_wgs = models.BooleanField(_("whole genome sequence"), default=False)
    has_wes = models.BooleanField(_("whole exome sequence"), default=False)
    has_snp_array = models.BooleanField(_("SNP array"), default=False)
    has_mri = models.BooleanField(_("MRI"), default=False)
    has_questionnaire = models.BooleanField(_("questionnaire"), default=False)
    has_clinical_records = models.BooleanField(_("clinical records"), default=False)
    recorded_at = models.DateTimeField(
        _("recorded"),
        default=timezone.now,
        db_default=Now(),
        help_text=_("When the participant entered the platform's records (as-of queries count from here)."),
    )

    class Meta:
        ordering = ["biobank", "pseudonym"]
        constraints = [
            models.UniqueConstraint(fields=["biobank", "pseudonym"], name="biobank_participant_unique")
        ]
        indexes = [
            models.Index(fields=["collection", "sex", "age_at_enrolment"], name="biobank_part_search"),
            models.Index(fields=["sex", "age_at_enrolment"], name="biobank_part_sex_age"),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"{self.biobank_id}:{self.pseudonym}"


class ClinicalUpdate(models.Model):
    """A curator's file of clinical updates for their biobank: checked whole and shown as a preview, then
    applied in one transaction on confirmation (or discarded). The checked lines are kept, so that what is
    applied is what was previewed."""

    biobank = models.ForeignKey(
        Biobank, on_delete=models.PROTECT, related_name="clinical_updates", verbose_name=_("biobank")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=UpdateState.choices, default=UpdateState.PREVIEWED
    )
    lines = models.JSONField(_("checked lines"), default=list)
    new = models.PositiveIntegerField(_("new"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("clinical update")
        verbose_name_plural = _("clinical updates")

    def __str__(self) -> str:
        return f"{self.biobank.code}: {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("biobank:update-detail", args=[self.pk])


CURRENT = models.Q(superseded_at__isnull=True, retracted=False)


class Versioned(models.Model):
    """A clinical fact kept bitemporally: when it was true (valid time: from the model's VALID_FROM field to
    `valid_until`, exclusive; an empty start means "since before anything recorded") and when it was
    recorded (record time: from `recorded_at` until a later version `superseded_at` it). A correction adds a
    version and closes the record time of the one it replaces; no value is ever overwritten. A retraction is
    a version that says the fact was entered in error. Each version says where it came from, who entered it
    and why."""

    VALID_FROM = "valid_from"

    valid_until = models.DateField(_("true until"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, db_default=Now())
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    retracted = models.BooleanField(_("entered in error"), default=False, db_default=False)
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=FactSource.choices,
        default=FactSource.IMPORT,
        db_default=FactSource.IMPORT,
    )
    entered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )
    reason = models.CharField(_("why"), max_length=500, blank=True, db_default="")
    update = models.ForeignKey(
        ClinicalUpdate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("clinical update"),
    )

    class Meta:
        abstract = True


class Diagnosis(Versioned):
    """An ICD-10 (WHO 2019) diagnosis of a participant (MIABIS Diagnosis), with the date made when known; the
    category and chapter are kept beside the code so that "J45 and its descendants" is one indexed test.
    Versioned (see Versioned): one current version per participant and code."""

    VALID_FROM = "diagnosed_on"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="diagnoses", verbose_name=_("participant")
    )
    code = models.CharField(_("ICD-10 code"), max_length=8, validators=[validate_icd10])
    category = models.CharField(_("ICD-10 category"), max_length=3)
    chapter = models.CharField(_("ICD-10 chapter"), max_length=5)
    diagnosed_on = models.DateField(_("date of diagnosis"), null=True, blank=True)

    class Meta:
        ordering = ["participant", "code", "recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "code"],
                condition=models.Q(superseded_at__isnull=True),
                name="biobank_diagnosis_current_unique",
            )
        ]
        indexes = [
            models.Index(fields=["category", "participant"], name="biobank_diag_category"),
            models.Index(fields=["chapter", "participant"], name="biobank_diag_chapter"),
            models.Index(fields=["code", "participant"], name="biobank_diag_code"),
            # The search's usual question (today's record): answered from the index alone.
            models.Index(fields=["category", "participant"], condition=CURRENT, name="biobank_diag_cat_now"),
        ]
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")

    def __str__(self) -> str:
        return self.code


class ClinicalFact(Versioned):
    """Clinical follow-up of a participant other than a diagnosis: a COVID-19 infection (with the WHO
    clinical progression scale), a vaccination, a medication, a laboratory value or the vital status.
    `key` tells the versions of one fact from another fact of the same kind (see clinical.fact_key)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="clinical_facts", verbose_name=_("participant")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FactKind.choices)
    key = models.CharField(_("key"), max_length=160)
    item = models.CharField(_("item"), max_length=120, blank=True)
    valid_from = models.DateField(_("true from"), null=True, blank=True)
    value_number = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    value_text = models.CharField(_("value (text)"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)

    class Meta:
        ordering = ["participant", "kind", "key", "recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "kind", "key"],
                condition=models.Q(superseded_at__isnull=True),
                name="biobank_fact_current_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=FactKind.DIAGNOSIS), name="biobank_fact_not_diagnosis"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "item", "participant"], name="biobank_fact_kind"),
        ]
        verbose_name = _("clinical fact")
        verbose_name_plural = _("clinical facts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item}".strip()


class TimelineView(models.Model):
    """Who opened a participant's timeline, when: the biobank's curators see who looked."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="timeline_views", verbose_name=_("participant")
    )
    viewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("viewer"))
    viewed_at = models.DateTimeField(_("viewed"), default=timezone.now)

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        verbose_name = _("timeline view")
        verbose_name_plural = _("timeline views")

    def __str__(self) -> str:
        return f"{self.viewer} {self.viewed_at:%Y-%m-%d %H:%M}"


class Sample(models.Model):
    """A stored sample (MIABIS Sample): its material, how it is kept and how many aliquots are left."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="samples", verbose_name=_("participant")
    )
    label = models.CharField(_("sample id"), max_length=60)
    material_type = models.CharField(_("material type"), max_length=20, choices=MaterialType.choices)
    storage_temperature = models.CharField(
        _("storage temperature"), max_length=10, choices=StorageTemperature.choices
    )
    aliquots = models.PositiveIntegerField(
        _("aliquots available"), default=1, validators=[MaxValueValidator(MOST_ALIQUOTS)]
    )

    class Meta:
        ordering = ["participant", "label"]
        constraints = [models.UniqueConstraint(fields=["participant", "label"], name="biobank_sample_unique")]
        indexes = [models.Index(fields=["material_type", "participant"], name="biobank_sample_material")]
        verbose_name = _("sample")
        verbose_name_plural = _("samples")

    def __str__(self) -> str:
        return self.label


class GenomeLink(models.Model):
    """A genome panel sample (dataset, sample id) of a participant: the sample sheet's `participant` column
    named them (`kiban biobank link`)."""

    dataset_id = models.CharField(_("genome dataset"), max_length=100)
    sample = models.CharField(_("genome sample"), max_length=200)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="genome_links", verbose_name=_("participant")
    )

    class Meta:
        ordering = ["dataset_id", "sample"]
        constraints = [
            models.UniqueConstraint(fields=["dataset_id", "sample"], name="biobank_genome_link_unique")
        ]
        indexes = [models.Index(fields=["dataset_id", "participant"], name="biobank_link_participant")]
        verbose_name = _("genome link")
        verbose_name_plural = _("genome links")

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.sample}"


class ImportRecord(models.Model):
    """One import of a file into a collection: which file (by its SHA-256), who, when and what it added."""

    collection = models.ForeignKey(
        Collection, on_delete=models.PROTECT, related_name="imports", verbose_name=_("collection")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_format = models.CharField(_("format"), max_length=20)
    participants_added = models.PositiveIntegerField(_("participants added"), default=0)
    participants_updated = models.PositiveIntegerField(_("participants updated"), default=0)
    diagnoses_added = models.PositiveIntegerField(_("diagnoses added"), default=0)
    samples_added = models.PositiveIntegerField(_("samples added"), default=0)
    imported_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("imported by")
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.collection}: {self.file_name}"


class SavedSearch(models.Model):
    """A researcher's named search criteria (the validated criteria tree), to be run again."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="biobank_searches", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=120)
    criteria = models.JSONField(_("criteria"))
    recorded_on = models.DateField(
        _("as recorded on"), null=True, blank=True, help_text=_("Counts as the records stood that day.")
    )
    true_on = models.DateField(
        _("as true on"), null=True, blank=True, help_text=_("Clinical facts as they were true that day.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="biobank_saved_search_unique")]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name
