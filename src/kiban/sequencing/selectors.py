"""Reads of sequencing progress: every figure in date order and each funder's latest standing."""

import datetime
from collections.abc import Callable, Iterable
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


# --- genomes planned by other systems (analysis funding's published allocations), shown beside the figures
@dataclass(frozen=True)
class FundedPlan:
    """Genomes one funder's money plans through another system (an analysis-funding call), as of a date."""

    funder: str
    source: str
    genomes: int
    proposals: int
    as_of: datetime.date
    url: str = ""

    @property
    def label(self) -> str:
        return Funder(self.funder).label


_plan_sources: dict[str, Callable[[], Iterable[FundedPlan]]] = {}


def register_plan_source(name: str, source: Callable[[], Iterable[FundedPlan]]) -> None:
    """An app adds the genomes it plans (call it in AppConfig.ready(); a name is replaced, not doubled)."""
    _plan_sources[name] = source


def funded_plans() -> list[FundedPlan]:
    """Every registered source's plans, by date."""
    plans = [plan for source in _plan_sources.values() for plan in source()]
    return sorted(plans, key=lambda plan: (plan.as_of, plan.funder, plan.source))


def funded_totals(plans: Iterable[FundedPlan]) -> list[tuple[str, int]]:
    """(funder label, genomes) per funder, in the funders' order."""
    plans = list(plans)
    return [(Funder(f).label, sum(p.genomes for p in plans if p.funder == f)) for f in Funder.values]
