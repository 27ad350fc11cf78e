"""The demo seeds: across the ten hubs, with histories, reviews, outcomes and license-outs; loaded twice
without change."""

from kiban.agreements.models import Agreement
from kiban.reviews.models import Decision, ReviewRound
from kiban.seeds.demo import load_seeds
from kiban.seeds.models import CompanyInterest, Outcome, Seed, StageGate
from kiban.seeds.selectors import outcome_counts


def test_the_demo_covers_every_hub_and_loads_twice_without_change(base_data):
    # given the demo organisations and programmes
    # when the demo seeds are loaded twice
    load_seeds()
    counts = (
        Seed.objects.count(),
        StageGate.objects.count(),
        Outcome.objects.count(),
        ReviewRound.objects.count(),
    )
    load_seeds()

    # then the second load changes nothing
    assert (
        Seed.objects.count(),
        StageGate.objects.count(),
        Outcome.objects.count(),
        ReviewRound.objects.count(),
    ) == counts
    # and every hub has seeds, from inside and outside, in several stages, with histories and outcomes
    assert set(Seed.objects.values_list("hub__name", flat=True).distinct()) == {
        "北海道大学",
        "東北大学",
        "筑波大学",
        "東京大学",
        "慶応義塾大学",
        "名古屋大学",
        "京都大学",
        "大阪大学",
        "岡山大学",
        "九州大学",
    }
    assert set(Seed.objects.values_list("origin", flat=True)) == {"inside", "outside"}
    assert len(set(Seed.objects.values_list("stage", flat=True))) >= 5
    assert set(Outcome.objects.values_list("kind", flat=True)) == {
        "patent_filing",
        "trial_notification",
        "approval_application",
        "license_out",
    }
    assert Seed.objects.filter(programme_slot="company_committed").exists()
    assert Seed.objects.filter(programme_slot="interdisciplinary").exists()
    # and the review engine holds a decided stage-gate and one awaiting the demo reviewer's scores
    assert Decision.objects.filter(outcome="stage_up").count() == 1
    assert ReviewRound.objects.filter(state="open", assignments__reviewer__username="reviewer").exists()
    assert StageGate.objects.filter(review_round_id__isnull=False).count() == 1
    assert CompanyInterest.objects.exists() and Agreement.objects.filter(kind="nda", state="signed").exists()
    hubs = set(Seed.objects.values_list("hub_id", flat=True))
    assert sum(outcome_counts(organisation_ids=hubs, fiscal_years=list(range(2018, 2024))).values()) > 10
