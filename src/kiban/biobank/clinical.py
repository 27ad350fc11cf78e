"""Clinical information over time: as-of filters on the versioned facts, and curators' files of updates
(checked whole, previewed, applied in one transaction on confirmation).

As of (bitemporal, see models.Versioned):
    recorded on D   the records as they stood at the end of day D (Asia/Tokyo): versions recorded by then and
                    not yet superseded, participants entered by then. Without it: today's records.
    true on D       only what was true on day D: facts that had begun by D (an unknown start counts as before)
                    and had not ended. Without it: whatever the records say, whenever it was true.
    Sample availability (aliquots) is always today's: a used-up aliquot cannot be asked for.

A file of updates (CSV, or TSV for .tsv/.txt; a header line, then one fact per line, at most
MOST_UPDATE_LINES lines):

    participant   the biobank's pseudonymous id (required)
    kind          diagnosis, covid19, vaccination, medication, lab, vital_status (required)
    item          diagnosis: the ICD-10 code; vaccination: the vaccine; medication: the drug; lab: the test
                  (required for those kinds; empty for covid19 and vital_status)
    value         covid19: the WHO clinical progression scale, 1–10; vaccination: the dose number
                  (optional); lab: the number; vital_status: alive or deceased; empty otherwise
    unit          lab: the unit (optional)
    date          when it became true, YYYY-MM-DD: the diagnosis (optional), the positive test, the dose,
                  the start of the medication, the measurement, the vital status
    until         when it stopped being true (optional; medication: the last day + 1)
    source        hospital, questionnaire or registry (required)
    action        empty (or "set"): add the fact or correct it; "retract": it was entered in error
    reason        why (optional; the file's name is recorded when left out)

One fact is (participant, kind, key): a diagnosis by its code, a COVID-19 infection by its date, a
vaccination, medication or lab value by its item and date, the vital status once per participant. A line
is new (no such fact), changed (it differs: a new version), unchanged (the same values) or rejected, with
the reason. A file with a rejected line cannot be applied: correct it and upload it again. Applying a file
writes every new and changed line in one transaction, and refuses if the records changed since the preview
(another file applied meanwhile). Uploading and applying the same file again changes nothing."""

import csv
import datetime
import decimal
import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.core.audit import audited_save
from kiban.core.errors import StateConflict
from kiban.core.icd10 import icd10_category, icd10_chapter, normalise_icd10, validate_icd10
from kiban.core.inputs import text_problem
from kiban.core.permissions import require

from .choices import FactKind, FactSource, UpdateState, VitalStatus
from .models import (
    CURRENT,
    EARLIEST_BIRTH_YEAR,
    MOST_UPDATE_LINES,
    WHO_SCALE_MAX,
    Biobank,
    ClinicalFact,
    ClinicalUpdate,
    Diagnosis,
    Participant,
    TimelineView,
)

MOST_UPDATE_BYTES = 10 * 1024 * 1024
UPDATE_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": "\t"}
COLUMNS = ("participant", "kind", "item", "value", "unit", "date", "until", "source", "action", "reason")
REQUIRED = ("participant", "kind", "source")
SOURCES = (FactSource.HOSPITAL, FactSource.QUESTIONNAIRE, FactSource.REGISTRY)
MOST_LAB_VALUE = decimal.Decimal("1e9")
MOST_DOSE = 20


# ---------------------------------------------------------------------------------------------------------
# As of


@dataclass(frozen=True)
class AsOf:
    """The day the records are read as they stood (recorded_on), and the day facts must have been true
    (true_on); None: today's records, and true at any time."""

    recorded_on: datetime.date | None = None
    true_on: datetime.date | None = None

    @property
    def is_now(self) -> bool:
        return self.recorded_on is None and self.true_on is None

    def key(self) -> dict[str, str]:
        """What a disclosure question names (empty for today's records: the questions asked before as-of
        existed keep their noise)."""
        return {
            name: day.isoformat()
            for name, day in (("recorded_on", self.recorded_on), ("true_on", self.true_on))
            if day is not None
        }

    def recorded_by(self) -> datetime.datetime | None:
        """The end of day recorded_on in the platform's time zone (None: now)."""
        if self.recorded_on is None:
            return None
        midnight = datetime.datetime.combine(self.recorded_on + datetime.timedelta(days=1), datetime.time())
        return timezone.make_aware(midnight)


NOW = AsOf()


