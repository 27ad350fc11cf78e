"""Enumerations shared by the core's models, forms and API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    TRANSLATIONAL_HUB = "translational_hub", _("Translational research hub")
    COMPANY = "company", _("Company")
    BIOBANK = "biobank", _("Biobank")
    FACILITY_SITE = "facility_site", _("Facility site")
    RESOURCE_CENTRE = "resource_centre", _("Resource centre")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    FUNDING_AGENCY = "funding_agency", _("Funding agency")
    MINISTRY = "ministry", _("Ministry")


class Role(models.TextChoices):
    """What a person does for an organisation; permissions are granted per role."""

    RESEARCHER = "researcher", _("Researcher")
    HUB_STAFF = "hub_staff", _("Hub staff")
    FACILITY_OPERATOR = "facility_operator", _("Facility operator")
    BIOBANK_CURATOR = "biobank_curator", _("Biobank curator")
    COMPANY = "company", _("Company member")
    AGENCY_OFFICER = "agency_officer", _("Funding agency officer")
    MINISTRY_OFFICIAL = "ministry_official", _("Ministry official")
    AUDITOR = "auditor", _("Auditor")


class TokenScope(models.TextChoices):
    """What an API token may do: read only (GET, HEAD, OPTIONS), or read and change."""

    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")
