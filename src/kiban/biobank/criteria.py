"""The search's criteria tree: validated, normalised (one text per question) and turned into one filter on
participants.

A tree is JSON. A leaf is one criterion, a branch combines criteria:

    {"and": [node, ...]}   every one holds          {"or": [node, ...]}   at least one holds
    {"not": node}          it does not hold
    {"disease": "J45"}     an ICD-10 code, block ("J40-J47") or chapter ("X"), with its descendants
    {"sex": "female"}      MIABIS sex: female, male, unknown, undifferentiated
    {"age": {"min": 40, "max": 60}}   age at enrolment, both ends included (either may be left out)
    {"material": "serum"}  has a sample of this MIABIS material type with an aliquot available
    {"data": "wgs"}        has this data: wgs, wes, snp_array, mri, questionnaire, clinical_records
    {"biobank": "BBJ"}     enrolled at this biobank
    {"collection": "TMM/community"}  in this collection
    {"genome": "D"}        has a genome in the panel's dataset D (the sample sheet's participant column)
    {"variant": "22-123-A-G", "dataset": "D"}   carries the variant's alternate allele in dataset D
    {"gene": "PCSK9", "dataset": "D", "max_af": 0.01}   carries the alternate allele of any variant of
                           the gene whose allele frequency in D is at most max_af (0.01 when left out):
                           a loss-of-function style question (needs the gene annotation, kiban genome
                           load-genes)
    {"covid19": {"min_scale": 4}}   had COVID-19 at least this severe on the WHO clinical progression
                           scale (1–10; 1 when left out, i.e. any infection)
    {"vaccination": "BNT162b2"}     received this vaccine (any dose)
    {"medication": "metformin"}     took this drug
    {"lab": {"item": "HbA1c", "min": 6.5, "max": 20}}   a value of this test in the range (either end
                           may be left out)
    {"vital_status": "deceased"}    deceased (or "alive": not recorded as deceased)

The clinical leaves (disease and the five above) read the versioned records as of the search's AsOf
(clinical.py): today's records unless a day is asked for. Items (vaccine, drug, test) match without
regard to case.

A tree holds at most MAX_NODES nodes, MAX_DEPTH deep."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from kiban.core.icd10 import icd10_categories, icd10_term
from kiban.core.inputs import text_problem

from .choices import DataType, FactKind, MaterialType, Sex, VitalStatus, data_field
from .clinical import NOW, AsOf, versions_as_of
from .models import OLDEST_AGE, WHO_SCALE_MAX, ClinicalFact, Collection, Diagnosis, GenomeLink, Sample

MAX_NODES = 30
MAX_DEPTH = 6
BRANCHES = ("and", "or")
LEAVES = (
    "disease", "sex", "age", "material", "data", "biobank", "collection", "genome", "variant", "gene",
    "covid19", "vaccination", "medication", "lab", "vital_status",
)  # fmt: skip
MOST_LAB_VALUE = 10**9
GENE_DEFAULT_MAX_AF = 0.01


class CriteriaError(ValueError):
    """A tree that cannot be read; the message says what is wrong, in the user's language."""


@dataclass(frozen=True)
class GenomeAccess:
    """What the tree needs from the genome panel, given by the caller: whether the user may use a dataset,
    the samples carrying a variant (None for no such dataset or variant), and those carrying any variant of
    a gene up to an allele frequency (raising CriteriaError for an unknown gene or too many variants)."""

    may_use: Callable[[str], bool]
    carriers: Callable[[str, str], list[str] | None]
    variant_id: Callable[[str], str]
    gene_carriers: Callable[[str, str, float], list[str]] | None = None


def _text(value: Any, what: str, longest: int = 100) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CriteriaError(_("%(what)s must be a text.") % {"what": what})
    problem = text_problem(value)
    if problem:
        raise CriteriaError(problem)
    if len(value) > longest:
        raise CriteriaError(_("%(what)s is too long.") % {"what": what})
    return value.strip()


def _choice(value: Any, choices: type, what: str) -> str:
    text = _text(value, what).lower()
    if text not in choices.values:
        raise CriteriaError(
            _("“%(value)s” is not a %(what)s; use one of: %(choices)s.")
            % {"value": text, "what": what, "choices": ", ".join(choices.values)}
        )
    return text


