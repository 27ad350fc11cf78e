"""What each reader sees on the pages and in the exports, the dashboards' figures, and constant queries."""

import csv
import datetime
import io
import itertools
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from kiban.core.choices import Role
from kiban.core.models import Organisation
from kiban.core.testing import assert_constant_queries, client_for, page_text, table_rows
from kiban.seeds import services
from kiban.seeds.selectors import dashboard

from .conftest import register


def test_a_company_reads_the_summary_and_the_details_only_after_an_nda(seed, hub_staff, takeda, matrix_users):
    # given a listed seed and a company member with no NDA
    client = client_for(Role.COMPANY)

    # when they open the seed's page and its API record
    before = client.get(f"/seeds/{seed.pk}/")
    api_before = client.get(f"/api/seeds/{seed.pk}").json()

    # then they read the public summary, not the confidential details, and may register interest
    assert "公開される概要" in page_text(before)
    assert "機密の詳細" not in page_text(before)
    assert 'id="details-closed"' in before.content.decode()
    assert 'id="interest-form"' in before.content.decode()
    assert (api_before["summary"], api_before["details"], api_before["team"]) == (
        "公開される概要。",
        None,
        None,
    )

    # when the hub's staff record an NDA with the company through the page
    staff = client_for(Role.HUB_STAFF)
    staff.post(f"/seeds/{seed.pk}/ndas/", {"company": takeda.pk, "signed_on": "2023-04-01"})

    # then the details open to the company, on the page and through the API
    after = client.get(f"/seeds/{seed.pk}/")
    assert "機密の詳細：化合物の構造。" in page_text(after)
    assert client.get(f"/api/seeds/{seed.pk}").json()["details"] == "機密の詳細：化合物の構造。"


def test_the_nda_of_one_company_opens_nothing_to_another(seed, hub_staff, takeda, base_data):
    # given an NDA with 武田薬品工業 and a member of another company
    from kiban.core.testing import user_with_role

    services.nda_record(seed=seed, company=takeda, signed_on=datetime.date(2023, 4, 1), actor=hub_staff)
    other = user_with_role(
        Role.COMPANY,
        organisation=Organisation.objects.get(name="デモ創薬株式会社（デモ）"),
        username="other_company",
    )
    client = Client()
    client.force_login(other)

    # when the other company opens the seed
    response = client.get(f"/seeds/{seed.pk}/")

    # then it sees the summary only, and not which companies hold NDAs
    assert "機密の詳細" not in page_text(response)
    assert "武田薬品工業" not in page_text(response)


def test_each_reader_lists_the_seeds_they_may_see(seed, unlisted_seed, kyoto, pi, base_data):
    # given a listed and an unlisted seed at 大阪大学, and the researcher's own seed at 京都大学
    own = register(hub=kyoto, pi=pi, actor=pi, title="京大の自分のシーズ")

    def titles(role):
        return {row[0] for row in table_rows(client_for(role).get("/seeds/"), "seed-table")[1:]}

    # when each reader opens the list
    # then the researcher sees their own seeds, the hub its own, a company the listed ones, the ministry all
    assert titles(Role.RESEARCHER) == {seed.title, own.title}
    assert titles(Role.HUB_STAFF) == {seed.title, unlisted_seed.title}
    assert titles(Role.COMPANY) == {seed.title, own.title}
    assert titles(Role.MINISTRY_OFFICIAL) == {seed.title, unlisted_seed.title, own.title}


def test_the_list_filters_by_stage_and_fiscal_year(seed, osaka, hub_staff, pi):
    later = register(hub=osaka, pi=pi, actor=hub_staff, support_from_fy=2024, support_to_fy=2025)
    services.seed_decision_apply(
        seed=later, outcome="stage_up", rationale="x", actor=hub_staff, decided_on=datetime.date(2020, 1, 1)
    )
    client = client_for(Role.HUB_STAFF)
    rows = table_rows(client.get("/seeds/?stage=pre_b"), "seed-table")[1:]
    assert [r[0] for r in rows] == [later.title]
    rows = table_rows(client.get("/seeds/?fiscal_year=2021"), "seed-table")[1:]
    assert [r[0] for r in rows] == [seed.title]


