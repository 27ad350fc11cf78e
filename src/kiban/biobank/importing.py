"""Imports of participants, their diagnoses, samples and data into one collection of a biobank, from a CSV/TSV
table or from Beacon v2 / Phenopackets-style JSON; `kiban biobank import` runs it.

The whole file is read and checked before anything is written: every problem is named by file, line and
column (a JSON file: by the path of the value, e.g. individuals[3].sex), and a file with any problem
changes nothing. An import adds participants, diagnoses and samples and updates the values of those it names
again (a diagnosis given a new date gets a new version, as clinical updates do); it never deletes.
Importing the same file twice changes nothing (the second run writes nothing, not even its import record).

CSV / TSV (a header line, then one participant per line; comma-separated for .csv, tab-separated otherwise):

    participant       the biobank's pseudonymous id (required; unique in the file and in the biobank)
    sex               female, male, unknown or undifferentiated (MIABIS)
    birth_year        optional, e.g. 1975
    age_at_enrolment  whole years, 0–130
    diagnoses         optional: ICD-10 codes separated by ";", each optionally with its date: J45.0@2019-04-01
    samples           optional: samples separated by ";", each label:material:temperature:aliquots, e.g.
                      S1:serum:-60to-85:3 (MIABIS material types and storage temperatures, see choices.py)
    data              optional: data held, separated by ";": wgs, wes, snp_array, mri, questionnaire,
                      clinical_records

JSON: {"individuals": [...], "biosamples": [...]} in the Beacon v2 default model:
    individual  id; sex as NCIT:C16576 (female), NCIT:C20197 (male), NCIT:C17998 (unknown);
                diseases[].diseaseCode as ICD10:J45 (info.date an optional date of diagnosis);
                info.ageAtEnrolment (ISO 8601 age, P45Y), else their biosamples' earliest collectionMoment;
                info.yearOfBirth and info.data (the data types above) optional.
    biosample   id, individualId; sampleOriginType as UBERON (blood, serum, plasma, saliva, urine, faeces,
                tissue; see UBERON_MATERIAL), or info.materialType as a MIABIS type (DNA, RNA, buffy coat…);
                collectionMoment as an ISO 8601 age; info.storageTemperature and info.aliquots (default 1).
"""

import csv
import datetime
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.core.icd10 import icd10_category, icd10_chapter, normalise_icd10, validate_icd10
from kiban.core.inputs import text_problem

from .choices import DataType, MaterialType, Sex, StorageTemperature, data_field
from .models import (
    EARLIEST_BIRTH_YEAR,
    MOST_ALIQUOTS,
    OLDEST_AGE,
    Collection,
    Diagnosis,
    ImportRecord,
    Participant,
    Sample,
)

MOST_ERRORS = 50  # problems listed before the rest are summarised
BATCH = 2_000
COLUMNS = ("participant", "sex", "birth_year", "age_at_enrolment", "diagnoses", "samples", "data")
REQUIRED = ("participant", "sex", "age_at_enrolment")
NCIT_SEX = {
    "NCIT:C16576": Sex.FEMALE,
    "NCIT:C20197": Sex.MALE,
    "NCIT:C17998": Sex.UNKNOWN,
    "NCIT:C1799": Sex.UNKNOWN,  # the Beacon v2 schemas' own examples write "unknown" so
}
UBERON_MATERIAL = {
    "UBERON:0000178": MaterialType.WHOLE_BLOOD,
    "UBERON:0001977": MaterialType.SERUM,
    "UBERON:0001969": MaterialType.PLASMA,
    "UBERON:0001836": MaterialType.SALIVA,
    "UBERON:0001088": MaterialType.URINE,
    "UBERON:0001988": MaterialType.FECES,
    "UBERON:0000479": MaterialType.TISSUE_FROZEN,
}
_ISO_AGE = re.compile(r"^P(?:(\d{1,3})Y)?(?:(\d{1,2})M)?(?:(\d{1,2})W)?(?:(\d{1,3})D)?$")
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")


