"""Demo data of the bioresource catalogue: a few hundred entries of every type, all marked as demo, with lots
and QC, orders in each state, shipments, one deposit in screening, and the people who handle them.

The seed document names the project's two classes of resources, its programmes and the addition of virus
resources, but no centre: the centres here are demo organisations named "（デモ）", and every entry, price,
lot and DOI (Crossref's test prefix 10.5555) is an example. Species and their NCBI Taxonomy ids are real."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from kiban.core.choices import OrganisationKind, Role
from kiban.core.demo import demo_user
from kiban.core.models import Organisation, User
from kiban.submissions import services as lifecycle

from . import services
from .choices import (
    Availability,
    Biosafety,
    ColdChain,
    DepositKind,
    MtaClause,
    MtaTerms,
    QcKind,
    QcResult,
    ResourceClass,
    ResourceForm,
    ResourceType,
)
from .models import Lot, QcTest, Reference, Resource, Species

T = ResourceType

# (name, English name, short name, the types it holds)
CENTRES = [
    ("動物リソース中核的拠点（デモ）", "Animal resource core hub (demo)", "DEMO-A", (T.ANIMAL,)),
    ("植物リソース中核的拠点（デモ）", "Plant resource core hub (demo)", "DEMO-P", (T.PLANT,)),
    ("微生物リソース中核的拠点（デモ）", "Microbial resource core hub (demo)", "DEMO-M", (T.MICROBE,)),
    (
        "細胞・遺伝子材料中核的拠点（デモ）",
        "Cell and gene resource core hub (demo)",
        "DEMO-C",
        (T.CELL, T.GENETIC_MATERIAL),
    ),
    ("ウイルスリソース中核的拠点（デモ）", "Virus resource core hub (demo)", "DEMO-V", (T.VIRUS,)),
]

# (scientific name, Japanese, English, NCBI Taxonomy id): real names and ids.
SPECIES = [
    ("Mus musculus", "マウス", "house mouse", 10090),
    ("Rattus norvegicus", "ラット", "Norway rat", 10116),
    ("Danio rerio", "ゼブラフィッシュ", "zebrafish", 7955),
    ("Oryzias latipes", "メダカ", "Japanese medaka", 8090),
    ("Drosophila melanogaster", "キイロショウジョウバエ", "fruit fly", 7227),
    ("Caenorhabditis elegans", "線虫", "nematode", 6239),
    ("Arabidopsis thaliana", "シロイヌナズナ", "thale cress", 3702),
    ("Oryza sativa", "イネ", "rice", 4530),
    ("Hordeum vulgare", "オオムギ", "barley", 4513),
    ("Glycine max", "ダイズ", "soybean", 3847),
    ("Escherichia coli", "大腸菌", "E. coli", 562),
    ("Saccharomyces cerevisiae", "出芽酵母", "baker's yeast", 4932),
    ("Schizosaccharomyces pombe", "分裂酵母", "fission yeast", 4896),
    ("Bacillus subtilis", "枯草菌", "hay bacillus", 1423),
    ("Homo sapiens", "ヒト", "human", 9606),
    ("Chlorocebus sabaeus", "ミドリザル", "green monkey", 60711),
    ("synthetic construct", "人工構築物", "synthetic construct", 32630),
    ("Influenza A virus", "A型インフルエンザウイルス", "influenza A virus", 11320),
    ("Human mastadenovirus C", "ヒトアデノウイルスC", "human adenovirus C", 129951),
    ("Vaccinia virus", "ワクシニアウイルス", "vaccinia virus", 10245),
]

GENES = ["Pax6", "Trp53", "Apc", "Sox2", "Lepr", "Tyr", "Kit", "Foxp3", "Cdh1", "Shh", "Gata1", "Nanog"]
ANIMALS = [
    (
        "Mus musculus",
        ("C57BL/6J", "BALB/cA", "C3H/HeJ", "DBA/2J"),
        (ResourceForm.FROZEN_EMBRYO, ResourceForm.FROZEN_SPERM, ResourceForm.LIVE),
    ),
    ("Rattus norvegicus", ("F344/Jcl", "Wistar"), (ResourceForm.FROZEN_EMBRYO, ResourceForm.LIVE)),
    ("Danio rerio", ("AB", "RIKEN WT"), (ResourceForm.LIVE, ResourceForm.FROZEN_SPERM)),
    ("Oryzias latipes", ("Hd-rR", "HNI"), (ResourceForm.LIVE,)),
    ("Drosophila melanogaster", ("Canton-S", "w1118"), (ResourceForm.LIVE,)),
    ("Caenorhabditis elegans", ("N2",), (ResourceForm.LIVE,)),
]  # fmt: skip
PLANTS = [
    ("Arabidopsis thaliana", ("Col-0", "Ler-0", "Ws-2")),
    ("Oryza sativa", ("Nipponbare", "Koshihikari")),
    ("Hordeum vulgare", ("Haruna Nijo", "Morex")),
    ("Glycine max", ("Enrei", "Williams 82")),
]
MICROBES = ["Escherichia coli", "Saccharomyces cerevisiae", "Schizosaccharomyces pombe", "Bacillus subtilis"]
VECTORS = ["pcDNA3.1(+)", "pEGFP-N1", "pET-28a(+)", "pLKO.1-puro", "pENTR/D-TOPO"]
STR_LOCI = ["D5S818", "D13S317", "D7S820", "D16S539", "vWA", "TH01", "TPOX", "CSF1PO"]

COUNTS = {T.ANIMAL: 80, T.PLANT: 60, T.MICROBE: 60, T.CELL: 50, T.GENETIC_MATERIAL: 60, T.VIRUS: 12}
PRICES = {
    T.ANIMAL: 30_000,
    T.PLANT: 5_000,
    T.MICROBE: 8_000,
    T.CELL: 20_000,
    T.GENETIC_MATERIAL: 10_000,
    T.VIRUS: 40_000,
}
QC_BY_TYPE = {
    T.ANIMAL: (QcKind.GENOTYPE_PCR, QcKind.VIABILITY),
    T.PLANT: (QcKind.VIABILITY,),
    T.MICROBE: (QcKind.STERILITY, QcKind.VIABILITY),
    T.CELL: (QcKind.STERILITY, QcKind.MYCOPLASMA, QcKind.VIABILITY),
    T.GENETIC_MATERIAL: (QcKind.STERILITY, QcKind.GENOTYPE_PCR),
    T.VIRUS: (QcKind.TITRE, QcKind.STERILITY, QcKind.MYCOPLASMA),
}

# The entries the walkthroughs use (number, type, fields).
KEY_CELL = "DEMO-C-C0001"
KEY_VIRUS = "DEMO-V-V0001"
KEY_ANIMAL = "DEMO-A-A0001"
KEY_PLASMID = "DEMO-C-G0001"
KEY_STR = (
    "Amelogenin: X; CSF1PO: 9,10; D13S317: 12,13.3; D16S539: 9,10; D5S818: 11,12; D7S820: 8,12; TH01: 7; "
    "TPOX: 8,12; vWA: 16,18"
)
DEMO_FACILITY = "医学部動物実験施設 P2実験室（デモ）"


def _str_profile(rng: random.Random) -> str:
    parts = ["Amelogenin: " + rng.choice(["X", "X,Y"])]
    for locus in STR_LOCI:
        a, b = sorted(rng.sample(range(6, 16), 2))
        parts.append(f"{locus}: {a},{b}")
    return "; ".join(parts)


def _entry(rtype: str, index: int, species: dict, rng: random.Random) -> dict:
    """The fields of the index-th demo entry of a type (deterministic through rng)."""
    gene = GENES[index % len(GENES)]
    values = {
        "resource_type": rtype,
        "resource_class": ResourceClass.CORE if index % 3 else ResourceClass.MAINTAINED,
    }
    if rtype == T.ANIMAL:
        name, backgrounds, forms = ANIMALS[index % len(ANIMALS)]
        values |= {
            "species": species[name],
            "strain_background": backgrounds[index % len(backgrounds)],
            "genotype": f"{gene}<tm{index % 5 + 1}Kbn>/{gene}<tm{index % 5 + 1}Kbn>"
            if index % 2
            else f"{gene}<tm{index % 5 + 1}Kbn>/+",
            "form": forms[index % len(forms)],
            "name": f"{gene}変異系統 {index:03d}（デモ）",
        }
    elif rtype == T.PLANT:
        name, accessions = PLANTS[index % len(PLANTS)]
        values |= {
            "species": species[name],
            "accession": f"{accessions[index % len(accessions)]} KBN{index:05d}",
            "form": ResourceForm.SEED,
            "name": f"{name.split()[1]} 系統 {index:03d}（デモ）",
        }
    elif rtype == T.MICROBE:
        name = MICROBES[index % len(MICROBES)]
        values |= {
            "species": species[name],
            "genotype": f"Δ{gene.lower()}" if index % 2 else "",
            "form": ResourceForm.GLYCEROL_STOCK if index % 2 else ResourceForm.FREEZE_DRIED,
            "name": f"{name} KBN-{index:04d}（デモ）",
        }
    elif rtype == T.CELL:
        human = index % 5 != 4
        values |= {
            "species": species["Homo sapiens" if human else "Mus musculus"],
            "str_profile": _str_profile(rng) if human else "",
            "form": ResourceForm.CELL_VIAL,
            "name": f"デモ細胞株 KBN-C{index:03d}（デモ）",
        }
    elif rtype == T.GENETIC_MATERIAL:
        values |= {
            "species": species["synthetic construct"],
            "insert": f"{gene.upper()} cDNA (human)",
            "vector": VECTORS[index % len(VECTORS)],
            "form": ResourceForm.PLASMID,
            "name": f"p{gene.upper()}-{index:03d}（デモ）",
        }
    else:
        virus = ["Influenza A virus", "Human mastadenovirus C", "Vaccinia virus"][index % 3]
        values |= {
            "species": species[virus],
            "host_range": [
                "ヒト、マウス（馴化株）、MDCK細胞",
                "ヒト、HEK293細胞",
                "広い宿主域（哺乳類細胞）",
            ][index % 3],
            "form": ResourceForm.VIRUS_STOCK,
            "bsl": Biosafety.BSL2,
            "name": f"{virus} 株 KBN-V{index:03d}（デモ）",
        }
    return values


def _centres() -> dict[str, Organisation]:
    by_type = {}
    for name, name_en, short, types in CENTRES:
        centre, _created = Organisation.objects.get_or_create(
            name=name,
            defaults={"name_en": name_en, "short_name": short, "kind": OrganisationKind.RESOURCE_CENTRE},
        )
        for rtype in types:
            by_type[rtype] = centre
    return by_type


def _people(centres: dict) -> dict[str, User]:
    orgs = {
        o.name: o
        for o in Organisation.objects.filter(name__in=["東北大学", "大阪大学", "京都大学", "武田薬品工業"])
    }
    people = {
        "bio_researcher": demo_user("bio_researcher", "小林 真理", orgs["東北大学"], Role.RESEARCHER, "助教"),
        "depositor": demo_user("depositor", "加藤 直樹", orgs["大阪大学"], Role.RESEARCHER, "教授"),
    }
    staff = {
        "centre_staff": (T.CELL, T.VIRUS),
        "centre_staff_animal": (T.ANIMAL,),
        "centre_staff_plant": (T.PLANT,),
        "centre_staff_microbe": (T.MICROBE,),
    }
    for username, types in staff.items():
        for rtype in types:
            people[username] = demo_user(
                username,
                f"{centres[rtype].short_name} 担当（デモ）",
                centres[rtype],
                Role.FACILITY_OPERATOR,
                "リソース担当",
            )
    people["researcher"] = User.objects.get(username="researcher")
    people["company"] = User.objects.get(username="company")
    return people


def _catalogue(centres: dict, people: dict) -> None:
    species = {}
    for scientific, ja, en, taxid in SPECIES:
        species[scientific], _created = Species.objects.get_or_create(
            taxonomy_id=taxid,
            defaults={"scientific_name": scientific, "common_name": ja, "common_name_en": en},
        )
    rng = random.Random(20210401)
    resources = []
    for rtype, count in COUNTS.items():
        letter = {
            T.ANIMAL: "A",
            T.PLANT: "P",
            T.MICROBE: "M",
            T.CELL: "C",
            T.GENETIC_MATERIAL: "G",
            T.VIRUS: "V",
        }[rtype]
        for index in range(1, count + 1):
            values = _entry(rtype, index, species, rng)
            price = PRICES[rtype]
            resources.append(
                Resource(
                    centre=centres[rtype],
                    number=f"{centres[rtype].short_name}-{letter}{index:04d}",
                    availability=Availability.AVAILABLE if index % 11 else Availability.IN_PREPARATION,
                    academic_price_yen=price,
                    company_price_yen=price * 2,
                    is_demo=True,
                    description="デモ用の架空のリソースです。",
                    **values,
                )
            )
    key = {r.number: r for r in resources}
    animal = key[KEY_ANIMAL]
    animal.genotype, animal.strain_background = "Pax6<Sey-Kbn>/+", "C57BL/6J"
    animal.species, animal.form = species["Mus musculus"], ResourceForm.FROZEN_EMBRYO
    key[KEY_ANIMAL].name = "Pax6 Small eye 変異マウス（デモ）"
    cell = key[KEY_CELL]
    cell.name, cell.str_profile, cell.availability = (
        "デモ子宮頸がん由来細胞株 KBN-C001（デモ）",
        KEY_STR,
        Availability.AVAILABLE,
    )
    cell.mta_terms, cell.mta_clauses = MtaTerms.DEPOSITOR, [MtaClause.CITE_PAPER]
    cell.depositor = people["depositor"]
    virus = key[KEY_VIRUS]
    virus.name, virus.species = (
        "インフルエンザAウイルス A/PR/8/34 (H1N1) 株（デモ）",
        species["Influenza A virus"],
    )
    virus.host_range, virus.availability = "ヒト、マウス（馴化株）、MDCK細胞", Availability.AVAILABLE
    plasmid = key[KEY_PLASMID]
    plasmid.mta_terms = MtaTerms.DEPOSITOR
    plasmid.mta_clauses = [
        MtaClause.NON_COMMERCIAL,
        MtaClause.NO_REDISTRIBUTION,
        MtaClause.DEPOSITOR_APPROVAL,
    ]
    plasmid.depositor, plasmid.availability = people["depositor"], Availability.AVAILABLE
    for r in (cell, plasmid):
        r.depositor_organisation = people["depositor"].memberships.first().organisation
    for resource in resources:
        resource.full_clean(
            exclude=["centre", "species", "depositor", "depositor_organisation"], validate_unique=False
        )
    Resource.objects.bulk_create(resources)
    saved = {r.number: r for r in Resource.objects.filter(is_demo=True)}
    Reference.objects.bulk_create(
        Reference(
            resource=saved[number],
            doi=f"10.5555/kiban-demo.{number.lower()}",
            citation=f"{number} を記載したデモ文献（例）",
        )
        for number in list(saved)[::4]
    )
    lots, tests = [], []
    for number, resource in saved.items():
        index = int(number[-4:])
        for lot_index in (1, 2) if index % 4 == 1 else (1,):
            lots.append(
                Lot(
                    resource=resource,
                    lot_number=f"L{2025 - lot_index + 1}-{index:04d}",
                    prepared_on=datetime.date(2025 - lot_index + 1, 4 + index % 8, 1 + index % 27),
                    stock=0 if index % 13 == 0 else 5 + index % 20,
                )
            )
    Lot.objects.bulk_create(lots)
    for lot in Lot.objects.filter(resource__is_demo=True).select_related("resource"):
        index = int(lot.resource.number[-4:])
        kinds = list(QC_BY_TYPE[lot.resource.resource_type])
        if lot.resource.is_human and lot.resource.resource_type == T.CELL:
            kinds.append(QcKind.STR)
        for kind in kinds:
            second_lot = lot.lot_number.startswith("L2024")
            result = QcResult.PASSED
            if index % 17 == 0 or (second_lot and kind == kinds[0]):
                result = QcResult.FAILED  # the older lot of every fourth entry failed its first test
            elif index % 19 == 0:
                result = QcResult.PENDING
            tests.append(
                QcTest(
                    lot=lot,
                    kind=kind,
                    result=result,
                    tested_on=lot.prepared_on + datetime.timedelta(days=14),
                    value={QcKind.VIABILITY: "92%", QcKind.TITRE: "1×10⁷ PFU/mL"}.get(kind, ""),
                )
            )  # fmt: skip
    QcTest.objects.bulk_create(tests)


def _order(people, user, organisation, numbers, *, facility=None, purpose="デモの利用目的"):
    for number in numbers:
        services.cart_add(user=people[user], resource=Resource.objects.get(number=number))
    orders = services.orders_from_cart(user=people[user], organisation=organisation, purpose=purpose)
    for order in orders:
        if facility is not None:
            services.order_set_facility(order=order, facility=facility, actor=people[user])
        for line in order.lines.select_related("resource"):
            signatory = ("山本 理事（デモ）", "研究担当理事") if line.resource.needs_signatory else ("", "")
            services.mta_accept(
                line=line, actor=people[user], signatory_name=signatory[0], signatory_title=signatory[1]
            )
    return orders


def _passing_lot(resource_id: int) -> Lot:
    from .selectors import passing_lots

    return passing_lots().filter(resource_id=resource_id).order_by("-stock").first()


def _orders(centres: dict, people: dict) -> None:
    tohoku = people["bio_researcher"].memberships.first().organisation
    facility = services.facility_register(
        organisation=tohoku,
        name=DEMO_FACILITY,
        bsl=Biosafety.BSL2,
        approval_number="東北大 P2-2025-001（デモ）",
        actor=people["bio_researcher"],
    )  # fmt: skip
    staff_of = {
        T.ANIMAL: "centre_staff_animal",
        T.PLANT: "centre_staff_plant",
        T.MICROBE: "centre_staff_microbe",
    }

    def staff(order):
        for rtype, username in staff_of.items():
            if centres[rtype].pk == order.centre_id:
                return people[username]
        return people["centre_staff"]

    def through(order, last: str):
        """Moves the order along the lifecycle up to `last`."""
        user = order.created_by
        if last == "draft":
            return
        if last == "withdrawn":
            lifecycle.submission_withdraw(submission=order, actor=user, reason="デモ：不要になったため")
            return
        services.order_submit(order=order, actor=user)
        if last == "submitted":
            return
        if last == "returned":
            lifecycle.submission_return(
                submission=order, reason="デモ：利用目的を具体的に記載してください。", actor=staff(order)
            )
            return
        for line in order.lines.select_related("resource__depositor"):
            if line.depositor_decision == "pending":
                services.depositor_decide(line=line, approve=True, actor=line.resource.depositor)
        if last == "rejected":
            lifecycle.submission_decide(
                submission=order, accept=False, reason="デモ：在庫調整中のため", actor=staff(order)
            )
            return
        services.order_accept(order=order, actor=staff(order), reason="デモ：受理")
        if last == "accepted":
            return
        lots = {line.pk: _passing_lot(line.resource_id) for line in order.lines.all()}
        services.shipment_pack(order=order, lots=lots, cold_chain=ColdChain.DRY_ICE, actor=staff(order))
        if last == "packed":
            return
        services.shipment_ship(
            order=order,
            carrier="ヤマト運輸（デモ）",
            tracking_number=f"DEMO-{order.pk:06d}",
            actor=staff(order),
        )
        if last == "shipped":
            return
        services.shipment_receive(order=order, actor=user)

    plan = [
        ("bio_researcher", tohoku, ["DEMO-C-C0002"], "draft"),
        ("bio_researcher", tohoku, ["DEMO-C-C0003", KEY_PLASMID], "submitted"),  # waits for the depositor
        ("bio_researcher", tohoku, ["DEMO-P-P0002"], "returned"),
        ("bio_researcher", tohoku, ["DEMO-M-M0002"], "accepted"),
        ("bio_researcher", tohoku, ["DEMO-A-A0003"], "rejected"),
        ("bio_researcher", tohoku, ["DEMO-P-P0003"], "withdrawn"),
        ("bio_researcher", tohoku, ["DEMO-V-V0002"], "packed"),
        ("bio_researcher", tohoku, ["DEMO-A-A0002", "DEMO-M-M0003"], "shipped"),
        ("bio_researcher", tohoku, [KEY_CELL, KEY_VIRUS], "completed"),
        ("company", people["company"].memberships.first().organisation, ["DEMO-C-G0002"], "completed"),
    ]
    for user, organisation, numbers, last in plan:
        for order in _order(
            people, user, organisation, numbers, facility=facility if user == "bio_researcher" else None
        ):
            through(order, last)
    received = Resource.objects.get(number=KEY_CELL)
    services.paper_report(
        resource=received, doi="10.5555/kiban-demo.paper-0001", actor=people["bio_researcher"]
    )


def _deposit(centres: dict, people: dict) -> None:
    depositor = people["depositor"]
    deposit = services.deposit_save(
        actor=depositor,
        centre=centres[T.CELL],
        organisation=depositor.memberships.first().organisation,
        deposit_kind=DepositKind.DEPOSITION,
        resource_type=T.CELL,
        resource_class=ResourceClass.MAINTAINED,
        name="デモ肝がん由来細胞株 KBN-H01（寄託審査中・デモ）",
        species=Species.objects.get(taxonomy_id=9606),
        form=ResourceForm.CELL_VIAL,
        bsl=Biosafety.BSL1,
        str_profile="Amelogenin: X,Y; CSF1PO: 10,11; D5S818: 11,12; TH01: 8,9; TPOX: 8,11; vWA: 14,17",
        mta_terms=MtaTerms.DEPOSITOR,
        mta_clauses=[MtaClause.CITE_PAPER, MtaClause.CO_AUTHORSHIP],
        qc_evidence="マイコプラズマ否定（PCR）、無菌試験陰性、STR解析済み（デモ）",
        reference_doi="10.5555/kiban-demo.deposit-0001",
    )
    services.deposit_submit(deposit=deposit, actor=depositor)
    services.deposit_screen(deposit=deposit, actor=people["centre_staff"])


@transaction.atomic
def load_bioresources() -> None:
    """Creates the demo catalogue, its people, orders and a deposit; running it again changes nothing."""
    centres = _centres()
    people = _people(centres)
    if Resource.objects.filter(number=KEY_CELL).exists():
        return
    _catalogue(centres, people)
    _orders(centres, people)
    _deposit(centres, people)
    # Spread the completed demo orders over two fiscal years so the statistics have a history.
    from .models import ResourceOrder

    earlier = timezone.now() - datetime.timedelta(days=400)
    first = ResourceOrder.objects.filter(state="completed").order_by("pk").first()
    if first is not None:
        ResourceOrder.objects.filter(pk=first.pk).update(submitted_at=earlier, created_at=earlier)
