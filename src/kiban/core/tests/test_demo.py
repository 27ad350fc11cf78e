"""The demo loader: the seed's organisations and one user per role, and harmless when run again."""

from kiban.core.choices import Role
from kiban.core.demo import load_core
from kiban.core.models import Membership, Organisation, User


def test_demo_has_one_user_per_role_and_the_ten_hubs(db):
    load_core()
    assert sorted(Membership.objects.values_list("role", flat=True)) == sorted(Role.values)
    hubs = set(Organisation.objects.filter(kind="translational_hub").values_list("name", flat=True))
    assert hubs == {
        "北海道大学", "東北大学", "筑波大学", "東京大学", "慶応義塾大学",
        "名古屋大学", "京都大学", "大阪大学", "岡山大学", "九州大学",
    }  # fmt: skip
    sharing = Organisation.objects.filter(lead_organisation__name="北海道大学").values_list("name", flat=True)
    assert set(sharing) == {"旭川医科大学", "札幌医科大学"}


def test_loading_the_demo_again_changes_nothing(db):
    load_core()
    counts = (Organisation.history.count(), User.history.count(), Membership.objects.count())
    load_core()
    assert (Organisation.history.count(), User.history.count(), Membership.objects.count()) == counts
