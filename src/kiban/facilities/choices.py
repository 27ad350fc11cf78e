"""Enumerations of the cryo-EM network."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkTier(models.TextChoices):
    """E2 and E1 are BINDS instruments (E1 screens for E2); F1 are instruments outside BINDS."""

    E2 = "E2", _("E2 (BINDS, high resolution)")
    E1 = "E1", _("E1 (BINDS, screening)")
    F1 = "F1", _("F1 (outside BINDS)")


class VoltageClass(models.TextChoices):
    KV300 = "300", _("300 keV")
    KV200_OR_LESS = "200", _("200 keV or less")


class UserClass(models.TextChoices):
    ACADEMIC = "academic", _("Academic")
    COMPANY = "company", _("Company")


class Results(models.TextChoices):
    """Open results are published; proprietary results (成果占有) are kept by the user at a higher price."""

    OPEN = "open", _("Open results")
    PROPRIETARY = "proprietary", _("Proprietary results (成果占有)")


class TariffUnit(models.TextChoices):
    DAY = "day", _("per day")
    HOUR = "hour", _("per hour")


class BlockKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("Maintenance")
    DOWNTIME = "downtime", _("Downtime")


class BookingState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")


class SessionMode(models.TextChoices):
    REMOTE = "remote", _("Remote")
    ON_SITE = "on_site", _("On site")


class IceQuality(models.TextChoices):
    GOOD = "good", _("Good (thin, vitreous)")
    THICK = "thick", _("Too thick")
    THIN = "thin", _("Too thin or empty")
    CRYSTALLINE = "crystalline", _("Crystalline")


class ParticleDistribution(models.TextChoices):
    MONODISPERSE = "monodisperse", _("Monodisperse")
    AGGREGATED = "aggregated", _("Aggregated")
    SPARSE = "sparse", _("Too sparse")
    CROWDED = "crowded", _("Too crowded")
    PREFERRED = "preferred", _("Preferred orientation")


class Decision(models.TextChoices):
    GO = "go", _("Go")
    NO_GO = "no_go", _("No-go")