def test_the_seed_list_exports_as_csv_and_excel(seed, unlisted_seed):
    # given two seeds at 大阪大学
    client = client_for(Role.HUB_STAFF)

    # when the hub's staff download the list
    csv_response = client.get("/seeds/export.csv?stage=seed_a")
    xlsx_response = client.get("/seeds/export.xlsx")

    # then the CSV (with a byte-order mark for Excel) and the workbook hold both seeds' public columns
    text = csv_response.content.decode("utf-8-sig")
    assert csv_response["Content-Disposition"] == 'attachment; filename="kiban-seeds.csv"'
    lines = text.strip().splitlines()
    assert lines[0].startswith("id,seed title,hub,institution,origin,principal investigator,modality,ICD-10")
    assert len(lines) == 3 and "肺がん新規治療薬" in text and "機密" not in text
    sheet = load_workbook(io.BytesIO(xlsx_response.content))["Seeds"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "非公開シーズ",
        "肺がん新規治療薬",
    ]


@pytest.fixture
def history(osaka, hub_staff, pi, takeda):
    """Three Seed A seeds leave their stage after 100, 200 and 300 days (two up, one terminated); two preB
    seeds leave after 10 and 20 days; one license-out and funds in FY2020."""
    start = datetime.date(2019, 6, 1)
    seeds = [register(hub=osaka, pi=pi, actor=hub_staff) for _ in range(3)]
    for seed, days, outcome in zip(
        seeds, (100, 200, 300), ("stage_up", "stage_up", "terminate"), strict=True
    ):
        services.seed_decision_apply(
            seed=seed,
            outcome=outcome,
            rationale="x",
            actor=hub_staff,
            decided_on=start + datetime.timedelta(days=days),
        )
    for seed, days in zip(seeds[:2], (10, 20), strict=True):
        services.seed_decision_apply(
            seed=seed,
            outcome="stage_up",
            rationale="x",
            actor=hub_staff,
            decided_on=seed.stage_entered_on + datetime.timedelta(days=days),
        )
    services.seed_decision_apply(
        seed=seeds[0],
        outcome="continue",
        rationale="x",
        actor=hub_staff,
        decided_on=datetime.date(2020, 6, 1),
    )
    services.outcome_record(
        seed=seeds[0],
        kind="license_out",
        occurred_on=datetime.date(2020, 7, 1),
        title="導出",
        company=takeda,
        scope="全世界",
        actor=hub_staff,
    )
    services.seed_funding_record(seed=seeds[0], fiscal_year=2020, amount_yen=30_000_000, actor=hub_staff)
    services.seed_funding_record(seed=seeds[1], fiscal_year=2020, amount_yen=12_000_000, actor=hub_staff)
    return seeds


def test_the_dashboard_counts_stages_decisions_time_in_stage_and_license_outs(history, osaka, kyoto):
    # given the history above
    # when the nationwide and the hubs' dashboards are computed
    board = dashboard()

    # then the seeds are counted by stage and modality, decisions per fiscal year, medians per stage
    assert board.stage_totals["seed_b"] == 2 and board.stage_totals["terminated"] == 1
    assert board.by_stage_modality["seed_b"]["drug"] == 2
    assert board.transitions_by_year == {
        2019: {"stage_up": 4, "continue": 0, "suspend": 0, "terminate": 1},
        2020: {"stage_up": 0, "continue": 1, "suspend": 0, "terminate": 0},
    }
    times = {t.stage: t for t in board.stage_times}
    assert (times["seed_a"].median_days, times["seed_a"].left, times["seed_a"].moved_up) == (200, 3, 2)
    assert times["seed_a"].conversion_percent == 66.7
    assert times["pre_b"].median_days == 15
    assert times["seed_b"].median_days is None
    assert board.license_outs == 1 and board.recent_license_outs[0].company.name == "武田薬品工業"
    assert board.funding_by_year == {2020: 42_000_000}
    assert {row.hub.name: row.total for row in board.hub_rows}["大阪大学"] == 3
    assert dashboard(hub=kyoto).total == 0 and dashboard(hub=osaka).total == 3