class ImportRefused(ValueError):
    """The file has problems; nothing was written. `problems` are whole sentences naming where each is."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MOST_ERRORS]
        if len(problems) > MOST_ERRORS:
            shown.append(_("… and %(more)s more problems.") % {"more": len(problems) - MOST_ERRORS})
        super().__init__("\n".join(shown))


@dataclass
class Row:
    """One participant as read from the file, with where each of its values came from."""

    where: str
    pseudonym: str
    sex: str
    birth_year: int | None
    age: int
    diagnoses: dict[str, datetime.date | None] = field(default_factory=dict)
    samples: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    data: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ImportSummary:
    participants_added: int
    participants_updated: int
    diagnoses_added: int
    samples_added: int
    record: ImportRecord | None

    @property
    def changed(self) -> bool:
        return self.record is not None


class _Reader:
    """Collects the problems of a file while reading it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.name}:{where}: {message}")

    def text(self, where: str, value: Any, *, required: bool = True) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(where, _("a value is required."))
            return None
        if not isinstance(value, str):
            self.problem(where, _("must be a text."))
            return None
        problem = text_problem(value)
        if problem:
            self.problem(where, problem)
            return None
        return value.strip()

    def whole(self, where: str, value: Any, low: int, high: int) -> int | None:
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,6}", value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(
                where,
                _("“%(value)s” is not a whole number from %(low)s to %(high)s.")
                % {"value": value, "low": low, "high": high},
            )
            return None
        return value

    def choice(self, where: str, value: str, choices: type, what: str) -> str | None:
        if value not in choices.values:
            self.problem(
                where,
                _("“%(value)s” is not a %(what)s: use %(choices)s.")
                % {"value": value, "what": what, "choices": ", ".join(choices.values)},
            )
            return None
        return value

    def pseudonym(self, where: str, value: Any) -> str | None:
        text = self.text(where, value)
        if text is not None and not _LABEL.match(text):
            self.problem(
                where,
                _("“%(id)s” is not a pseudonymous id: letters, digits, . _ - only, at most 60.")
                % {"id": text},
            )
            return None
        return text

    def code(self, where: str, value: str) -> str | None:
        code = normalise_icd10(value)
        try:
            validate_icd10(code)
        except Exception as error:
            self.problem(where, " ".join(getattr(error, "messages", [str(error)])))
            return None
        return code

    def date(self, where: str, value: str) -> datetime.date | None:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            self.problem(where, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
            return None
        if day > datetime.date.today() or day.year < EARLIEST_BIRTH_YEAR:
            self.problem(where, _("%(day)s is not a possible date of diagnosis.") % {"day": day})
            return None
        return day

    def birth_year(self, where: str, value: Any) -> int | None:
        return self.whole(where, value, EARLIEST_BIRTH_YEAR, datetime.date.today().year)

    def data_types(self, where: str, values: list[Any]) -> set[str]:
        found = set()
        for value in values:
            text = self.text(where, value)
            if text is not None and self.choice(where, text.lower(), DataType, _("data type")):
                found.add(text.lower())
        return found


# ---------------------------------------------------------------------------------------------------------
# CSV / TSV


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def read_table(name: str, content: str, delimiter: str) -> list[Row]:
    """The table's participants, or ImportRefused with every problem."""
    reader = _Reader(name)
    lines = csv.reader(io.StringIO(content), delimiter=delimiter)
    header = [column.strip().lower() for column in next(lines, [])]
    missing = [column for column in REQUIRED if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        raise ImportRefused(
            [
                f"{name}:1: "
                + _(
                    "the header must name the columns %(columns)s (required: %(required)s); found: %(found)s."
                )
                % {"columns": ", ".join(COLUMNS), "required": ", ".join(REQUIRED), "found": ", ".join(header)}
            ]
        )
    rows = []
    for number, fields in enumerate(lines, start=2):
        if not any(value.strip() for value in fields):
            continue
        if len(fields) != len(header):
            reader.problem(
                str(number),
                _("%(found)s columns, the header has %(expected)s.")
                % {"found": len(fields), "expected": len(header)},
            )
            continue
        values = dict(zip(header, fields, strict=True))

        def at(column: str) -> str:
            return f"{number}:{column}"  # noqa: B023 (used inside this iteration only)

        row = _table_row(reader, values, at)
        if row is not None:
            rows.append(row)
    _duplicates(reader, rows)
    if reader.problems:
        raise ImportRefused(reader.problems)
    return rows


def _table_row(reader: _Reader, values: dict[str, str], at: Callable[[str], str]) -> Row | None:
    before = len(reader.problems)
    pseudonym = reader.pseudonym(at("participant"), values["participant"])
    sex = reader.text(at("sex"), values["sex"])
    sex = sex and reader.choice(at("sex"), sex.lower(), Sex, _("sex"))
    birth = values.get("birth_year", "").strip()
    birth_year = reader.birth_year(at("birth_year"), birth) if birth else None
    age = reader.whole(at("age_at_enrolment"), values["age_at_enrolment"], 0, OLDEST_AGE)
    diagnoses: dict[str, datetime.date | None] = {}
    for entry in _split(values.get("diagnoses")):
        text, _at, day = entry.partition("@")
        code = reader.code(at("diagnoses"), text)
        date = reader.date(at("diagnoses"), day.strip()) if day else None
        if code is not None:
            diagnoses[code] = date
    samples: dict[str, tuple[str, str, int]] = {}
    for entry in _split(values.get("samples")):
        parts = [part.strip() for part in entry.split(":")]
        if len(parts) != 4:
            reader.problem(
                at("samples"), _("“%(entry)s” is not label:material:temperature:aliquots.") % {"entry": entry}
            )
            continue
        label, material, temperature, aliquots = parts
        sample = _sample(reader, at("samples"), label, material.lower(), temperature, aliquots)
        if sample is not None:
            if label in samples:
                reader.problem(at("samples"), _("sample “%(label)s” is named twice.") % {"label": label})
            samples[label] = sample
    data = reader.data_types(at("data"), _split(values.get("data")))
    if len(reader.problems) > before:
        return None
    return Row(at("participant"), pseudonym, sex, birth_year, age, diagnoses, samples, data)


def _sample(
    reader: _Reader, where: str, label, material, temperature, aliquots
) -> tuple[str, str, int] | None:
    before = len(reader.problems)
    if not isinstance(label, str) or not _LABEL.match(label):
        reader.problem(
            where,
            _("“%(label)s” is not a sample id: letters, digits, . _ - only, at most 60.") % {"label": label},
        )
    reader.choice(where, material, MaterialType, _("material type"))
    reader.choice(where, temperature, StorageTemperature, _("storage temperature"))
    count = reader.whole(where, aliquots, 0, MOST_ALIQUOTS)
    if len(reader.problems) > before:
        return None
    return material, temperature, count


# ---------------------------------------------------------------------------------------------------------
# Beacon v2 / Phenopackets-style JSON


def _iso_age(text: Any) -> int | None:
    """Whole years of an ISO 8601 age (P45Y6M → 45); None if it is not one."""
    match = _ISO_AGE.match(text) if isinstance(text, str) and text != "P" else None
    return int(match.group(1) or 0) if match else None


def _term_id(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def read_beacon(name: str, content: str) -> list[Row]:
    """The JSON's individuals with their biosamples, or ImportRefused with every problem."""
    reader = _Reader(name)
    try:
        document = json.loads(content)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [f"{name}:{error.lineno}:{error.colno}: " + _("not JSON: %(why)s") % {"why": error.msg}]
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("individuals"), list):
        raise ImportRefused([f"{name}: " + _('expected {"individuals": [...], "biosamples": [...]}.')])
    biosamples = document.get("biosamples", [])
    if not isinstance(biosamples, list):
        raise ImportRefused([f"{name}:biosamples: " + _("must be a list.")])
    by_individual: dict[str, list[tuple[str, dict]]] = {}
    for number, biosample in enumerate(biosamples):
        where = f"biosamples[{number}]"
        if not isinstance(biosample, dict):
            reader.problem(where, _("must be an object."))
            continue
        owner = reader.text(f"{where}.individualId", biosample.get("individualId"))
        if owner is not None:
            by_individual.setdefault(owner, []).append((where, biosample))
    rows = []
    known = set()
    for number, individual in enumerate(document["individuals"]):
        where = f"individuals[{number}]"
        if not isinstance(individual, dict):
            reader.problem(where, _("must be an object."))
            continue
        row = _individual(reader, where, individual, by_individual)
        if row is not None:
            rows.append(row)
            known.add(row.pseudonym)
    for owner, entries in by_individual.items():
        if owner not in known and not any(p.startswith(f"{name}:individuals") for p in reader.problems):
            reader.problem(
                f"{entries[0][0]}.individualId", _("no individual “%(id)s” in the file.") % {"id": owner}
            )
    if reader.problems:
        raise ImportRefused(reader.problems)
    return rows


def _individual(reader: _Reader, where: str, individual: dict, by_individual: dict) -> Row | None:
    before = len(reader.problems)
    pseudonym = reader.pseudonym(f"{where}.id", individual.get("id"))
    sex_term = _term_id(individual.get("sex"))
    sex = NCIT_SEX.get(sex_term) if isinstance(sex_term, str) else None
    if sex is None:
        reader.problem(
            f"{where}.sex",
            _(
                "“%(term)s” is not a sex term: use NCIT:C16576 (female), NCIT:C20197 (male) "
                "or NCIT:C17998 (unknown)."
            )
            % {"term": sex_term},
        )
    info = individual.get("info") if isinstance(individual.get("info"), dict) else {}
    birth_year = (
        reader.birth_year(f"{where}.info.yearOfBirth", info["yearOfBirth"]) if "yearOfBirth" in info else None
    )
    diagnoses: dict[str, datetime.date | None] = {}
    diseases = individual.get("diseases", [])
    for number, disease in enumerate(diseases if isinstance(diseases, list) else [None]):
        at = f"{where}.diseases[{number}]"
        term = _term_id(disease.get("diseaseCode")) if isinstance(disease, dict) else None
        if not isinstance(term, str) or not term.upper().startswith("ICD10:"):
            reader.problem(
                f"{at}.diseaseCode", _("“%(term)s” is not an ICD-10 term such as ICD10:J45.") % {"term": term}
            )
            continue
        code = reader.code(f"{at}.diseaseCode", term[6:])
        day = (disease.get("info") or {}).get("date") if isinstance(disease.get("info"), dict) else None
        date = reader.date(f"{at}.info.date", day) if isinstance(day, str) else None
        if code is not None:
            diagnoses[code] = date
    samples: dict[str, tuple[str, str, int]] = {}
    ages = []
    for at, biosample in by_individual.get(pseudonym, []):
        sample = _biosample(reader, at, biosample)
        if sample is not None:
            label, values, age = sample
            samples[label] = values
            if age is not None:
                ages.append(age)
    age = _iso_age(info.get("ageAtEnrolment")) if "ageAtEnrolment" in info else (min(ages) if ages else None)
    if age is None or age > OLDEST_AGE:
        reader.problem(
            f"{where}.info.ageAtEnrolment",
            _("no age at enrolment: give info.ageAtEnrolment (P45Y) or a biosample's collectionMoment."),
        )
    data_list = info.get("data", [])
    data = reader.data_types(f"{where}.info.data", data_list if isinstance(data_list, list) else [data_list])
    if len(reader.problems) > before:
        return None
    return Row(f"{where}.id", pseudonym, sex, birth_year, age, diagnoses, samples, data)


def _biosample(
    reader: _Reader, where: str, biosample: dict
) -> tuple[str, tuple[str, str, int], int | None] | None:
    info = biosample.get("info") if isinstance(biosample.get("info"), dict) else {}
    origin = _term_id(biosample.get("sampleOriginType"))
    material = info.get("materialType") or UBERON_MATERIAL.get(origin)
    if material is None:
        reader.problem(
            f"{where}.sampleOriginType",
            _(
                "“%(term)s” is not a sample origin this platform maps to a MIABIS material type; "
                "give info.materialType."
            )
            % {"term": origin},
        )
        return None
    moment = biosample.get("collectionMoment")
    age = _iso_age(moment) if moment is not None else None
    if moment is not None and age is None:
        reader.problem(
            f"{where}.collectionMoment",
            _("“%(value)s” is not an ISO 8601 age such as P45Y.") % {"value": moment},
        )
    sample = _sample(
        reader,
        where,
        biosample.get("id"),
        str(material).lower(),
        str(info.get("storageTemperature", StorageTemperature.DEEP_FREEZER)),
        info.get("aliquots", 1),
    )
    return None if sample is None else (biosample["id"], sample, age)


# ---------------------------------------------------------------------------------------------------------
# writing


def read_file(path: Path) -> tuple[list[Row], str, str]:
    """The file's participants, its format and SHA-256; ImportRefused for an unreadable file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportRefused(
            [f"{path.name}: " + _("cannot be read: %(why)s") % {"why": error.strerror}]
        ) from error
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused([f"{path.name}: " + _("is not UTF-8 text.")]) from error
    digest = hashlib.sha256(raw).hexdigest()
    if path.suffix.lower() == ".json" or content.lstrip().startswith("{"):
        return read_beacon(path.name, content), "beacon-json", digest
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    return read_table(path.name, content, delimiter), "csv" if delimiter == "," else "tsv", digest


def _duplicates(reader: _Reader, rows: list[Row]) -> None:
    seen: dict[str, str] = {}
    for row in rows:
        if row.pseudonym in seen:
            reader.problem(
                row.where,
                _("participant “%(id)s” is also at %(other)s.")
                % {"id": row.pseudonym, "other": seen[row.pseudonym]},
            )
        seen[row.pseudonym] = row.where


def _check_against_database(name: str, rows: list[Row], collection: Collection) -> dict[str, Participant]:
    problems = []
    existing = {}
    pseudonyms = [row.pseudonym for row in rows]
    for start in range(0, len(pseudonyms), BATCH):
        chunk = pseudonyms[start : start + BATCH]
        for participant in Participant.objects.filter(biobank=collection.biobank, pseudonym__in=chunk):
            existing[participant.pseudonym] = participant
    for row in rows:
        participant = existing.get(row.pseudonym)
        if participant is not None and participant.collection_id != collection.pk:
            problems.append(
                f"{name}:{row.where}: "
                + _("participant “%(id)s” is already in another collection of %(biobank)s.")
                % {"id": row.pseudonym, "biobank": collection.biobank.code}
            )
    if problems:
        raise ImportRefused(problems)
    return existing


def _participant_values(row: Row) -> dict[str, Any]:
    values = {"sex": row.sex, "birth_year": row.birth_year, "age_at_enrolment": row.age}
    values.update({data_field(kind): kind in row.data for kind in DataType.values})
    return values


def import_rows(
    *,
    rows: list[Row],
    collection: Collection,
    file_name: str,
    file_format: str,
    sha256: str,
    actor=None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Writes the checked rows in one transaction (so a failure writes nothing); returns what changed."""
    with transaction.atomic():
        existing = _check_against_database(file_name, rows, collection)
        added, updated = [], []
        for row in rows:
            values = _participant_values(row)
            participant = existing.get(row.pseudonym)
            if participant is None:
                added.append(
                    Participant(
                        biobank=collection.biobank, collection=collection, pseudonym=row.pseudonym, **values
                    )
                )
            elif any(getattr(participant, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(participant, key, value)
                updated.append(participant)
        Participant.objects.bulk_create(added, batch_size=BATCH)
        Participant.objects.bulk_update(
            updated, list(_participant_values(rows[0])) if rows else [], batch_size=BATCH
        )
        ids = dict(Participant.objects.filter(collection=collection).values_list("pseudonym", "pk"))
        diagnoses_added = samples_added = 0
        for done, start in enumerate(range(0, len(rows), BATCH)):
            chunk = rows[start : start + BATCH]
            diagnoses_added += _diagnoses(chunk, ids)
            samples_added += _samples(chunk, ids)
            if progress:
                progress(min(len(rows), (done + 1) * BATCH), len(rows))
        changed = added or updated or diagnoses_added or samples_added
        record = None
        if changed:
            record = ImportRecord.objects.create(
                collection=collection,
                file_name=file_name[:255],
                sha256=sha256,
                file_format=file_format,
                participants_added=len(added),
                participants_updated=len(updated),
                diagnoses_added=diagnoses_added,
                samples_added=samples_added,
                imported_by=actor,
            )
        return ImportSummary(len(added), len(updated), diagnoses_added, samples_added, record)


def _diagnoses(rows: list[Row], ids: dict[str, int]) -> int:
    wanted = {(ids[row.pseudonym], code): date for row in rows for code, date in row.diagnoses.items()}
    stored = {
        (d.participant_id, d.code): d
        for d in Diagnosis.objects.filter(
            participant_id__in=[ids[row.pseudonym] for row in rows], superseded_at__isnull=True
        )
    }
    now = timezone.now()
    new, superseded = [], []
    for (pid, code), date in wanted.items():
        diagnosis = stored.get((pid, code))
        if (
            diagnosis is not None
            and not diagnosis.retracted
            and (date is None or diagnosis.diagnosed_on == date)
        ):
            continue
        if diagnosis is not None:  # a new date (or a retracted diagnosis given again): a new version
            superseded.append(diagnosis.pk)
        new.append(
            Diagnosis(
                participant_id=pid,
                code=code,
                category=icd10_category(code),
                chapter=icd10_chapter(code),
                diagnosed_on=date if date is not None or diagnosis is None else diagnosis.diagnosed_on,
                recorded_at=now,
            )
        )
    for start in range(0, len(superseded), BATCH):
        Diagnosis.objects.filter(pk__in=superseded[start : start + BATCH]).update(superseded_at=now)
    Diagnosis.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def _samples(rows: list[Row], ids: dict[str, int]) -> int:
    wanted = {(ids[row.pseudonym], label): values for row in rows for label, values in row.samples.items()}
    stored = {
        (s.participant_id, s.label): s
        for s in Sample.objects.filter(participant_id__in=[ids[row.pseudonym] for row in rows])
    }
    new, changed = [], []
    for (pid, label), (material, temperature, aliquots) in wanted.items():
        sample = stored.get((pid, label))
        if sample is None:
            new.append(
                Sample(
                    participant_id=pid,
                    label=label,
                    material_type=material,
                    storage_temperature=temperature,
                    aliquots=aliquots,
                )
            )
        elif (sample.material_type, sample.storage_temperature, sample.aliquots) != (
            material,
            temperature,
            aliquots,
        ):
            sample.material_type, sample.storage_temperature, sample.aliquots = (
                material,
                temperature,
                aliquots,
            )
            changed.append(sample)
    Sample.objects.bulk_create(new, batch_size=BATCH)
    Sample.objects.bulk_update(
        changed, ["material_type", "storage_temperature", "aliquots"], batch_size=BATCH
    )
    return len(new) + len(changed)


def import_file(path: Path, *, collection: Collection, actor=None, progress=None) -> ImportSummary:
    """Reads and checks the whole file, then writes it (see the module's docstring)."""
    rows, file_format, digest = read_file(path)
    return import_rows(
        rows=rows,
        collection=collection,
        file_name=path.name,
        file_format=file_format,
        sha256=digest,
        actor=actor,
        progress=progress,
    )
