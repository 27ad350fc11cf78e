"""Enumerations of the biobank cross-search, in MIABIS core terms (MIABIS 2.0 core, BBMRI-ERIC) where they
exist."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    """MIABIS Sex."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")
    UNDIFFERENTIATED = "undifferentiated", _("Undifferentiated")


class MaterialType(models.TextChoices):
    """MIABIS MaterialType (the core list)."""

    WHOLE_BLOOD = "whole_blood", _("Whole blood")
    SERUM = "serum", _("Serum")
    PLASMA = "plasma", _("Plasma")
    BUFFY_COAT = "buffy_coat", _("Buffy coat")
    DNA = "dna", _("DNA")
    RNA = "rna", _("RNA")
    SALIVA = "saliva", _("Saliva")
    URINE = "urine", _("Urine")
    FECES = "feces", _("Faeces")
    CELL_LINES = "cell_lines", _("Cell lines")
    TISSUE_FROZEN = "tissue_frozen", _("Tissue (frozen)")
    TISSUE_FFPE = "tissue_ffpe", _("Tissue (FFPE)")
    OTHER = "other", _("Other")


class StorageTemperature(models.TextChoices):
    """MIABIS StorageTemperature."""

    ROOM = "RT", _("Room temperature")
    FRIDGE = "2to10", _("2 °C to 10 °C")
    FREEZER = "-18to-35", _("−18 °C to −35 °C")
    DEEP_FREEZER = "-60to-85", _("−60 °C to −85 °C")
    LIQUID_NITROGEN = "LN", _("Liquid nitrogen (−150 °C or colder)")
    OTHER = "other", _("Other")


class DataType(models.TextChoices):
    """The data held per participant (MIABIS DataCategory, narrowed to what the search asks for); each is a
    boolean field of Participant named has_<value>."""

    WGS = "wgs", _("Whole genome sequence")
    WES = "wes", _("Whole exome sequence")
    SNP_ARRAY = "snp_array", _("SNP array")
    MRI = "mri", _("MRI")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    CLINICAL_RECORDS = "clinical_records", _("Clinical records")


def data_field(data_type: str) -> str:
    """The Participant field that says whether a participant has this type of data."""
    return f"has_{data_type}"


class CollectionKind(models.TextChoices):
    """MIABIS CollectionType (the ones the three biobanks hold)."""

    DISEASE = "disease_specific", _("Disease-specific")
    POPULATION = "population_based", _("Population-based")
    BIRTH_COHORT = "birth_cohort", _("Birth cohort")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other")


class FactKind(models.TextChoices):
    """The kinds of clinical information a biobank keeps per participant and updates over time; a diagnosis
    is kept as a Diagnosis, the others as ClinicalFacts."""

    DIAGNOSIS = "diagnosis", _("Diagnosis (ICD-10)")
    COVID19 = "covid19", _("COVID-19 infection")
    VACCINATION = "vaccination", _("Vaccination")
    MEDICATION = "medication", _("Medication")
    LAB = "lab", _("Laboratory value")
    VITAL_STATUS = "vital_status", _("Vital status")


class FactSource(models.TextChoices):
    """Where a clinical fact comes from."""

    HOSPITAL = "hospital", _("Hospital record")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    REGISTRY = "registry", _("Registry")
    IMPORT = "import", _("Biobank import")


class VitalStatus(models.TextChoices):
    ALIVE = "alive", _("Alive")
    DECEASED = "deceased", _("Deceased")


class UpdateState(models.TextChoices):
    """A file of clinical updates: checked and shown as a preview, then applied or discarded."""

    PREVIEWED = "previewed", _("Previewed")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")