def test_the_dashboard_page_shows_the_figures_and_exports_them(history, osaka):
    client = client_for(Role.MINISTRY_OFFICIAL)
    response = client.get("/seeds/dashboard/")
    rows = table_rows(response, "time-in-stage")
    assert rows[1] == ["Seed A", "200", "3", "2", "66.7%"]
    assert rows[2] == ["preB", "15", "2", "2", "100.0%"]
    assert 'id="pipeline-chart"' in response.content.decode()
    assert table_rows(response, "by-hub")[8] == ["Osaka University", "0", "0", "2", "0", "0", "0", "1", "3"]

    csv_text = client.get(f"/seeds/dashboard/hubs/{osaka.pk}/export.csv").content.decode("utf-8-sig")
    assert "# By stage and modality" in csv_text and "# Latest license-outs" in csv_text
    assert "# By hub" not in csv_text
    workbook = load_workbook(io.BytesIO(client.get("/seeds/dashboard/export.xlsx").content))
    assert workbook.sheetnames == [
        "By stage and modality",
        "By hub",
        "Decisions per fiscal year",
        "Time in stage",
        "Outcomes per fiscal year",
        "Latest license-outs",
    ]
    outcomes = list(workbook["Outcomes per fiscal year"].iter_rows(values_only=True))
    assert outcomes[1] == (2019, 0, 0, 0, 0, 0)
    assert outcomes[2] == (2020, 0, 0, 0, 1, 42_000_000)


def test_pages_read_in_japanese(seed):
    # given the hub's staff switched to Japanese
    client = client_for(Role.HUB_STAFF)
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})

    # when they open the seed and the dashboard
    # then organisations and fiscal years are named the Japanese way
    assert "大阪大学" in page_text(client.get(f"/seeds/{seed.pk}/"))
    assert "2019年度（令和元年度）" in page_text(client.get(f"/seeds/{seed.pk}/"))


# --- constant queries
@pytest.fixture
def more_seeds(osaka, hub_staff, base_data):
    """Adds seeds at 大阪大学, each with its own principal investigator and institution, and a decision."""
    from kiban.core.models import User

    numbers = itertools.count(1)

    def add(count: int) -> None:
        for _ in range(count):
            n = next(numbers)
            pi = User.objects.create_user(f"pi_{n}", f"pi{n}@example.jp", "pw-for-tests-only")
            institution = Organisation.objects.create(name=f"試験大学{n}", kind="university")
            seed = register(hub=osaka, pi=pi, actor=hub_staff, institution=institution)
            services.seed_decision_apply(
                seed=seed,
                outcome="stage_up" if n % 2 else "suspend",
                rationale="x",
                actor=hub_staff,
                decided_on=datetime.date(2020, 1, n % 28 + 1),
            )

    return add


def test_the_seed_list_runs_the_same_queries_as_seeds_grow(more_seeds):
    for role in (Role.HUB_STAFF, Role.MINISTRY_OFFICIAL, Role.COMPANY):
        assert_constant_queries(client_for(role), "/seeds/", more_seeds)
    assert_constant_queries(client_for(Role.HUB_STAFF), "/api/seeds", more_seeds)
    assert_constant_queries(client_for(Role.HUB_STAFF), "/seeds/export.csv", more_seeds)


def test_the_dashboards_run_the_same_queries_as_seeds_grow(more_seeds, osaka):
    client = client_for(Role.MINISTRY_OFFICIAL)
    assert_constant_queries(client, "/seeds/dashboard/", more_seeds)
    assert_constant_queries(client, f"/seeds/dashboard/hubs/{osaka.pk}/", more_seeds)
    assert_constant_queries(client, "/api/seeds/dashboard", more_seeds)


