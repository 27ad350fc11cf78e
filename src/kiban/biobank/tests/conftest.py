"""Fixtures of the biobank tests: two biobanks with known participants, and a four-sample-column panel whose
carriers of one variant are known.

TMM/community (the matrix's biobank curator, user_biobank_curator, curates TMM):
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

import pytest

from kiban.biobank.choices import CollectionKind, MaterialType, StorageTemperature
from kiban.biobank.models import Biobank, Collection, Diagnosis, Participant, Sample
from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import Organisation, User
from kiban.core.testing import user_with_role
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


@pytest.fixture
def curator(db) -> User:
    return User.objects.filter(username="user_biobank_curator").first() or user_with_role(
        Role.BIOBANK_CURATOR
    )


@pytest.fixture
def world(db, curator):
    tmm_org = curator.memberships.get().organisation
    tmm_org.kind = OrganisationKind.BIOBANK
    tmm_org.save()
    bbj_org = Organisation.objects.create(
        name="バイオバンク・ジャパン", name_en="BioBank Japan", kind=OrganisationKind.BIOBANK
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


@pytest.fixture(scope="session")
def panel_root(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("biobank-panel")
    vcf, sheet = write_panel(folder)
    engine.ingest(vcf, sheet, root=folder / "genome", dataset_id=PANEL, assembly="GRCh38")
    return folder / "genome"


@pytest.fixture
def panel(settings, panel_root, world):
    """The panel, linked to the TMM participants."""
    from kiban.biobank.linking import link_dataset

    settings.KIBAN_GENOME_ROOT = panel_root
    link_dataset(dataset_id=PANEL, biobank=world["tmm"])
    return PANEL
