"""The demo loaders: the seed's organisations and one user per role, harmless when run again, and each app's
loader registered and run in its order."""

import io

import pytest
from django.core.management import call_command

from kiban.core.choices import Role
from kiban.core.demo import load_core
from kiban.core.models import Membership, Organisation, User
from kiban.core.registry import demo_loaders


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


def test_every_app_with_demo_data_registers_its_loader_after_those_it_uses():
    # given the loaders the apps registered in ready()
    everything = [loader.name for loader in demo_loaders()]

    # then `kiban demo` runs each of them once, each after the loaders it names
    assert sorted(everything) == [
        "analysis_funding", "binds", "biobank", "biobank_access", "bioresources", "certification", "core",
        "facilities", "facility_operations", "genome", "ledger", "programmes", "seeds", "sequencing",
    ]  # fmt: skip
    for position, loader in enumerate(demo_loaders()):
        assert set(loader.after) <= set(everything[:position]), loader.name
    # and asking for one loader brings the ones it depends on, in order, and nothing else
    assert [loader.name for loader in demo_loaders("certification")] == [
        "core",
        "programmes",
        "seeds",
        "certification",
    ]


def test_an_unknown_or_circular_demo_loader_is_refused_by_name(monkeypatch):
    from kiban.core import registry

    monkeypatch.setattr(registry, "_demo_loaders", {})
    registry.register_demo_loader("a", "A", "kiban.core.demo.load_core", after=("b",))
    registry.register_demo_loader("b", "B", "kiban.core.demo.load_core", after=("a",))
    registry.register_demo_loader("c", "C", "kiban.core.demo.load_core", after=("missing",))
    with pytest.raises(ValueError, match="a, b depend on each other in a cycle"):
        demo_loaders("a")
    with pytest.raises(KeyError, match="c needs missing, which no app registered"):
        demo_loaders("c")
    with pytest.raises(KeyError, match="No demo loader named z"):
        demo_loaders("z")


def test_the_demo_command_runs_every_registered_loader(db, settings, tmp_path, monkeypatch):
    # given loaders that record that they ran (the real ones are tested by each app)
    from kiban.core import registry

    ran = []
    monkeypatch.setattr(registry, "_demo_loaders", {})
    monkeypatch.setattr("kiban.core.demo.load_core", lambda: ran.append("core"))
    registry.register_demo_loader("core", "Organisations", "kiban.core.demo.load_core")
    monkeypatch.setattr(
        "kiban.genome.demo.load_genome", lambda say, progress: (ran.append("genome"), say("  ingested"))
    )
    registry.register_demo_loader("genome", "Genome", "kiban.genome.demo.load_genome", reports=True)
    settings.DATA_DIR = tmp_path

    # when `kiban demo` runs
    out = io.StringIO()
    call_command("demo", stdout=out)

    # then every loader ran once, in order, each announced as a step
    assert ran == ["core", "genome"]
    assert "[1/3] Migrating the database…" in out.getvalue()
    assert "[2/3] Organisations…" in out.getvalue()
    assert "[3/3] Genome…\n  ingested" in out.getvalue()