def test_a_seed_page_runs_the_same_queries_as_its_records_grow(seed, hub_staff, pi, takeda, base_data):
    from kiban.core.models import User

    numbers = itertools.count(1)

    def add(count: int) -> None:
        for _ in range(count):
            n = next(numbers)
            year = 2019 + n % 5
            services.progress_report_submit(seed=seed, fiscal_year=year, summary=f"進捗{n}", actor=pi)
            milestone = services.milestone_add(
                seed=seed, fiscal_year=year, title=f"目標{n}", due_on=datetime.date(year, 12, 1), actor=pi
            )
            services.milestone_achieve(milestone=milestone, achieved_on=datetime.date(year, 11, 1), actor=pi)
            services.outcome_record(
                seed=seed,
                kind="patent_filing",
                occurred_on=datetime.date(year, 7, 1),
                title=f"特許{n}",
                actor=pi,
            )
            company = Organisation.objects.create(name=f"試験会社{n}", kind="company")
            services.outcome_record(
                seed=seed,
                kind="license_out",
                occurred_on=datetime.date(year, 8, 1),
                title=f"導出{n}",
                company=company,
                scope="x",
                actor=pi,
            )
            services.nda_record(
                seed=seed, company=company, signed_on=datetime.date(2023, 1, 1), actor=hub_staff
            )
            member = User.objects.create_user(f"member_{n}", f"m{n}@example.jp", "pw-for-tests-only")
            seed.members.create(user=member, role="分担")
            services.seed_funding_record(
                seed=seed, fiscal_year=year, amount_yen=n * 1_000_000, actor=hub_staff
            )
            services.seed_decision_apply(
                seed=seed,
                outcome="continue",
                rationale=f"継続{n}",
                actor=hub_staff,
                decided_on=datetime.date(2019, 7, 1),
            )

    for role in (Role.HUB_STAFF, Role.RESEARCHER, Role.MINISTRY_OFFICIAL, Role.COMPANY):
        assert_constant_queries(client_for(role), f"/seeds/{seed.pk}/", add)
    assert_constant_queries(client_for(Role.HUB_STAFF), f"/api/seeds/{seed.pk}", add)
    assert_constant_queries(client_for(Role.HUB_STAFF), f"/api/seeds/{seed.pk}/stage-gates", add)
    assert_constant_queries(client_for(Role.HUB_STAFF), f"/api/seeds/{seed.pk}/years", add)


def test_hub_staff_register_a_seed_through_the_form(osaka, takeda, pi):
    # given the hub's staff on the registration form
    client = client_for(Role.HUB_STAFF)
    assert client.get("/seeds/new/").status_code == 200

    # when they register a company-committed seed from outside the hub, with a wrong code first
    form = {
        "hub": osaka.pk,
        "title": "携帯型人工腎臓",
        "summary": "在宅で使える血液浄化装置。",
        "details": "試作機の性能。",
        "pi": pi.pk,
        "institution": Organisation.objects.get(name="神戸大学").pk,
        "modality": "device",
        "icd10_code": "N18.9X",
        "disease": "末期腎不全",
        "programme_slot": "company_committed",
        "committed_company": takeda.pk,
        "stage": "seed_b",
        "support_from_fy": 2022,
        "support_to_fy": 2024,
        "listed_for_matching": "on",
    }
    refused = client.post("/seeds/new/", form)
    form["icd10_code"] = "n185"
    response = client.post("/seeds/new/", form)

    # then the wrong code is refused on the form, and the corrected seed is registered
    assert refused.status_code == 400 and "is not in the ICD-10 classification" in page_text(refused)
    from kiban.seeds.models import Seed

    seed = Seed.objects.get(title="携帯型人工腎臓")
    assert response["Location"] == seed.get_absolute_url()
    assert (seed.stage, seed.icd10_code, seed.origin, seed.pi) == ("seed_b", "N18.5", "outside", pi)