def as_of_check(recorded_on: datetime.date | None, true_on: datetime.date | None) -> AsOf:
    """The as-of days checked: not in the future, not before the platform's earliest year."""
    today = timezone.localdate()
    for day in (recorded_on, true_on):
        if day is not None and not (datetime.date(EARLIEST_BIRTH_YEAR, 1, 1) <= day <= today):
            raise ValidationError(
                _("%(day)s is not a day the records can be read as of: a day up to today.") % {"day": day},
                "as_of",
            )
    return AsOf(recorded_on=recorded_on, true_on=true_on)


def versions_as_of(model: type, as_of: AsOf) -> Q:
    """The versions of a Versioned model that the records held as of the day, and were true then."""
    end = as_of.recorded_by()
    if end is None:
        q = CURRENT
    else:
        q = Q(recorded_at__lt=end, retracted=False) & (
            Q(superseded_at__isnull=True) | Q(superseded_at__gte=end)
        )
    if as_of.true_on is not None:
        start = model.VALID_FROM
        q &= Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": as_of.true_on})
        q &= Q(valid_until__isnull=True) | Q(valid_until__gt=as_of.true_on)
    return q


def participants_as_of(as_of: AsOf) -> Q:
    """The participants the records held as of the day (all of them for today's)."""
    end = as_of.recorded_by()
    return Q() if end is None else Q(recorded_at__lt=end)


# ---------------------------------------------------------------------------------------------------------
# Files of updates


@dataclass
class Line:
    """One line of a file of updates as read, and what applying it would do."""

    number: int
    pseudonym: str
    kind: str
    key: str = ""
    item: str = ""
    value_number: str | None = None
    value_text: str = ""
    unit: str = ""
    valid_from: str | None = None
    valid_until: str | None = None
    source: str = ""
    retract: bool = False
    reason: str = ""
    participant_id: int | None = None
    status: str = ""  # new, changed, unchanged, rejected
    problem: str = ""
    readable: bool = True  # False: rejected for its own values, whatever the records hold

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    def values(self) -> tuple:
        """What a version holds that a correction may change (compared to tell changed from unchanged)."""
        return (
            self.item,
            None if self.value_number is None else decimal.Decimal(self.value_number),
            self.value_text,
            self.unit,
            self.valid_from,
            self.valid_until,
            self.source,
        )


STATUSES = ("new", "changed", "unchanged", "rejected")


def status_label(status: str) -> str:
    return {
        "new": _("new"),
        "changed": _("changed"),
        "unchanged": _("unchanged"),
        "rejected": _("rejected"),
    }.get(status, status)


def fact_key(kind: str, item: str, valid_from: str | None) -> str:
    """What tells one fact of a participant from another of the same kind (see the module's docstring)."""
    if kind == FactKind.DIAGNOSIS:
        return item
    if kind == FactKind.COVID19:
        return valid_from or ""
    if kind == FactKind.VITAL_STATUS:
        return "vital_status"
    return f"{item.casefold()}@{valid_from or ''}"


def _day(text: str, what: str) -> tuple[str | None, str]:
    if not text:
        return None, ""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None, _("%(what)s “%(value)s” is not a date (YYYY-MM-DD).") % {"what": what, "value": text}
    if day > timezone.localdate() or day.year < EARLIEST_BIRTH_YEAR:
        return None, _("%(what)s %(day)s is not a possible day.") % {"what": what, "day": day}
    return day.isoformat(), ""


def _whole(text: str, low: int, high: int, what: str) -> tuple[int | None, str]:
    if text.isascii() and text.isdigit() and low <= int(text) <= high:
        return int(text), ""
    return None, _("%(what)s “%(value)s” is not a whole number from %(low)s to %(high)s.") % {
        "what": what,
        "value": text,
        "low": low,
        "high": high,
    }


