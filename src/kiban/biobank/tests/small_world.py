"""A small world of known participants, and a panel whose carriers are known: the biobank tests' fixtures and
the browser walk of the cross-search build on it.

TMM/community (its curator: the biobank curator the caller names):
  P001–P030  female, 40–59 at enrolment, J45.0, serum with aliquots       (30)
  P031–P045  male, 50, E11.9, DNA only                                     (15)
  P046       female, 45, J45.0, serum — the one a differencing attack hunts (1)
BBJ/disease:
  B001–B025  female, 50, J45.9, serum                                      (25)
  B026–B030  female, 70, J45.9, serum (outside 40–60)                      (5)
The panel "test-panel" has samples S001–S046 for P001–P046; 1-1000-A-G is carried by S001–S012 and S031–S040.
"""

import gzip
from pathlib import Path

from kiban.biobank.choices import CollectionKind, MaterialType, StorageTemperature
from kiban.biobank.models import Biobank, Collection, Diagnosis, Participant, Sample
from kiban.core.choices import OrganisationKind
from kiban.core.models import Organisation, User
from kiban.genome import engine

PANEL = "test-panel"
VARIANT = "1-1000-A-G"
CARRIERS = {f"S{n:03d}" for n in [*range(1, 13), *range(31, 41)]}


def _participant(collection, pseudonym, sex, age, code, material, **data):
    participant = Participant.objects.create(
        biobank=collection.biobank,
        collection=collection,
        pseudonym=pseudonym,
        sex=sex,
        birth_year=2015 - age,
        age_at_enrolment=age,
        **data,
    )
    Diagnosis.objects.create(
        participant=participant, code=code, category=code[:3], chapter="X" if code[0] == "J" else "IV"
    )
    Sample.objects.create(
        participant=participant,
        label=f"{pseudonym}-1",
        material_type=material,
        storage_temperature=StorageTemperature.DEEP_FREEZER,
        aliquots=2,
    )
    return participant


def build_world(curator: User) -> dict:
    """The two biobanks and their participants as the module says, the curator's organisation being TMM."""
    tmm_org = curator.memberships.get().organisation
    tmm_org.kind = OrganisationKind.BIOBANK
    tmm_org.save()
    bbj_org, _made = Organisation.objects.get_or_create(  # the demo has it
        name="バイオバンク・ジャパン", defaults={"name_en": "BioBank Japan", "kind": OrganisationKind.BIOBANK}
    )
    tmm = Biobank.objects.create(code="TMM", organisation=tmm_org)
    bbj = Biobank.objects.create(code="BBJ", organisation=bbj_org)
    community = Collection.objects.create(
        biobank=tmm,
        code="community",
        name="地域住民コホート",
        name_en="Community cohort",
        kind=CollectionKind.POPULATION,
        stated_size=80_000,
        access_conditions="審査を経て分譲",
    )
    disease = Collection.objects.create(
        biobank=bbj,
        code="disease",
        name="疾患バイオバンク",
        name_en="Disease biobank",
        kind=CollectionKind.DISEASE,
        access_conditions="審査を経て分譲",
    )
    for n in range(1, 31):
        _participant(community, f"P{n:03d}", "female", 40 + n % 20, "J45.0", MaterialType.SERUM, has_wgs=True)
    for n in range(31, 46):
        _participant(community, f"P{n:03d}", "male", 50, "E11.9", MaterialType.DNA, has_snp_array=True)
    _participant(community, "P046", "female", 45, "J45.0", MaterialType.SERUM, has_wgs=True)
    for n in range(1, 26):
        _participant(disease, f"B{n:03d}", "female", 50, "J45.9", MaterialType.SERUM)
    for n in range(26, 31):
        _participant(disease, f"B{n:03d}", "female", 70, "J45.9", MaterialType.SERUM)
    return {"tmm": tmm, "bbj": bbj, "community": community, "disease": disease}


def write_panel(folder: Path) -> tuple[Path, Path]:
    samples = [f"S{n:03d}" for n in range(1, 47)]
    sheet = folder / "samples.tsv"
    sheet.write_text(
        "sample\tsex\tcohort\tparticipant\n"
        + "".join(f"{s}\t{'XY' if 31 <= int(s[1:]) <= 45 else 'XX'}\tA\tP{s[1:]}\n" for s in samples)
    )
    calls = "\t".join("0/1" if s in CARRIERS else "0/0" for s in samples)
    other = "\t".join("0/0" for _s in samples)
    vcf = folder / "panel.vcf.gz"
    with gzip.open(vcf, "wt") as handle:
        handle.write(
            '##fileformat=VCFv4.2\n##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
            "##contig=<ID=1,length=248956422>\n"
            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples) + "\n"
            f"1\t1000\t.\tA\tG\t50\tPASS\t.\tGT\t{calls}\n"
            f"1\t2000\t.\tC\tT\t50\tPASS\t.\tGT\t{other}\n"
        )
    return vcf, sheet


def ingest_panel(folder: Path, root: Path) -> None:
    """The panel written into `folder` and ingested under the genome root `root`."""
    folder.mkdir(parents=True, exist_ok=True)
    vcf, sheet = write_panel(folder)
    engine.ingest(vcf, sheet, root=root, dataset_id=PANEL, assembly="GRCh38")
