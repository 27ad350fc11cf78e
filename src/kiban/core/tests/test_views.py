"""Core pages as a person uses them: signing in, language, forms, API tokens, inbox, attachments."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.test import Client

from kiban.core.models import ApiToken, Notification, User
from kiban.core.services import api_token_authenticate, api_token_create, attachment_create, notification_send
from kiban.core.testing import downloaded
from kiban.programmes.models import Programme

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def alice_client(alice):
    client = Client()
    client.force_login(alice)
    return client


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.content.decode())[1]


# --- signing in ---------------------------------------------------------------------------------------------
def test_the_login_page_renders_for_anonymous_visitors(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_a_demo_user_logs_in_with_the_demo_password(client, demo_data):
    response = client.post(
        "/accounts/login/", {"username": "researcher", "password": "kiban-demo"}, follow=True
    )

    assert response.redirect_chain == [("/", 302)]
    assert response.status_code == 200
    assert response.context["user"].username == "researcher"
    assert "Welcome, 山田 花子" in response.content.decode()


def test_a_wrong_password_does_not_log_in(client, demo_data):
    response = client.post("/accounts/login/", {"username": "researcher", "password": "wrong"})

    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert client.get("/").status_code == 302


def test_password_reset_mails_a_link_that_opens_the_new_password_form(client, demo_data, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "researcher@example.jp"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["researcher@example.jp"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body)[1]
    # the link leads to the form for the new password
    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert "new_password1" in form.content.decode()
    # and the new password works
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password-2021", "new_password2": "a-new-long-password-2021"},
    )
    assert done.status_code == 302
    # (django-axes watches every password log-in, so the test client's log-in passes a request too)
    assert Client().login(request=HttpRequest(), username="researcher", password="a-new-long-password-2021")


def test_password_reset_for_an_unknown_address_sends_nothing(client, demo_data, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.jp"})

    assert response.status_code == 302
    assert mailoutbox == []


# --- language -----------------------------------------------------------------------------------------------
def test_the_language_switch_changes_the_page_language(client, db):
    assert html_lang(client.get("/accounts/login/")) == "en"

    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/accounts/login/"}, follow=True)
    assert html_lang(response) == "ja"
    assert html_lang(client.get("/accounts/login/")) == "ja"

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert html_lang(response) == "en"
    assert html_lang(client.get("/accounts/login/")) == "en"


def test_the_language_switch_works_for_signed_in_users_too(alice_client):
    alice_client.post("/i18n/setlang/", {"language": "ja", "next": "/"})

    response = alice_client.get("/organisations/")

    assert html_lang(response) == "ja"


# --- CSRF ---------------------------------------------------------------------------------------------------
def test_a_form_sent_without_its_csrf_token_gets_a_readable_page_and_changes_nothing(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)

    response = browser.post("/account/api-tokens/", {"name": "notebook"})

    assert response.status_code == 403
    content = response.content.decode()
    assert "The form could not be accepted" in content
    assert "It was sent without a valid security token (CSRF)" in content
    assert "Nothing was changed." in content
    assert ApiToken.objects.count() == 0


def test_a_form_sent_with_its_csrf_token_is_accepted(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get("/account/api-tokens/")

    response = browser.post(
        "/account/api-tokens/",
        {"name": "notebook", "csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
    )

    assert response.status_code == 200
    assert ApiToken.objects.filter(user=alice).count() == 1


# --- API tokens ---------------------------------------------------------------------------------------------
def test_the_api_token_page_shows_a_new_key_once(alice_client, alice):
    response = alice_client.post("/account/api-tokens/", {"name": "analysis notebook"})

    assert response.status_code == 200
    key = re.search(r'<p class="key" id="new-token">(kbn_[^<]+)</p>', response.content.decode())[1]
    assert api_token_authenticate(key=key) == alice
    assert "analysis notebook" in response.content.decode()
    # when the page is opened again, the key is not shown
    again = alice_client.get("/account/api-tokens/").content.decode()
    assert key not in again
    assert 'id="new-token"' not in again
    assert f"{key[:8]}…" in again


def test_the_api_token_page_refuses_a_blank_name(alice_client):
    response = alice_client.post("/account/api-tokens/", {"name": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_the_api_token_page_lists_only_the_users_own_tokens(alice_client, alice):
    bob = User.objects.create_user("bob", "bob@example.jp", "pw-for-tests-only")
    api_token_create(user=alice, name="alice's notebook")
    api_token_create(user=bob, name="bob's script")

    content = alice_client.get("/account/api-tokens/").content.decode()

    assert "alice&#x27;s notebook" in content
    assert "bob" not in content


def test_the_owner_revokes_a_token(alice_client, alice):
    token, key = api_token_create(user=alice, name="notebook")

    response = alice_client.post(f"/account/api-tokens/{token.pk}/revoke/", follow=True)

    assert response.redirect_chain == [("/account/api-tokens/", 302)]
    assert "The token “notebook” is revoked." in response.content.decode()
    assert api_token_authenticate(key=key) is None


def test_revoking_someone_elses_token_is_403_and_leaves_it_working(alice_client):
    bob = User.objects.create_user("bob", "bob@example.jp", "pw-for-tests-only")
    token, key = api_token_create(user=bob, name="bob's script")

    response = alice_client.post(f"/account/api-tokens/{token.pk}/revoke/")

    assert response.status_code == 403
    assert "You may revoke only your own tokens." in response.content.decode()
    assert api_token_authenticate(key=key) == bob


def test_revoking_needs_a_post(alice_client, alice):
    token, key = api_token_create(user=alice, name="notebook")

    response = alice_client.get(f"/account/api-tokens/{token.pk}/revoke/")

    assert response.status_code == 405
    assert api_token_authenticate(key=key) == alice


# --- inbox --------------------------------------------------------------------------------------------------
def test_the_inbox_shows_the_users_notifications_and_the_unread_count(alice_client, alice):
    bob = User.objects.create_user("bob", "bob@example.jp", "pw-for-tests-only")
    notification_send(recipients=[alice], subject="予算が更新されました")
    notification_send(recipients=[alice], subject="新しい公募")
    notification_send(recipients=[bob], subject="bob only")

    content = alice_client.get("/inbox/").content.decode()

    assert "予算が更新されました" in content
    assert "新しい公募" in content
    assert "bob only" not in content
    assert '<span class="badge" id="unread-count">2</span>' in content


def test_marking_one_notification_read_from_the_inbox(alice_client, alice):
    [first] = notification_send(recipients=[alice], subject="one")
    notification_send(recipients=[alice], subject="two")

    response = alice_client.post("/inbox/read/", {"id": [first.pk]})

    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    assert list(
        Notification.objects.filter(recipient=alice, read_at__isnull=True).values_list("subject", flat=True)
    ) == ["two"]


def test_marking_all_read_from_the_inbox_with_htmx(alice_client, alice):
    notification_send(recipients=[alice], subject="one")
    notification_send(recipients=[alice], subject="two")

    response = alice_client.post("/inbox/read/", headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


# --- organisations ------------------------------------------------------------------------------------------
def test_the_organisation_list_filters_by_name_and_kind(alice_client, demo_data):
    response = alice_client.get("/organisations/?q=Hokkaido")
    assert [o.name for o in response.context["filter"].qs] == ["北海道大学"]

    response = alice_client.get("/organisations/?kind=biobank")
    assert sorted(o.name for o in response.context["filter"].qs) == sorted(
        ["バイオバンク・ジャパン", "東北メディカル・メガバンク", "ナショナルセンターバイオバンクネットワーク"]
    )


def test_the_organisation_page_shows_its_sharing_institutions_and_people(alice_client, demo_data):
    from kiban.core.models import Organisation

    hokkaido = Organisation.objects.get(name="北海道大学")
    kyoto = Organisation.objects.get(name="京都大学")

    content = alice_client.get(f"/organisations/{hokkaido.pk}/").content.decode()
    assert "Asahikawa Medical University" in content
    assert "Sapporo Medical University" in content

    content = alice_client.get(f"/organisations/{kyoto.pk}/").content.decode()
    assert "山田 花子" in content
    assert "准教授" in content


def test_an_unknown_organisation_is_404(alice_client):
    assert alice_client.get("/organisations/999999/").status_code == 404


# --- attachments --------------------------------------------------------------------------------------------
@pytest.fixture
def programme_attachment(demo_data):
    official = User.objects.get(username="ministry_official")
    programme = Programme.objects.get(code="translational")
    return attachment_create(
        target=programme,
        upload=SimpleUploadedFile("令和3年度予算.pdf", PDF),
        uploaded_by=official,
    )


def test_anonymous_visitors_are_sent_to_log_in_for_an_attachment(client, programme_attachment):
    url = f"/attachments/{programme_attachment.pk}/"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_a_signed_in_user_downloads_a_programme_attachment(client, programme_attachment):
    client.force_login(User.objects.get(username="researcher"))

    response = client.get(f"/attachments/{programme_attachment.pk}/")

    assert response.status_code == 200
    assert downloaded(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E4%BB%A4%E5%92%8C3" in response["Content-Disposition"]


def test_an_unknown_attachment_is_404(alice_client):
    assert alice_client.get("/attachments/999999/").status_code == 404