def _read_line(number: int, values: dict[str, str]) -> Line:
    """The line's values checked; a problem makes it rejected with the reason (the first one found)."""
    line = Line(number=number, pseudonym=values.get("participant", ""), kind=values.get("kind", "").lower())

    def reject(problem: str) -> Line:
        line.status, line.problem, line.readable = "rejected", problem, False
        return line

    for column, value in values.items():
        problem = text_problem(value)
        if problem:
            return reject(f"{column}: {problem}")
    if not line.pseudonym:
        return reject(_("participant: a pseudonymous id is required."))
    if line.kind not in FactKind.values:
        return reject(
            _("kind: “%(value)s” is not one of %(kinds)s.")
            % {"value": line.kind, "kinds": ", ".join(FactKind.values)}
        )
    source = values.get("source", "").lower()
    if source not in SOURCES:
        return reject(
            _("source: “%(value)s” is not one of %(sources)s.")
            % {"value": source, "sources": ", ".join(SOURCES)}
        )
    line.source = source
    action = values.get("action", "").lower()
    if action not in ("", "set", "retract"):
        return reject(_("action: “%(value)s” is not set or retract.") % {"value": action})
    line.retract = action == "retract"
    line.reason = values.get("reason", "")[:500]
    line.valid_from, problem = _day(values.get("date", ""), _("date"))
    if problem:
        return reject(problem)
    line.valid_until, problem = _day(values.get("until", ""), _("until"))
    if problem:
        return reject(problem)
    if line.valid_from and line.valid_until and line.valid_until <= line.valid_from:
        return reject(_("until: it must be after the date."))
    item, value, unit = values.get("item", ""), values.get("value", ""), values.get("unit", "")
    kind = line.kind
    if kind != FactKind.DIAGNOSIS and not line.valid_from:
        return reject(_("date: a %(kind)s needs the day it happened.") % {"kind": FactKind(kind).label})
    if kind in (FactKind.DIAGNOSIS, FactKind.VACCINATION, FactKind.MEDICATION, FactKind.LAB):
        if not item:
            return reject(_("item: a %(kind)s needs its item.") % {"kind": FactKind(kind).label})
        if len(item) > 120:
            return reject(_("item: at most 120 characters."))
    elif item:
        return reject(_("item: a %(kind)s has none; leave it empty.") % {"kind": FactKind(kind).label})
    if unit and kind != FactKind.LAB:
        return reject(_("unit: only a laboratory value has a unit."))
    if len(unit) > 30:
        return reject(_("unit: at most 30 characters."))
    if kind == FactKind.DIAGNOSIS:
        code = normalise_icd10(item)
        try:
            validate_icd10(code)
        except ValidationError as error:
            return reject(_("item: %(problem)s") % {"problem": " ".join(error.messages)})
        item = code
        if value:
            return reject(_("value: a diagnosis has none; leave it empty."))
    elif kind == FactKind.COVID19:
        scale, problem = _whole(value, 1, WHO_SCALE_MAX, _("value (WHO clinical progression scale)"))
        if problem and not line.retract:
            return reject(problem)
        line.value_number = None if scale is None else str(scale)
    elif kind == FactKind.VACCINATION and value:
        dose, problem = _whole(value, 1, MOST_DOSE, _("value (dose number)"))
        if problem:
            return reject(problem)
        line.value_number = str(dose)
    elif kind == FactKind.MEDICATION and value:
        return reject(_("value: a medication has none; leave it empty."))
    elif kind == FactKind.LAB:
        try:
            number = decimal.Decimal(value)
        except decimal.InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= MOST_LAB_VALUE:
            if not line.retract:
                return reject(_("value: “%(value)s” is not a number below 10⁹.") % {"value": value})
        else:
            line.value_number = str(number.quantize(decimal.Decimal("0.0001")))
    elif kind == FactKind.VITAL_STATUS:
        if value.lower() not in VitalStatus.values and not line.retract:
            return reject(_("value: a vital status is alive or deceased."))
        line.value_text = value.lower()
    line.item, line.unit = item, unit
    line.key = fact_key(kind, item, line.valid_from)
    return line


