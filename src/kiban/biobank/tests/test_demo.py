"""The demo loader: deterministic, idempotent, the seed's biobanks and cohort sizes, the panel linked."""

from kiban.biobank import demo
from kiban.biobank.models import Collection, Diagnosis, GenomeLink, Participant, Sample
from kiban.core.demo import load_core


def test_the_demo_is_deterministic_and_idempotent(db, monkeypatch):
    load_core()
    small = tuple(
        spec.__class__(
            **{**spec.__dict__, "size": 1_200 if spec.code in ("community", "three-generation") else 300}
        )
        for spec in demo.COLLECTIONS
    )
    monkeypatch.setattr(demo, "COLLECTIONS", small)
    demo.load_biobank(say=lambda _text: None)
    first = (
        list(
            Participant.objects.order_by("pk").values_list("pseudonym", "sex", "age_at_enrolment", "has_wgs")
        ),
        list(Diagnosis.objects.order_by("pk").values_list("code", "diagnosed_on")),
        Sample.objects.count(),
    )
    demo.load_biobank(say=lambda _text: None)
    assert Participant.objects.count() == 3_000 and Sample.objects.count() == first[2]
    sizes = dict(Collection.objects.values_list("code", "stated_size"))
    assert sizes == {"disease": None, "community": 80_000, "three-generation": 70_000, "centres": None}
    assert all("デモ" in name for name in Collection.objects.values_list("name", flat=True))
    assert not GenomeLink.objects.exists()  # no panel in this test
    # Every BBJ participant has a diagnosis: a disease biobank.
    assert not Participant.objects.filter(biobank__code="BBJ", diagnoses__isnull=True).exists()
    Participant.objects.all().delete()
    demo.load_biobank(say=lambda _text: None)
    again = list(
        Participant.objects.order_by("pk").values_list("pseudonym", "sex", "age_at_enrolment", "has_wgs")
    )
    assert again == first[0]
    assert list(Diagnosis.objects.order_by("pk").values_list("code", "diagnosed_on")) == first[1]
