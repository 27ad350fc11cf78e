"""The cryo-EM network's instruments as of March 2021, exactly as the seed document itemises them."""

import datetime

from django.db import transaction

from kiban.core.demo import save_demo_record
from kiban.core.models import Organisation

from .models import InstrumentHolding, StatedInstrumentCount

AS_OF = datetime.date(2021, 3, 31)
# *1: 九大は R3 措置予定 (Kyushu's BINDS instruments are planned for FY2021).
NETWORK = {
    ("E2", "300"): (
        12,
        [
            ("東京大学", 3),
            ("大阪大学", 4),
            ("筑波大学", 1),
            ("九州大学", 1, 2021),
            ("沖縄科学技術大学院大学", 1),
            ("北海道大学", 1),
            ("東北大学", 1),
        ],
    ),
    ("E1", "200"): (
        13,
        [
            ("東京大学", 3),
            ("名古屋大学", 1),
            ("大阪大学", 3),
            ("沖縄科学技術大学院大学", 2),
            ("理化学研究所", 1),
            ("高エネルギー加速器研究機構", 1),
            ("筑波大学", 1),
            ("九州大学", 1, 2021),
        ],
    ),
    ("F1", "300"): (
        6,
        [("名古屋大学", 1), ("大阪大学", 1), ("兵庫県立大学", 1), ("九州大学", 1), ("理化学研究所", 2)],
    ),
    # Stated as 17; the itemised list names 19. Both are kept.
    ("F1", "200"): (
        17,
        [
            ("北海道大学", 1),
            ("山梨大学", 1),
            ("生理学研究所", 3),
            ("京都大学", 2),
            ("大阪市立大学", 1),
            ("兵庫県立大学", 3),
            ("理化学研究所", 2),
            ("神戸大学", 1),
            ("九州大学", 2),
            ("九州工業大学", 3),
        ],
    ),
}


@transaction.atomic
def load_facilities() -> None:
    """Creates the holdings and stated counts; running it again changes nothing."""
    for (tier, voltage), (stated, holdings) in NETWORK.items():
        if not StatedInstrumentCount.objects.filter(tier=tier, voltage=voltage).exists():
            save_demo_record(
                StatedInstrumentCount(tier=tier, voltage=voltage), stated_count=stated, as_of=AS_OF
            )
        for site_name, count, *from_fy in holdings:
            site = Organisation.objects.get(name=site_name)
            if not InstrumentHolding.objects.filter(site=site, tier=tier, voltage=voltage).exists():
                save_demo_record(
                    InstrumentHolding(site=site, tier=tier, voltage=voltage),
                    count=count,
                    in_service_from_fy=from_fy[0] if from_fy else None,
                )