def read_update_file(name: str, content: bytes) -> list[Line]:
    """The file's lines, each checked by itself (rejected lines say why); a file that cannot be read at all
    is a ValidationError."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in UPDATE_SUFFIXES:
        raise ValidationError(
            _("A file of clinical updates is .csv (commas) or .tsv/.txt (tabs), not “%(suffix)s”.")
            % {"suffix": suffix or _("(none)")},
            "update_type",
        )
    if not content:
        raise ValidationError(_("The file is empty."), "update_empty")
    if len(content) > MOST_UPDATE_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(len(content)), "limit": filesizeformat(MOST_UPDATE_BYTES)},
            "update_size",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("%(name)s is not UTF-8 text (byte %(at)s).") % {"name": name, "at": error.start + 1},
            "update_encoding",
        ) from error
    if "\x00" in text:
        raise ValidationError(_("%(name)s contains NUL characters.") % {"name": name}, "update_encoding")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=UPDATE_SUFFIXES[suffix])
    header = [column.strip().lower() for column in next(rows, [])]
    missing = [column for column in REQUIRED if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        raise ValidationError(
            _(
                "%(name)s:1: the header must name the columns %(columns)s (required: %(required)s); "
                "found: %(found)s."
            )
            % {
                "name": name,
                "columns": ", ".join(COLUMNS),
                "required": ", ".join(REQUIRED),
                "found": ", ".join(header),
            },
            "update_header",
        )
    lines: list[Line] = []
    for number, fields in enumerate(rows, start=2):
        if not any(value.strip() for value in fields):
            continue
        if len(lines) >= MOST_UPDATE_LINES:
            raise ValidationError(
                _("%(name)s has more than %(most)s lines: split it.")
                % {"name": name, "most": MOST_UPDATE_LINES},
                "update_size",
            )
        if len(fields) != len(header):
            line = Line(number=number, pseudonym="", kind="", status="rejected", readable=False)
            line.problem = _("%(found)s columns, the header has %(expected)s.") % {
                "found": len(fields),
                "expected": len(header),
            }
            lines.append(line)
            continue
        values = {column: value.strip() for column, value in zip(header, fields, strict=True)}
        lines.append(_read_line(number, values))
    if not lines:
        raise ValidationError(_("%(name)s has no lines after its header.") % {"name": name}, "update_empty")
    return lines


def _model(kind: str) -> type:
    return Diagnosis if kind == FactKind.DIAGNOSIS else ClinicalFact


def _current(lines: list[Line], *, lock: bool) -> dict[tuple, Any]:
    """The current versions of the facts the lines name, by (participant id, kind, key)."""
    ids = {line.participant_id for line in lines if line.participant_id is not None}
    found: dict[tuple, Any] = {}
    diagnoses = Diagnosis.objects.filter(participant_id__in=ids, superseded_at__isnull=True)
    facts = ClinicalFact.objects.filter(participant_id__in=ids, superseded_at__isnull=True)
    if lock:
        diagnoses, facts = diagnoses.select_for_update(), facts.select_for_update()
    for diagnosis in diagnoses:
        found[(diagnosis.participant_id, FactKind.DIAGNOSIS.value, diagnosis.code)] = diagnosis
    for fact in facts:
        found[(fact.participant_id, fact.kind, fact.key)] = fact
    return found


def _stored_values(version) -> tuple:
    if isinstance(version, Diagnosis):
        return (
            version.code,
            None,
            "",
            "",
            version.diagnosed_on.isoformat() if version.diagnosed_on else None,
            version.valid_until.isoformat() if version.valid_until else None,
            version.source,
        )
    return (
        version.item,
        version.value_number,
        version.value_text,
        version.unit,
        version.valid_from.isoformat() if version.valid_from else None,
        version.valid_until.isoformat() if version.valid_until else None,
        version.source,
    )


def _classify(biobank: Biobank, lines: list[Line], *, lock: bool = False) -> dict[tuple, Any]:
    """Sets each readable line's status against the records (in place); returns the current versions."""
    pseudonyms = {line.pseudonym for line in lines if line.readable}
    ids: dict[str, int] = {}
    chunk = sorted(pseudonyms)
    for start in range(0, len(chunk), 2_000):
        ids.update(
            Participant.objects.filter(
                biobank=biobank, pseudonym__in=chunk[start : start + 2_000]
            ).values_list("pseudonym", "pk")
        )
    seen: dict[tuple, int] = {}
    for line in lines:
        if not line.readable:
            continue
        line.status, line.problem = "", ""
        line.participant_id = ids.get(line.pseudonym)
        if line.participant_id is None:
            line.status = "rejected"
            line.problem = _("participant: %(biobank)s has no participant “%(id)s”.") % {
                "biobank": biobank.code,
                "id": line.pseudonym,
            }
            continue
        identity = (line.participant_id, line.kind, line.key)
        if identity in seen:
            line.status = "rejected"
            line.problem = _("the same fact as line %(line)s: give each fact once.") % {
                "line": seen[identity]
            }
            continue
        seen[identity] = line.number
    current = _current(lines, lock=lock)
    for line in lines:
        if line.status:
            continue
        version = current.get((line.participant_id, line.kind, line.key))
        if line.retract:
            if version is None:
                line.status = "rejected"
                line.problem = _("there is no such fact to retract.")
            else:
                line.status = "unchanged" if version.retracted else "changed"
        elif version is None:
            line.status = "new"
        elif version.retracted or _stored_values(version) != line.values():
            line.status = "changed"
        else:
            line.status = "unchanged"
    return current


