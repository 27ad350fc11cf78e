"""The sample sheet: a TSV naming each sample's sex, cohort, participant and any further strata."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import GenomeInputError

REQUIRED = ("sample", "sex", "cohort")
SEXES = ("XX", "XY", "unknown")


@dataclass(frozen=True)
class SampleSheet:
    """The sheet's rows by sample id, plus the strata it defines."""

    path: str
    line_of: dict[str, int]  # sample id -> line in the sheet
    sex: dict[str, str]
    participant: dict[str, str | None]
    groups: dict[str, dict[str, str]]  # stratum -> sample id -> value ('' when none); includes 'cohort'

    @property
    def strata(self) -> dict[str, list[str]]:
        """Stratum name -> its values; 'sex' always lists XX and XY ('unknown' counts in the total only)."""
        result = {"sex": ["XX", "XY"]}
        for name, values in self.groups.items():
            result[name] = sorted({value for value in values.values() if value})
        return result

    def stratum_masks(self, samples: list[str]) -> list[tuple[str, str, np.ndarray]]:
        """(stratum, value, boolean mask over `samples` in VCF order) for every stratum value."""
        masks = []
        for name, values in self.strata.items():
            column = self.sex if name == "sex" else self.groups[name]
            of_sample = np.array([column[s] for s in samples], dtype=object)
            for value in values:
                masks.append((name, value, of_sample == value))
        return masks


_SEX = {sex.lower(): sex for sex in SEXES}


def read_sample_sheet(path: str | Path) -> SampleSheet:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GenomeInputError(path, None, "the sample sheet does not exist") from None
    except UnicodeDecodeError as error:
        raise GenomeInputError(path, None, f"the sample sheet is not UTF-8 text ({error.reason})") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise GenomeInputError(path, 1, "the sample sheet is empty; it needs a header line")
    header = [name.strip() for name in lines[0].lstrip("#").split("\t")]
    lowered = [name.lower() for name in header]
    missing = [name for name in REQUIRED if name not in lowered]
    if missing:
        raise GenomeInputError(
            path,
            1,
            f"the header lacks the required column(s) {', '.join(missing)}; "
            f"a sample sheet is tab-separated with the columns sample, sex, cohort "
            f"(and optionally participant), found: {', '.join(header)}",
        )
    if len(set(lowered)) != len(lowered) or "" in lowered:
        raise GenomeInputError(path, 1, "the header has an empty or repeated column name")
    if "index" in lowered:
        raise GenomeInputError(
            path, 1, "the column name 'index' is reserved (the sample's position in the VCF)"
        )
    column = {name: lowered.index(name) for name in (*REQUIRED, "participant") if name in lowered}
    extra = [i for i, name in enumerate(lowered) if name not in (*REQUIRED, "participant")]

    line_of: dict[str, int] = {}
    sex: dict[str, str] = {}
    participant: dict[str, str | None] = {}
    groups: dict[str, dict[str, str]] = {"cohort": {}} | {header[i]: {} for i in extra}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = [value.strip() for value in line.split("\t")]
        if len(fields) != len(header):
            raise GenomeInputError(
                path, number, f"expected {len(header)} tab-separated columns, found {len(fields)}"
            )
        sample = fields[column["sample"]]
        if not sample:
            raise GenomeInputError(path, number, "the sample column is empty")
        if sample in line_of:
            raise GenomeInputError(
                path, number, f"sample {sample} is listed twice (first on line {line_of[sample]})"
            )
        value = _SEX.get(fields[column["sex"]].lower())
        if value is None:
            raise GenomeInputError(
                path,
                number,
                f"sex {fields[column['sex']]!r} of sample {sample} is not one of XX, XY, unknown",
            )
        cohort = fields[column["cohort"]]
        if not cohort:
            raise GenomeInputError(path, number, f"the cohort of sample {sample} is empty")
        line_of[sample] = number
        sex[sample] = value
        participant[sample] = (fields[column["participant"]] or None) if "participant" in column else None
        groups["cohort"][sample] = cohort
        for i in extra:
            groups[header[i]][sample] = fields[i]
    if not line_of:
        raise GenomeInputError(path, None, "the sample sheet lists no samples")
    return SampleSheet(path=str(path), line_of=line_of, sex=sex, participant=participant, groups=groups)
