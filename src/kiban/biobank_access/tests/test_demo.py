"""The demo loader: requests in several states made through the services, idempotent, every page with
content for the demo researcher and the BBJ/TMM/NCBN curators."""

from django.urls import reverse

from kiban.biobank.models import Biobank
from kiban.biobank.tests.small_world import build_world
from kiban.biobank_access.demo import load_biobank_access
from kiban.biobank_access.models import AccessPart, AccessRequest
from kiban.core.demo import load_core
from kiban.core.models import Organisation, User
from kiban.core.testing import page_text, signed_in, table_rows


def _demo_world():
    load_core()
    build_world(User.objects.get(username="biobank_curator"))
    Biobank.objects.create(
        code="NCBN", organisation=Organisation.objects.get(name="ナショナルセンターバイオバンクネットワーク")
    )


def test_the_demo_makes_requests_in_several_states_and_runs_again_unchanged(db, settings):
    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 0
    _demo_world()
    load_biobank_access()
    load_biobank_access()
    states = dict(AccessRequest.objects.values_list("title", "state"))
    assert states == {
        "血清プロテオーム解析（下書き・デモ）": "draft",
        "成人喘息の遺伝的背景研究（デモ）": "under_review",
        "2型糖尿病の全ゲノム関連解析（デモ）": "completed",
    }
    parts = {
        (p.request.title[:4], p.biobank.code): p.state
        for p in AccessPart.objects.select_related("request", "biobank")
    }
    assert parts[("成人喘息", "BBJ")] == "checking"
    assert parts[("成人喘息", "TMM")] == "conditions"
    assert parts[("成人喘息", "NCBN")] == "submitted"
    assert parts[("2型糖尿", "BBJ")] == "provided"
    assert parts[("2型糖尿", "NCBN")] == "unavailable"

    researcher = signed_in(User.objects.get(username="researcher"))
    assert len(table_rows(researcher.get(reverse("biobank_access:request-list")), "requests")) == 4
    for username, code in (("bbj_curator", "BBJ"), ("biobank_curator", "TMM"), ("ncbn_curator", "NCBN")):
        desk = signed_in(User.objects.get(username=username)).get(reverse("biobank_access:desk"))
        rows = table_rows(desk, "desk")[1:]
        assert rows and {row[1] for row in rows} == {code}, username
    ncbn_desk = signed_in(User.objects.get(username="ncbn_curator")).get(reverse("biobank_access:desk"))
    assert "overdue" in page_text(ncbn_desk)
    provided = AccessPart.objects.get(request__title__startswith="2型糖尿", biobank__code="BBJ")
    page = signed_in(User.objects.get(username="bbj_curator")).get(provided.get_absolute_url())
    # The .agreement-state cell, not the column header of that name.
    assert [row[2] for row in table_rows(page, "agreement-table")[1:]] == ["Signed"]
    assert 'class="agreement-state">Signed<' in page.content.decode()
    assert "Made available / shipped" in page_text(page)