def update_preview(*, biobank: Biobank, name: str, content: bytes, actor) -> ClinicalUpdate:
    """Reads and checks a curator's file against the records and keeps it as a preview (nothing is applied);
    biobank.update_clinical decides who may."""
    require(actor, "biobank.update_clinical", biobank)
    lines = read_update_file(name, content)
    _classify(biobank, lines)
    counts = {status: sum(line.status == status for line in lines) for status in STATUSES}
    update = ClinicalUpdate(
        biobank=biobank,
        file_name=PurePath(name).name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        lines=[line.as_json() for line in lines],
        uploaded_by=actor,
        **counts,
    )
    with transaction.atomic():
        audited_save(
            update,
            actor=actor,
            reason=_(
                "Clinical updates previewed: %(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
                "%(rejected)s rejected"
            )
            % counts,
        )
    return update


def _version(line: Line, *, update: ClinicalUpdate, actor, now: datetime.datetime, previous) -> Any:
    common = {
        "participant_id": line.participant_id,
        "valid_until": line.valid_until,
        "recorded_at": now,
        "retracted": line.retract,
        "source": line.source,
        "entered_by": actor,
        "reason": line.reason or _("Clinical update %(file)s") % {"file": update.file_name},
        "update": update,
    }
    if line.retract and previous is not None:  # a retraction keeps what it retracts, marked in error
        common["valid_until"] = previous.valid_until
        if line.kind == FactKind.DIAGNOSIS:
            return Diagnosis(
                code=previous.code, category=previous.category, chapter=previous.chapter,
                diagnosed_on=previous.diagnosed_on, **common,
            )  # fmt: skip
        return ClinicalFact(
            kind=previous.kind, key=previous.key, item=previous.item, valid_from=previous.valid_from,
            value_number=previous.value_number, value_text=previous.value_text, unit=previous.unit, **common,
        )  # fmt: skip
    if line.kind == FactKind.DIAGNOSIS:
        return Diagnosis(
            code=line.item, category=icd10_category(line.item), chapter=icd10_chapter(line.item),
            diagnosed_on=line.valid_from, **common,
        )  # fmt: skip
    return ClinicalFact(
        kind=line.kind, key=line.key, item=line.item, valid_from=line.valid_from,
        value_number=line.value_number, value_text=line.value_text, unit=line.unit, **common,
    )  # fmt: skip


def _locked_preview(update: ClinicalUpdate) -> ClinicalUpdate:
    """The file's row, locked until the transaction ends; StateConflict unless it is still a preview."""
    update = (
        ClinicalUpdate.objects.select_for_update(of=("self",)).select_related("biobank").get(pk=update.pk)
    )
    if update.state != UpdateState.PREVIEWED:
        raise StateConflict(
            _("This file is already %(state)s.") % {"state": update.get_state_display().lower()},
            "illegal_transition",
        )
    return update


def update_apply(*, update: ClinicalUpdate, actor) -> ClinicalUpdate:
    """Applies a previewed file in one transaction: each new or changed line adds a version (a changed one
    closes the record time of the version it replaces). Refused when the file has rejected lines, is no longer
    a preview, or the records changed since the preview."""
    require(actor, "biobank.update_clinical", update.biobank)
    with transaction.atomic():
        update = _locked_preview(update)
        if update.rejected:
            raise ValidationError(
                _("%(count)s lines are rejected: correct the file and upload it again.")
                % {"count": update.rejected},
                "rejected_lines",
            )
        lines = lines_of(update)
        previewed = [line.status for line in lines]
        current = _classify(update.biobank, lines, lock=True)
        if [line.status for line in lines] != previewed:
            raise StateConflict(
                _(
                    "The records changed since this preview (another file was applied): upload the file "
                    "again."
                ),
                "stale_preview",
            )
        now = timezone.now()
        superseded: dict[type, list[int]] = {Diagnosis: [], ClinicalFact: []}
        added: dict[type, list] = {Diagnosis: [], ClinicalFact: []}
        for line in lines:
            if line.status not in ("new", "changed"):
                continue
            model = _model(line.kind)
            previous = current.get((line.participant_id, line.kind, line.key))
            if previous is not None:
                superseded[model].append(previous.pk)
            added[model].append(_version(line, update=update, actor=actor, now=now, previous=previous))
        for model in (Diagnosis, ClinicalFact):
            for start in range(0, len(superseded[model]), 2_000):
                model.objects.filter(pk__in=superseded[model][start : start + 2_000]).update(
                    superseded_at=now
                )
            model.objects.bulk_create(added[model], batch_size=2_000)
        update.state = UpdateState.APPLIED
        update.applied_at = now
        audited_save(
            update,
            actor=actor,
            reason=_("Clinical updates applied: %(new)s new, %(changed)s changed")
            % {"new": update.new, "changed": update.changed},
        )
    return update


