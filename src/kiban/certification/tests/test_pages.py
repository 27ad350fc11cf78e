"""Preparing an application through the pages, as hub staff would, and what the ministry sees."""

from kiban.certification.choices import OutcomeKind
from kiban.certification.models import CertificationApplication, FunctionItem
from kiban.core.testing import signed_in


def test_hub_staff_start_an_application_for_their_institution(open_round, hub, hub_user):
    client = signed_in(hub_user)
    assert open_round.title_en in client.get("/certification/applications/new/").content.decode()
    response = client.post(
        "/certification/applications/new/", {"round": open_round.pk, "organisation": hub.pk}
    )
    application = CertificationApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert (application.organisation, application.created_by, application.state) == (hub, hub_user, "draft")


def test_the_requirements_form_shows_the_source_wording(application, hub_user):
    client = signed_in(hub_user)
    url = f"/certification/applications/{application.pk}/requirements/"
    text = client.get(url).content.decode()
    assert "B) 橋渡し研究支援に必要な組織体制を整備し人員を確保していること" in text
    response = client.post(
        url,
        {
            "hub_statement": "拠点A",
            "organisation_statement": "体制B",
            "track_record_statement": "実績C",
            "training_statement": "育成D",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert [s for _t, _l, s in application.statements] == ["拠点A", "体制B", "実績C", "育成D"]


def test_the_function_table_page_mirrors_the_source(application, hub_user):
    text = (
        signed_in(hub_user).get(f"/certification/applications/{application.pk}/functions/").content.decode()
    )
    for heading in (
        "①拠点内で備えるべき機能",
        "②他組織や他機関との連携により備えればよい機能",
        "③機関の特色として評価される機能",
    ):
        assert heading in text
    for column in ("組織体制", "人員", "取組", "要綱第３条第１項第４号"):
        assert column in text
    # partners can be named only for class ② items
    assert 'name="2-org-audit-partners"' in text
    assert 'name="1-org-seeds-partners"' not in text


def test_outcome_figures_and_training_through_the_pages(application, hub_user):
    client = signed_in(hub_user)
    years = application.round.outcome_fiscal_years
    data = {f"{y}-{k}": "1" for y in years for k in OutcomeKind.values}
    assert client.post(f"/certification/applications/{application.pk}/outcomes/", data).status_code == 302
    assert application.outcomes.count() == 15
    item = FunctionItem.objects.get(code="2-train-biostatistics")
    response = client.post(
        f"/certification/applications/{application.pk}/training/",
        {"item": item.pk, "title": "生物統計家育成", "fiscal_year": years[-1], "trainees": "3"},
    )
    assert response.status_code == 302
    assert application.training.get().title == "生物統計家育成"


def test_submitting_an_incomplete_draft_lists_what_is_missing(application, hub_user):
    response = signed_in(hub_user).post(f"/certification/applications/{application.pk}/submit/", follow=True)
    text = response.content.decode()
    assert "①拠点内で備えるべき機能: “拠点長” is not in place." in text
    application.refresh_from_db()
    assert application.state == "draft"


def test_the_ministry_opens_the_review_of_a_submitted_application(submitted_application, ministry_user):
    text = signed_in(ministry_user).get(submitted_application.get_absolute_url()).content.decode()
    assert f"/reviews/open/certification/certificationapplication/{submitted_application.pk}/" in text, (
        "the ministry is offered to open a review round"
    )
    assert "Prepare the application" not in text
