"""The link between the genome panel and the biobanks: each sample whose sample sheet names its participant
(the `participant` column) becomes a GenomeLink to that biobank's participant.

The participant column holds the biobank's pseudonymous id, or BIOBANK:id to name another biobank than the
one given for the dataset (e.g. BBJ:P00123)."""

from dataclasses import dataclass

from django.db import transaction

from kiban.genome.datasets import dataset_or_404

from .models import Biobank, GenomeLink, Participant


@dataclass(frozen=True)
class LinkSummary:
    linked: int  # links added
    unchanged: int  # already linked to the same participant
    unknown: list[str]  # participant ids named by the sheet but not held by any biobank


def link_dataset(*, dataset_id: str, biobank: Biobank) -> LinkSummary:
    """Links the dataset's samples to their participants; running it again changes nothing. Raises Http404
    for an unknown dataset."""
    pairs = dataset_or_404(dataset_id).participants()
    codes = {b.code: b.pk for b in Biobank.objects.all()}
    wanted: dict[tuple[int, str], list[str]] = {}
    for sample, named, _sex in pairs:
        prefix, colon, rest = named.partition(":")
        biobank_id = codes.get(prefix) if colon and prefix in codes else biobank.pk
        pseudonym = rest if colon and prefix in codes else named
        wanted.setdefault((biobank_id, pseudonym), []).append(sample)
    with transaction.atomic():
        ids: dict[tuple[int, str], int] = {}
        for biobank_id in {key[0] for key in wanted}:
            names = [name for b, name in wanted if b == biobank_id]
            for start in range(0, len(names), 2_000):
                rows = Participant.objects.filter(
                    biobank_id=biobank_id, pseudonym__in=names[start : start + 2_000]
                )
                ids.update({(biobank_id, p): pk for p, pk in rows.values_list("pseudonym", "pk")})
        stored = dict(
            GenomeLink.objects.filter(dataset_id=dataset_id).values_list("sample", "participant_id")
        )
        new, moved, unknown, unchanged = [], [], [], 0
        for key, samples in wanted.items():
            participant_id = ids.get(key)
            if participant_id is None:
                unknown.append(key[1])
                continue
            for sample in samples:
                if sample not in stored:
                    new.append(
                        GenomeLink(dataset_id=dataset_id, sample=sample, participant_id=participant_id)
                    )
                elif stored[sample] != participant_id:
                    moved.append(sample)
                    new.append(
                        GenomeLink(dataset_id=dataset_id, sample=sample, participant_id=participant_id)
                    )
                else:
                    unchanged += 1
        GenomeLink.objects.filter(dataset_id=dataset_id, sample__in=moved).delete()
        GenomeLink.objects.bulk_create(new, batch_size=2_000)
    return LinkSummary(linked=len(new), unchanged=unchanged, unknown=sorted(unknown))