def _age(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or not value or set(value) - {"min", "max"}:
        raise CriteriaError(_('An age range is written {"min": 40, "max": 60} (either may be left out).'))
    ages = {}
    for end, age in value.items():
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= OLDEST_AGE:
            raise CriteriaError(
                _("An age must be a whole number from 0 to %(oldest)s.") % {"oldest": OLDEST_AGE}
            )
        ages[end] = age
    if "min" in ages and "max" in ages and ages["min"] > ages["max"]:
        raise CriteriaError(_("The lowest age is above the highest."))
    return ages


def normalise(tree: Any, *, genome: GenomeAccess, codes: dict[str, set[str]]) -> dict[str, Any]:
    """The tree with every value checked and written one way (codes upper case, names as stored); raises
    CriteriaError naming the first problem. `codes` holds the known biobank codes and collection keys
    (known_codes)."""
    seen = [0]
    return _node(tree, genome=genome, codes=codes, depth=0, seen=seen)


def _node(
    tree: Any, *, genome: GenomeAccess, codes: dict[str, set[str]], depth: int, seen: list[int]
) -> dict:
    seen[0] += 1
    if seen[0] > MAX_NODES:
        raise CriteriaError(_("A search may combine at most %(most)s criteria.") % {"most": MAX_NODES})
    if depth > MAX_DEPTH:
        raise CriteriaError(_("Criteria may be nested at most %(most)s deep.") % {"most": MAX_DEPTH})
    if not isinstance(tree, dict) or not tree:
        raise CriteriaError(_('Each criterion is an object such as {"sex": "female"}.'))
    keys = set(tree)
    if keys & set(BRANCHES) or "not" in keys:
        if len(keys) != 1:
            raise CriteriaError(_("“and”, “or” and “not” each stand alone in their object."))
        (key,) = keys
        if key == "not":
            return {"not": _node(tree["not"], genome=genome, codes=codes, depth=depth + 1, seen=seen)}
        children = tree[key]
        if not isinstance(children, list) or not children:
            raise CriteriaError(_("“%(key)s” takes a list of at least one criterion.") % {"key": key})
        return {
            key: [_node(child, genome=genome, codes=codes, depth=depth + 1, seen=seen) for child in children]
        }
    if keys == {"variant", "dataset"}:
        dataset = _dataset(tree["dataset"], genome)
        try:
            variant = genome.variant_id(_text(tree["variant"], _("A variant")))
        except ValueError as error:
            raise CriteriaError(str(error)) from error
        return {"variant": variant, "dataset": dataset}
    if "gene" in keys and keys <= {"gene", "dataset", "max_af"} and "dataset" in keys:
        return _gene(tree, genome)
    if len(keys) != 1 or not keys <= set(LEAVES) or keys <= {"variant", "gene"}:
        raise CriteriaError(
            _(
                "Unknown criterion %(keys)s: use and, or, not, %(leaves)s (a variant or a gene with its "
                "dataset)."
            )
            % {"keys": ", ".join(sorted(map(str, keys))), "leaves": ", ".join(LEAVES)}
        )
    ((key, value),) = tree.items()
    if key == "disease":
        try:
            return {"disease": icd10_term(_text(value, _("A disease"), 20))}
        except ValidationError as error:
            raise CriteriaError(" ".join(error.messages)) from error
    if key == "sex":
        return {"sex": _choice(value, Sex, _("sex"))}
    if key == "age":
        return {"age": _age(value)}
    if key == "material":
        return {"material": _choice(value, MaterialType, _("material type"))}
    if key == "data":
        return {"data": _choice(value, DataType, _("data type"))}
    if key == "biobank":
        text = _text(value, _("A biobank")).upper()
        if text not in codes["biobanks"]:
            raise CriteriaError(_("There is no biobank “%(code)s”.") % {"code": text})
        return {"biobank": text}
    if key == "collection":
        text = _text(value, _("A collection"))
        biobank, _slash, code = text.partition("/")
        text = f"{biobank.upper()}/{code}"
        if text not in codes["collections"]:
            raise CriteriaError(
                _("There is no collection “%(key)s”: write the biobank and collection, e.g. TMM/community.")
                % {"key": text}
            )
        return {"collection": text}
    if key == "covid19":
        return {"covid19": _covid19(value)}
    if key in ("vaccination", "medication"):
        return {key: _text(value, _("A vaccine") if key == "vaccination" else _("A drug"), 120).casefold()}
    if key == "lab":
        return {"lab": _lab(value)}
    if key == "vital_status":
        return {"vital_status": _choice(value, VitalStatus, _("vital status"))}
    return {"genome": _dataset(value, genome)}


def _covid19(value: Any) -> dict[str, int]:
    if not isinstance(value, dict) or set(value) - {"min_scale"}:
        raise CriteriaError(
            _('COVID-19 is written {"min_scale": 4} (the WHO clinical progression scale, 1–10).')
        )
    scale = value.get("min_scale", 1)
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= WHO_SCALE_MAX:
        raise CriteriaError(_("“min_scale” is a whole number from 1 to %(most)s.") % {"most": WHO_SCALE_MAX})
    return {"min_scale": scale}


def _lab(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or "item" not in value or set(value) - {"item", "min", "max"}:
        raise CriteriaError(_('A laboratory value is written {"item": "HbA1c", "min": 6.5, "max": 20}.'))
    found: dict[str, Any] = {"item": _text(value["item"], _("A test"), 120).casefold()}
    for end in ("min", "max"):
        if end in value:
            number = value[end]
            if (
                isinstance(number, bool)
                or not isinstance(number, int | float)
                or not abs(number) < MOST_LAB_VALUE
            ):
                raise CriteriaError(_("“%(end)s” is a number below 10⁹.") % {"end": end})
            found[end] = number
    if "min" in found and "max" in found and found["min"] > found["max"]:
        raise CriteriaError(_("The lowest value is above the highest."))
    return found


def _gene(tree: dict[str, Any], genome: GenomeAccess) -> dict[str, Any]:
    dataset = _dataset(tree["dataset"], genome)
    symbol = _text(tree["gene"], _("A gene"), 40).upper()
    max_af = tree.get("max_af", GENE_DEFAULT_MAX_AF)
    if isinstance(max_af, bool) or not isinstance(max_af, int | float) or not 0 <= max_af <= 1:
        raise CriteriaError(_("“max_af” is an allele frequency between 0 and 1, e.g. 0.01."))
    if genome.gene_carriers is None:
        raise CriteriaError(_("A gene cannot be searched here."))
    genome.gene_carriers(dataset, symbol, float(max_af))  # an unknown gene is refused here, by name
    return {"gene": symbol, "dataset": dataset, "max_af": float(max_af)}


def _dataset(value: Any, genome: GenomeAccess) -> str:
    dataset = _text(value, _("A genome dataset"))
    if not genome.may_use(dataset):
        raise CriteriaError(
            _("There is no genome dataset “%(dataset)s” you may search.") % {"dataset": dataset}
        )
    return dataset


def known_codes() -> dict[str, set[str]]:
    """The biobank codes and collection keys (BIOBANK/collection) a tree may name: one query."""
    collections = Collection.objects.values_list("biobank__code", "code")
    return {
        "biobanks": {biobank for biobank, _code in collections},
        "collections": {f"{biobank}/{code}" for biobank, code in collections},
    }


def _disease(term: str, as_of: AsOf) -> Q:
    if len(term) > 3 and term[3] == ".":  # a subcategory: itself and any fifth-character code below it
        diagnoses = Diagnosis.objects.filter(code__startswith=term)
    elif len(term) == 3 and term[0].isalpha() and term[1:].isdigit():
        diagnoses = Diagnosis.objects.filter(category=term)
    elif "-" in term:  # a block: its categories
        diagnoses = Diagnosis.objects.filter(category__in=sorted(icd10_categories(term)))
    else:
        diagnoses = Diagnosis.objects.filter(chapter=term)
    diagnoses = diagnoses.filter(versions_as_of(Diagnosis, as_of))
    return Q(Exists(diagnoses.filter(participant=OuterRef("pk"))))


def _fact(as_of: AsOf, kind: str, **lookups) -> Q:
    facts = ClinicalFact.objects.filter(versions_as_of(ClinicalFact, as_of), kind=kind, **lookups)
    return Q(Exists(facts.filter(participant=OuterRef("pk"))))


def as_filter(tree: dict[str, Any], *, genome: GenomeAccess, as_of: AsOf = NOW) -> Q:
    """The normalised tree as one filter on Participant (subqueries, no rows read into Python except the
    carriers of a variant, which come from the genome engine); clinical leaves as of `as_of`."""
    if "and" in tree or "or" in tree:
        key = "and" if "and" in tree else "or"
        parts = [as_filter(child, genome=genome, as_of=as_of) for child in tree[key]]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if key == "and" else combined | part
        return combined
    if "not" in tree:
        return ~as_filter(tree["not"], genome=genome, as_of=as_of)
    if "variant" in tree or "gene" in tree:
        if "variant" in tree:
            samples = genome.carriers(tree["dataset"], tree["variant"]) or []
        else:
            samples = genome.gene_carriers(tree["dataset"], tree["gene"], tree["max_af"])
        links = GenomeLink.objects.filter(dataset_id=tree["dataset"], sample__in=samples)
        return Q(Exists(links.filter(participant=OuterRef("pk"))))
    ((key, value),) = tree.items()
    if key == "disease":
        return _disease(value, as_of)
    if key == "covid19":
        return _fact(as_of, FactKind.COVID19, value_number__gte=value["min_scale"])
    if key in ("vaccination", "medication"):
        return _fact(as_of, key, item__iexact=value)
    if key == "lab":
        bounds = {
            f"value_number__{op}": value[end] for end, op in (("min", "gte"), ("max", "lte")) if end in value
        }
        return _fact(as_of, FactKind.LAB, item__iexact=value["item"], value_number__isnull=False, **bounds)
    if key == "vital_status":
        deceased = _fact(as_of, FactKind.VITAL_STATUS, value_text=VitalStatus.DECEASED)
        return deceased if value == VitalStatus.DECEASED else ~deceased
    if key == "sex":
        return Q(sex=value)
    if key == "age":
        q = Q()
        if "min" in value:
            q &= Q(age_at_enrolment__gte=value["min"])
        if "max" in value:
            q &= Q(age_at_enrolment__lte=value["max"])
        return q
    if key == "material":
        samples = Sample.objects.filter(material_type=value, aliquots__gt=0)
        return Q(Exists(samples.filter(participant=OuterRef("pk"))))
    if key == "data":
        return Q(**{data_field(value): True})
    if key == "biobank":
        return Q(biobank__code=value)
    if key == "collection":
        biobank, _slash, code = value.partition("/")
        return Q(collection__biobank__code=biobank, collection__code=code)
    return Q(Exists(GenomeLink.objects.filter(dataset_id=value, participant=OuterRef("pk"))))
