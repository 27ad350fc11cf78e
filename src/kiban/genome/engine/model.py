"""The engine's value types: counts, variants, manifests, pages and filters (plain frozen dataclasses)."""

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Counts:
    """One allele in one population (all samples, or one stratum)."""

    ac: int
    an: int
    af: float | None  # None when an == 0
    hom: int  # homozygous-alt samples
    het: int  # heterozygous samples
    hemi: int  # hemizygous alt calls

    @classmethod
    def of(cls, ac: int, an: int, hom: int, het: int, hemi: int) -> "Counts":
        return cls(
            ac=int(ac), an=int(an), af=(ac / an) if an else None, hom=int(hom), het=int(het), hemi=int(hemi)
        )


@dataclass(frozen=True)
class Variant:
    """One biallelic variant with its counts overall and per stratum."""

    chrom: str  # '1'..'22', 'X', 'Y', 'MT' (no 'chr' prefix)
    pos: int  # 1-based, after normalisation to the minimal representation
    ref: str
    alt: str
    rsid: str | None
    qual: float | None
    filters: tuple[str, ...]  # ('PASS',) when PASS or '.'
    counts: Counts
    strata: dict[str, dict[str, Counts]] = field(default_factory=dict)

    @property
    def variant_id(self) -> str:
        return f"{self.chrom}-{self.pos}-{self.ref}-{self.alt}"


@dataclass(frozen=True)
class Manifest:
    """What one dataset version holds: written last, so a version with a manifest is complete."""

    dataset_id: str
    version: str  # UTC timestamp 'YYYYMMDDTHHMMSSZ' (sortable)
    assembly: str  # 'GRCh37' or 'GRCh38'
    sample_count: int
    variant_count: int
    strata: dict[str, list[str]]
    source_name: str
    source_sha256: str
    created_at: str  # ISO 8601
    engine: str  # 'duckdb' or 'spark'

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Manifest":
        # Unknown keys are ignored so that a newer writer's manifest still opens.
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known["strata"] = {name: list(values) for name, values in known.get("strata", {}).items()}
        return cls(**known)


@dataclass(frozen=True)
class Page:
    """One page of a longer, ordered result; `total` counts every match, never a capped number."""

    items: list[Variant]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True)
class Filters:
    """Variant filters shared by region and gene queries; AF bounds are inclusive."""

    min_af: float | None = None
    max_af: float | None = None
    pass_only: bool = False
