"""Biobank cross-search records (MIABIS core terms): biobanks, their collections, pseudonymous participants
with their diagnoses, samples and data, the link to the genome panel's samples, imports and saved searches."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kiban.core.icd10 import validate_icd10
from kiban.core.language import is_japanese
from kiban.core.models import Organisation, User

from .choices import CollectionKind, MaterialType, Sex, StorageTemperature

# Years of birth and ages the platform accepts: anyone alive or recently deceased.
EARLIEST_BIRTH_YEAR = 1880
OLDEST_AGE = 130
MOST_ALIQUOTS = 100_000


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


class Diagnosis(models.Model):
    """An ICD-10 (WHO 2019) diagnosis of a participant (MIABIS Diagnosis), with the date made when known; the
    category and chapter are kept beside the code so that "J45 and its descendants" is one indexed test."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="diagnoses", verbose_name=_("participant")
    )
    code = models.CharField(_("ICD-10 code"), max_length=8, validators=[validate_icd10])
    category = models.CharField(_("ICD-10 category"), max_length=3)
    chapter = models.CharField(_("ICD-10 chapter"), max_length=5)
    diagnosed_on = models.DateField(_("date of diagnosis"), null=True, blank=True)

    class Meta:
        ordering = ["participant", "code"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "code"], name="biobank_diagnosis_unique")
        ]
        indexes = [
            models.Index(fields=["category", "participant"], name="biobank_diag_category"),
            models.Index(fields=["chapter", "participant"], name="biobank_diag_chapter"),
            models.Index(fields=["code", "participant"], name="biobank_diag_code"),
        ]
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")

    def __str__(self) -> str:
        return self.code


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
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="biobank_saved_search_unique")]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name
