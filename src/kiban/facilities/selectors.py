"""Reads of the cryo-EM network: holdings grouped by tier and voltage beside the stated counts."""

from collections import defaultdict
from dataclasses import dataclass

from .choices import NetworkTier, VoltageClass
from .models import InstrumentHolding, StatedInstrumentCount


@dataclass
class TierGroup:
    tier: str
    voltage: str
    holdings: list[InstrumentHolding]
    stated_count: int | None

    @property
    def itemised_count(self) -> int:
        return sum(h.count for h in self.holdings)

    @property
    def difference(self) -> int | None:
        return None if self.stated_count is None else self.itemised_count - self.stated_count

    @property
    def label(self) -> str:
        return f"{NetworkTier(self.tier).label}, {VoltageClass(self.voltage).label}"


def cryo_em_network() -> list[TierGroup]:
    """Every tier and voltage class with its sites: two queries whatever the number of sites."""
    stated = {(s.tier, s.voltage): s.stated_count for s in StatedInstrumentCount.objects.all()}
    grouped: dict[tuple[str, str], list[InstrumentHolding]] = defaultdict(list)
    for holding in InstrumentHolding.objects.select_related("site"):
        grouped[(holding.tier, holding.voltage)].append(holding)
    keys = [
        (t, v)
        for t in NetworkTier.values
        for v in VoltageClass.values
        if (t, v) in grouped or (t, v) in stated
    ]
    return [TierGroup(t, v, grouped.get((t, v), []), stated.get((t, v))) for t, v in keys]