def update_discard(*, update: ClinicalUpdate, actor) -> ClinicalUpdate:
    """Leaves a previewed file unapplied for good."""
    require(actor, "biobank.update_clinical", update.biobank)
    with transaction.atomic():
        update = _locked_preview(update)
        update.state = UpdateState.DISCARDED
        audited_save(update, actor=actor, reason=_("Clinical updates discarded"))
    return update


def lines_of(update: ClinicalUpdate) -> list[Line]:
    """The file's checked lines as kept with it."""
    return [Line(**data) for data in update.lines]


def example_file(biobank: Biobank) -> str:
    """An example file of updates naming the biobank's own first participants: one line of each kind."""
    pseudonyms = list(
        Participant.objects.filter(biobank=biobank)
        .order_by("pseudonym")
        .values_list("pseudonym", flat=True)[:6]
    )
    if not pseudonyms:
        pseudonyms = ["P00001"]
    pseudonyms += [pseudonyms[-1]] * (6 - len(pseudonyms))
    today = timezone.localdate()
    day = (today - datetime.timedelta(days=30)).isoformat()
    rows = [
        (pseudonyms[0], "covid19", "", "5", "", day, "", "hospital", "", "PCR positive, oxygen by mask"),
        (pseudonyms[1], "vaccination", "BNT162b2", "3", "", day, "", "registry", "", ""),
        (pseudonyms[2], "diagnosis", "J45.0", "", "", day, "", "hospital", "", ""),
        (pseudonyms[3], "lab", "HbA1c", "6.9", "%", day, "", "hospital", "", ""),
        (pseudonyms[4], "medication", "metformin", "", "", day, "", "questionnaire", "", ""),
        (pseudonyms[5], "vital_status", "", "alive", "", day, "", "registry", "", "annual follow-up"),
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


@dataclass(frozen=True)
class Event:
    """One version of a participant's clinical information, as the timeline shows it."""

    recorded_at: datetime.datetime
    kind: str
    what: str
    value: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    source: str
    entered_by: Any
    reason: str
    superseded_at: datetime.datetime | None
    retracted: bool

    @property
    def standing(self) -> str:
        if self.superseded_at is not None:
            return _("superseded")
        return _("entered in error") if self.retracted else _("current")


def _shown_value(fact: ClinicalFact) -> str:
    if fact.kind == FactKind.COVID19 and fact.value_number is not None:
        return _("WHO scale %(scale)s") % {"scale": int(fact.value_number)}
    if fact.kind == FactKind.VACCINATION and fact.value_number is not None:
        return _("dose %(dose)s") % {"dose": int(fact.value_number)}
    if fact.kind == FactKind.VITAL_STATUS:
        return (
            VitalStatus(fact.value_text).label if fact.value_text in VitalStatus.values else fact.value_text
        )
    if fact.value_number is not None:
        return f"{fact.value_number.normalize():f} {fact.unit}".strip()
    return ""


def timeline_of(participant: Participant) -> list[Event]:
    """Every version of the participant's diagnoses and clinical facts, newest record first."""
    events = [
        Event(
            recorded_at=d.recorded_at,
            kind=str(FactKind.DIAGNOSIS.label),
            what=d.code,
            value="",
            valid_from=d.diagnosed_on,
            valid_until=d.valid_until,
            source=d.get_source_display(),
            entered_by=d.entered_by,
            reason=d.reason,
            superseded_at=d.superseded_at,
            retracted=d.retracted,
        )
        for d in participant.diagnoses.select_related("entered_by")
    ]
    events += [
        Event(
            recorded_at=f.recorded_at,
            kind=f.get_kind_display(),
            what=f.item,
            value=_shown_value(f),
            valid_from=f.valid_from,
            valid_until=f.valid_until,
            source=f.get_source_display(),
            entered_by=f.entered_by,
            reason=f.reason,
            superseded_at=f.superseded_at,
            retracted=f.retracted,
        )
        for f in participant.clinical_facts.select_related("entered_by")
    ]
    return sorted(events, key=lambda event: (event.recorded_at, event.kind, event.what), reverse=True)


def timeline_viewed(*, participant: Participant, viewer) -> None:
    """Records that the viewer opened the participant's timeline (the page lists who looked)."""
    TimelineView.objects.create(participant=participant, viewer=viewer)
