"""Demo data: BBJ, TMM (its community and three-generation cohorts) and NCBN with a deterministic synthetic
population of 24,000 pseudonymous participants, their ICD-10 diagnoses, samples and data; the TMM participants
named by the simulated genome panel's sample sheet are linked to its samples.

The biobanks, cohorts and cohort sizes are the seed's (三大バイオバンク; 地域住民コホート 成人8万人以上,
三世代コホート 7万人); the participants are synthetic, a sample of each collection's size, and
labelled so on every page through the collection names. Prevalences are rough adult Japanese figures,
raised for BBJ, a disease biobank whose every participant has at least one of its target diseases."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from kiban.core.demo import save_demo_record
from kiban.core.models import Organisation
from kiban.genome.datasets import all_datasets, dataset_or_404

from .choices import (
    CollectionKind,
    DataType,
    FactKind,
    FactSource,
    MaterialType,
    Sex,
    StorageTemperature,
    data_field,
)
from .linking import link_dataset
from .models import Biobank, ClinicalFact, Collection, Diagnosis, Participant, Sample

SEED = 2021
PANEL_DATASET = "tmm-simulated"  # kiban.genome.demo.SIMULATED_DATASET
DEMO_NOTE = "（デモ：合成データ）"
DEMO_NOTE_EN = " (demo: synthetic data)"


@dataclass(frozen=True)
class DemoCollection:
    biobank: str
    code: str
    name: str
    name_en: str
    kind: str
    stated_size: int | None
    size: int  # synthetic participants the demo holds
    ages: tuple[int, int, int]  # lowest, typical, highest age at enrolment
    enrolled: tuple[int, int]  # years of enrolment
    access: str
    access_en: str


BIOBANKS = {
    "BBJ": (
        "バイオバンク・ジャパン",
        "世界最大級の疾患バイオバンク。",
        "One of the world's largest disease biobanks.",
    ),
    "TMM": (
        "東北メディカル・メガバンク",
        "15万人のゲノム情報を含む大規模な健常人コホート。",
        "A large cohort of healthy people, 150,000 with genome information.",
    ),
    "NCBN": (
        "ナショナルセンターバイオバンクネットワーク",
        "6つのナショナルセンターのバイオバンク（厚生労働省インハウス）。",
        "The biobanks of the six national centres (in-house of the Ministry of Health, Labour and Welfare).",
    ),
}
COLLECTIONS = (
    DemoCollection(
        "BBJ",
        "disease",
        "疾患バイオバンク",
        "Disease biobank",
        CollectionKind.DISEASE,
        None,
        10_000,
        (20, 63, 95),
        (2003, 2018),
        "分譲申請と倫理審査委員会の承認、試料・情報分譲審査会の審査を経て提供。",
        "Provided after an access application, ethics committee approval and the biobank's access committee.",
    ),
    DemoCollection(
        "TMM",
        "community",
        "地域住民コホート",
        "Community-based cohort",
        CollectionKind.POPULATION,
        80_000,
        6_000,
        (20, 56, 90),
        (2013, 2016),
        "試料・情報分譲の申請と審査を経て、分譲契約のもとで提供。",
        "Provided under an access agreement after an application and its review.",
    ),
    DemoCollection(
        "TMM",
        "three-generation",
        "三世代コホート",
        "Birth and three-generation cohort",
        CollectionKind.BIRTH_COHORT,
        70_000,
        5_000,
        (0, 32, 85),
        (2013, 2017),
        "試料・情報分譲の申請と審査を経て、分譲契約のもとで提供。",
        "Provided under an access agreement after an application and its review.",
    ),
    DemoCollection(
        "NCBN",
        "centres",
        "ナショナルセンター共通",
        "National centres",
        CollectionKind.HOSPITAL,
        None,
        3_000,
        (0, 58, 95),
        (2011, 2020),
        "各ナショナルセンターの規程に従い、共同研究または分譲で提供。",
        "Provided through collaboration or distribution under each national centre's rules.",
    ),
)
# ICD-10 code, share of adults (at age 60), how it rises with age (per decade), sexes (None: both).
DISEASES = (
    ("I10", 0.30, 1.35, None),
    ("E78.5", 0.18, 1.2, None),
    ("E11.9", 0.10, 1.3, None),
    ("J45.0", 0.025, 1.0, None),
    ("J45.9", 0.035, 1.0, None),
    ("J45.1", 0.01, 1.0, None),
    ("K21.0", 0.05, 1.1, None),
    ("N18.3", 0.04, 1.4, None),
    ("I25.1", 0.035, 1.5, None),
    ("I63.9", 0.025, 1.6, None),
    ("F32.9", 0.03, 0.95, None),
    ("L20.9", 0.03, 0.8, None),
    ("U07.1", 0.05, 1.0, None),
    ("C16.9", 0.015, 1.5, None),
    ("C18.9", 0.012, 1.5, None),
    ("C34.1", 0.01, 1.6, None),
    ("C50.9", 0.02, 1.1, Sex.FEMALE),
    ("M81.0", 0.06, 1.7, Sex.FEMALE),
    ("C61", 0.015, 1.8, Sex.MALE),
)
BBJ_RAISE = 3.0
MATERIALS = {
    # collection: (material, share of participants, storage temperature, most aliquots)
    "disease": (
        (MaterialType.DNA, 1.0, StorageTemperature.DEEP_FREEZER, 3),
        (MaterialType.SERUM, 0.95, StorageTemperature.DEEP_FREEZER, 6),
        (MaterialType.PLASMA, 0.3, StorageTemperature.DEEP_FREEZER, 4),
    ),
    "community": (
        (MaterialType.WHOLE_BLOOD, 0.9, StorageTemperature.DEEP_FREEZER, 2),
        (MaterialType.SERUM, 0.9, StorageTemperature.DEEP_FREEZER, 5),
        (MaterialType.PLASMA, 0.9, StorageTemperature.DEEP_FREEZER, 5),
        (MaterialType.BUFFY_COAT, 0.6, StorageTemperature.LIQUID_NITROGEN, 2),
        (MaterialType.DNA, 0.95, StorageTemperature.DEEP_FREEZER, 3),
        (MaterialType.URINE, 0.8, StorageTemperature.DEEP_FREEZER, 3),
    ),
    "three-generation": (
        (MaterialType.WHOLE_BLOOD, 0.85, StorageTemperature.DEEP_FREEZER, 2),
        (MaterialType.SERUM, 0.8, StorageTemperature.DEEP_FREEZER, 4),
        (MaterialType.PLASMA, 0.8, StorageTemperature.DEEP_FREEZER, 4),
        (MaterialType.DNA, 0.9, StorageTemperature.DEEP_FREEZER, 3),
        (MaterialType.URINE, 0.7, StorageTemperature.DEEP_FREEZER, 3),
        (MaterialType.SALIVA, 0.3, StorageTemperature.DEEP_FREEZER, 2),
    ),
    "centres": (
        (MaterialType.SERUM, 0.8, StorageTemperature.DEEP_FREEZER, 4),
        (MaterialType.PLASMA, 0.6, StorageTemperature.DEEP_FREEZER, 4),
        (MaterialType.DNA, 0.7, StorageTemperature.DEEP_FREEZER, 3),
        (MaterialType.RNA, 0.1, StorageTemperature.DEEP_FREEZER, 2),
        (MaterialType.TISSUE_FROZEN, 0.08, StorageTemperature.LIQUID_NITROGEN, 2),
        (MaterialType.TISSUE_FFPE, 0.1, StorageTemperature.ROOM, 5),
    ),
}
DATA = {
    "disease": {DataType.SNP_ARRAY: 0.9, DataType.WGS: 0.05, DataType.CLINICAL_RECORDS: 1.0},
    "community": {
        DataType.QUESTIONNAIRE: 1.0,
        DataType.SNP_ARRAY: 0.7,
        DataType.WGS: 0.1,
        DataType.MRI: 0.12,
        DataType.CLINICAL_RECORDS: 0.5,
    },
    "three-generation": {DataType.QUESTIONNAIRE: 1.0, DataType.SNP_ARRAY: 0.6, DataType.WGS: 0.08},
    "centres": {
        DataType.CLINICAL_RECORDS: 1.0,
        DataType.WES: 0.15,
        DataType.WGS: 0.05,
        DataType.SNP_ARRAY: 0.3,
    },
}


def _biobanks() -> dict[str, Biobank]:
    biobanks = {}
    for code, (organisation_name, description, description_en) in BIOBANKS.items():
        organisation = Organisation.objects.get(name=organisation_name)
        biobank = Biobank.objects.filter(code=code).first() or Biobank(code=code, organisation=organisation)
        biobanks[code] = save_demo_record(
            biobank, organisation=organisation, description=description, description_en=description_en
        )
    return biobanks


def _collection(spec: DemoCollection, biobank: Biobank) -> Collection:
    collection = Collection.objects.filter(biobank=biobank, code=spec.code).first()
    return save_demo_record(
        collection or Collection(biobank=biobank, code=spec.code),
        name=spec.name + DEMO_NOTE,
        name_en=spec.name_en + DEMO_NOTE_EN,
        kind=spec.kind,
        stated_size=spec.stated_size,
        access_conditions=spec.access,
        access_conditions_en=spec.access_en,
    )


def _ages(rng: np.random.Generator, spec: DemoCollection, size: int) -> np.ndarray:
    low, typical, high = spec.ages
    if spec.code == "three-generation":  # newborns, pregnant women and partners, grandparents
        groups = rng.choice(3, size=size, p=[0.35, 0.45, 0.2])
        ages = np.where(
            groups == 0, 0, np.where(groups == 1, rng.normal(32, 5, size), rng.normal(62, 6, size))
        )
    else:
        ages = rng.normal(typical, (high - low) / 6, size)
    return np.clip(np.rint(ages), low, high).astype(int)


def _pseudonyms(spec: DemoCollection, size: int) -> list[str]:
    # TMM's ids are the ones the simulated panel's sample sheet names (P00001…): its first 1,000 samples
    # (cohort A) are community participants, the next 1,000 (cohort B) three-generation ones.
    if spec.code == "community":
        numbers = [*range(1, 1_001), *range(2_001, 2_001 + size - 1_000)]
        return [f"P{n:05d}" for n in numbers]
    if spec.code == "three-generation":
        # After the community cohort's own numbers, however many the demo (or a bench) holds.
        community = next(other.size for other in COLLECTIONS if other.code == "community")
        start = 2_001 + max(5_000, community - 1_000)
        numbers = [*range(1_001, 2_001), *range(start, start + size - 1_000)]
        return [f"P{n:05d}" for n in numbers]
    return [f"{spec.biobank}-{n:06d}" for n in range(1, size + 1)]


def _panel_sexes() -> dict[str, str]:
    if not any(m.dataset_id == PANEL_DATASET for m in all_datasets()):
        return {}
    sexes = {"XX": Sex.FEMALE, "XY": Sex.MALE}
    return {
        named: sexes.get(sex, Sex.UNKNOWN) for _s, named, sex in dataset_or_404(PANEL_DATASET).participants()
    }


def _populate(
    spec: DemoCollection, collection: Collection, rng: np.random.Generator, panel: dict[str, str], number: int
) -> int:
    size = spec.size
    pseudonyms = _pseudonyms(spec, size)
    ages = _ages(rng, spec, size)
    female = rng.random(size) < (0.8 if spec.code == "three-generation" else 0.52)
    enrolled = rng.integers(spec.enrolled[0], spec.enrolled[1] + 1, size)
    data_shares = DATA[spec.code]
    participants = []
    for i, pseudonym in enumerate(pseudonyms):
        sex = panel.get(pseudonym) or (Sex.FEMALE if female[i] else Sex.MALE)
        data = {data_field(kind): bool(rng.random() < share) for kind, share in data_shares.items()}
        if pseudonym in panel:
            data[data_field(DataType.WGS)] = True
        participants.append(
            Participant(
                biobank=collection.biobank,
                collection=collection,
                pseudonym=pseudonym,
                sex=sex,
                birth_year=int(enrolled[i] - ages[i]),
                age_at_enrolment=int(ages[i]),
                recorded_at=_recorded(int(enrolled[i])),
                **data,
            )
        )
    Participant.objects.bulk_create(participants, batch_size=2_000)
    ids = dict(Participant.objects.filter(collection=collection).values_list("pseudonym", "pk"))
    diagnoses, samples = [], []
    raise_by = BBJ_RAISE if spec.biobank == "BBJ" else 1.0
    for i, participant in enumerate(participants):
        pid = ids[participant.pseudonym]
        age = int(ages[i])
        recorded = connection.ops.adapt_datetimefield_value(participant.recorded_at)
        found = []
        for code, share, per_decade, only in DISEASES:
            if only is not None and participant.sex != only:
                continue
            chance = 0.0 if age < 18 and code not in ("J45.0", "J45.9", "L20.9", "U07.1") else share
            chance *= per_decade ** ((age - 60) / 10) * raise_by
            if rng.random() < min(chance, 0.9):
                found.append(code)
        if spec.biobank == "BBJ" and not found:
            found.append(DISEASES[int(rng.integers(0, 13))][0])
        for code in dict.fromkeys(found):
            year = int(min(datetime.date.today().year, enrolled[i] - rng.integers(0, 6)))
            diagnoses.append(
                (
                    pid,
                    code,
                    code[:3],
                    _CHAPTERS[code[0]],
                    datetime.date(
                        max(year, participant.birth_year), int(rng.integers(1, 13)), int(rng.integers(1, 29))
                    ).isoformat(),
                    recorded,
                )
            )
        for number, (material, share, temperature, most) in enumerate(MATERIALS[spec.code], start=1):
            if rng.random() < share:
                label = f"{participant.pseudonym}-{number:02d}"
                samples.append(
                    (pid, label, material.value, temperature.value, int(rng.integers(0, most + 1)))
                )
    _insert(
        Diagnosis, ("participant_id", "code", "category", "chapter", "diagnosed_on", "recorded_at"), diagnoses
    )
    _insert(Sample, ("participant_id", "label", "material_type", "storage_temperature", "aliquots"), samples)
    _covid19(spec, [ids[p.pseudonym] for p in participants], np.random.default_rng([SEED, number, 1]))
    return size


def _recorded(year: int) -> datetime.datetime:
    """When a demo participant entered the records: the end of their enrolment year."""
    return timezone.make_aware(datetime.datetime(min(year, 2020), 12, 31, 12))


def _covid19(spec: DemoCollection, ids: list[int], rng: np.random.Generator) -> None:
    """COVID-19 follow-up (BBJ's clinical-information updates): about one participant in twenty-five had an
    infection in 2020–2022, recorded by the hospital a month later with its WHO clinical progression scale;
    one in ten of those was corrected later (a more severe course found on review), so the records hold
    two versions of it."""
    if spec.biobank != "BBJ":
        return
    rows = []
    for pid in ids:
        if rng.random() >= 0.04:
            continue
        day = datetime.date(2020, 3, 1) + datetime.timedelta(days=int(rng.integers(0, 1_000)))
        scale = int(rng.choice([1, 2, 3, 4, 5, 6, 7], p=[0.15, 0.35, 0.2, 0.12, 0.1, 0.05, 0.03]))
        recorded = timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=30), datetime.time(12))
        )
        if rng.random() < 0.1:
            corrected = recorded + datetime.timedelta(days=200)
            rows.append(_fact_row(pid, day, scale, recorded, superseded=corrected, reason="初回報告"))
            rows.append(
                _fact_row(pid, day, min(scale + 2, 9), corrected, reason="診療録の再確認で重症度を訂正")
            )
        else:
            rows.append(_fact_row(pid, day, scale, recorded, reason="病院からの報告"))
    columns = (
        "participant_id", "kind", "key", "item", "valid_from", "value_number", "value_text", "unit",
        "recorded_at", "superseded_at", "source", "reason",
    )  # fmt: skip
    _insert(ClinicalFact, columns, rows)


def _fact_row(pid, day, scale, recorded, *, superseded=None, reason=""):
    adapt = connection.ops.adapt_datetimefield_value
    return (
        pid, FactKind.COVID19.value, day.isoformat(), "", day.isoformat(), scale, "", "",
        adapt(recorded), adapt(superseded) if superseded else None, FactSource.HOSPITAL.value, reason,
    )  # fmt: skip


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """The same INSERT as bulk_create, as one executemany: bulk_create compiles the SQL of every row in
    Python (about 0.2 ms a row here, most of the demo's time for 125,000 diagnoses and samples)."""
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model, values bound)
        quote(model._meta.db_table), ", ".join(map(quote, columns)), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


# The chapters of the codes above (kiban.core.icd10.icd10_chapter gives the same; a table is faster).
_CHAPTERS = {
    "C": "II",
    "E": "IV",
    "F": "V",
    "I": "IX",
    "J": "X",
    "K": "XI",
    "L": "XII",
    "M": "XIII",
    "N": "XIV",
    "U": "XXII",
}


def load_biobank(say: Callable[[str], None] = print) -> None:
    """Creates the biobanks, collections and synthetic participants that are not there yet, and links the
    simulated panel; running it again changes nothing."""
    panel = _panel_sexes()
    with transaction.atomic():
        biobanks = _biobanks()
        for number, spec in enumerate(COLLECTIONS):
            collection = _collection(spec, biobanks[spec.biobank])
            if collection.participants.exists():
                say(f"  {collection}: already loaded")
                continue
            # One generator per collection, seeded by its place: each is the same whatever was loaded.
            rng = np.random.default_rng([SEED, number])
            count = _populate(spec, collection, rng, panel, number)
            say(f"  {collection}: {count:,} synthetic participants (of {spec.stated_size or 'n/a'} stated)")
        if panel:
            summary = link_dataset(dataset_id=PANEL_DATASET, biobank=biobanks["TMM"])
            say(f"  {PANEL_DATASET}: {summary.linked:,} samples linked to TMM participants")
