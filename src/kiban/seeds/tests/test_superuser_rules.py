"""The platform's rules bind superusers too outside /admin/: a superuser's token or session cannot change a
seed or record an NDA (overseers change nothing), while the admin site still lets them in."""

import pytest
from django.test import Client

from kiban.agreements.models import Agreement
from kiban.core.models import User
from kiban.core.services import api_token_create


@pytest.fixture
def root(base_data) -> User:
    return User.objects.create_superuser("root", "root@example.jp", "pw-for-tests-only")


def test_a_superuser_token_may_not_edit_a_seed_or_record_an_nda(seed, root, takeda):
    _token, key = api_token_create(user=root, name="root script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    edit = client.patch(
        f"/api/seeds/{seed.pk}", {"title": "書き換え", "reason": "試験"}, content_type="application/json"
    )
    nda = client.post(
        f"/api/seeds/{seed.pk}/ndas",
        {"company_id": takeda.pk, "signed_on": "2026-04-01"},
        content_type="application/json",
    )

    assert edit.status_code == 403
    assert edit.json()["detail"] == "Only the seed's team and its hub's staff may change it."
    assert nda.status_code == 403
    assert nda.json()["detail"] == "Only the hub's staff record NDAs."
    seed.refresh_from_db()
    assert seed.title == "肺がん新規治療薬"
    assert not Agreement.objects.exists()


def test_a_superuser_may_not_edit_a_seed_through_its_page(seed, root):
    client = Client()
    client.force_login(root)

    assert client.get(f"/seeds/{seed.pk}/edit/").status_code == 403
    assert client.post(f"/seeds/{seed.pk}/edit/", {"title": "書き換え"}).status_code == 403
    seed.refresh_from_db()
    assert seed.title == "肺がん新規治療薬"


def test_the_admin_still_serves_a_superuser(seed, root):
    client = Client()
    client.force_login(root)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/seeds/seed/").status_code == 200
    assert client.get(f"/admin/seeds/seed/{seed.pk}/change/").status_code == 200
