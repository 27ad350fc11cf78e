"""Reads of sequencing progress: every figure in date order and each funder's latest standing."""

from dataclasses import dataclass

from django.db.models import QuerySet

from .choices import FigureKind, Funder
from .models import SequencingFigure


def figures() -> QuerySet[SequencingFigure]:
    return SequencingFigure.objects.all()


@dataclass(frozen=True)
class FunderStanding:
    """A funder's latest achieved figure beside its target."""

    funder: str
    latest: SequencingFigure | None
    target: SequencingFigure | None

    @property
    def label(self) -> str:
        return Funder(self.funder).label

    @property
    def planned(self) -> int:
        return (self.target or self.latest).planned if (self.target or self.latest) else 0

    @property
    def sequenced(self) -> int:
        return self.latest.sequenced if self.latest else 0

    @property
    def percent(self) -> int:
        return round(100 * self.sequenced / self.planned) if self.planned else 0


def standings() -> list[FunderStanding]:
    """One row per funder: one query for all figures."""
    latest: dict[str, SequencingFigure] = {}
    target: dict[str, SequencingFigure] = {}
    for figure in SequencingFigure.objects.order_by("as_of"):
        (latest if figure.kind == FigureKind.ACTUAL else target)[figure.funder] = figure
    return [FunderStanding(f, latest.get(f), target.get(f)) for f in Funder.values]