def test_the_team_edits_a_seed_through_the_form(seed):
    client = client_for(Role.RESEARCHER)
    form = {
        "title": seed.title,
        "summary": "改訂した概要",
        "details": seed.details,
        "institution": seed.institution_id,
        "modality": "drug",
        "icd10_code": "C34.1",
        "programme_slot": "seed_a",
        "support_from_fy": 2019,
        "support_to_fy": 2023,
        "reason": "概要の改訂",
    }
    response = client.post(f"/seeds/{seed.pk}/edit/", form)
    assert response.status_code == 302
    seed.refresh_from_db()
    assert seed.summary == "改訂した概要"
    assert seed.listed_for_matching is False  # the unticked box unlists it
    assert seed.history.first().history_change_reason == "概要の改訂"


def test_records_are_added_from_the_seed_page(seed, takeda):
    # given the hub's staff and the principal investigator on the seed's page
    staff, team = client_for(Role.HUB_STAFF), client_for(Role.RESEARCHER)

    # when they record funds, a milestone, a progress report and a license-out, and one mistake
    staff.post(f"/seeds/{seed.pk}/funding/", {"fiscal_year": 2021, "amount_yen": 25_000_000})
    team.post(
        f"/seeds/{seed.pk}/milestones/", {"fiscal_year": 2021, "title": "GLP試験", "due_on": "2021-12-01"}
    )
    team.post(f"/seeds/{seed.pk}/progress/", {"fiscal_year": 2021, "summary": "順調"})
    team.post(
        f"/seeds/{seed.pk}/outcomes/",
        {
            "kind": "license_out",
            "occurred_on": "2021-10-01",
            "title": "導出",
            "company": takeda.pk,
            "scope": "国内",
        },
    )
    mistake = staff.post(f"/seeds/{seed.pk}/funding/", {"fiscal_year": 2030, "amount_yen": 1}, follow=True)

    # then the page shows them under FY2021, and the mistake is explained
    text = page_text(team.get(f"/seeds/{seed.pk}/"))
    assert "25百万円" in text or "¥25 million" in text
    assert "GLP試験" in text and "順調" in text and "国内" in text
    assert "outside the seed's support years" in page_text(mistake)


def test_the_dashboard_draws_each_stage_split_by_modality_from_the_tables_counts(history):
    # given seeds decided at 大阪大学
    response = client_for(Role.MINISTRY_OFFICIAL).get("/seeds/dashboard/")

    # when the stacked chart is read
    page = response.content.decode()
    svg = re.search(r'<svg id="stage-modality-chart".*?</svg>', page, flags=re.S).group(0)
    tooltips = re.findall(r'<rect class="bar series-\d"[^>]*><title>(.*?)</title>', svg)

    # then it has one segment per non-empty cell of the stage-by-modality table, naming its count
    header, *rows, _total = table_rows(response, "stage-modality")
    expected = [
        f"{row[0]}, {modality}: {count}"
        for row in rows
        for modality, count in zip(header[1:-1], row[1:-1], strict=True)
        if count != "0"
    ]
    assert tooltips == expected and expected


def test_a_seed_title_that_looks_like_a_formula_is_text_in_both_exports(osaka, hub_staff, pi):
    # given a seed whose title is a spreadsheet formula
    from .conftest import register

    attack = '=HYPERLINK("http://evil.example/","click")'
    register(hub=osaka, pi=pi, actor=hub_staff, title=attack)
    client = client_for(Role.HUB_STAFF)

    # when the list is downloaded as CSV and as a workbook
    text = client.get("/seeds/export.csv").content.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(client.get("/seeds/export.xlsx").content))["Seeds"]

    # then the CSV cell starts with an apostrophe and the workbook cell is a text cell, never a formula
    titles = [row[1] for row in csv.reader(io.StringIO(text))][1:]
    assert "'" + attack in titles
    [cell] = [row[1] for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(row[1].value)]
    assert cell.data_type == "s"
    assert cell.value in (attack, "'" + attack)
