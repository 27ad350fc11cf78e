"""Core writes: notifications, attachments and API tokens."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kiban.core import selectors
from kiban.core.models import ApiToken, Attachment, Notification, Organisation
from kiban.core.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    attachment_create,
    notification_mark_read,
    notification_send,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="京都大学", name_en="Kyoto University", kind="translational_hub")


# --- notifications ------------------------------------------------------------------------------------------
def test_notification_send_fills_each_inbox_and_mails_each_recipient_once_after_commit(
    alice, bob, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.KIBAN_SITE_URL = "https://kiban.example.jp"

    # when a notification goes to alice (named twice) and bob
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notifications = notification_send(
            recipients=[alice, bob, alice], subject="予算が更新されました", body="FY2021", link="/programmes/"
        )
        # then nothing is mailed before the transaction commits
        assert mailoutbox == []

    # then each has one inbox row and one e-mail with the full link
    assert len(notifications) == 2
    assert len(callbacks) == 2
    assert selectors.inbox(user=alice).count() == 1
    assert selectors.inbox(user=bob).count() == 1
    assert sorted(mail.to[0] for mail in mailoutbox) == ["alice@example.jp", "bob@example.jp"]
    assert all(len(mail.to) == 1 for mail in mailoutbox)
    assert mailoutbox[0].subject == "予算が更新されました"
    assert mailoutbox[0].body == "FY2021\n\nhttps://kiban.example.jp/programmes/"
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_notification_is_never_mailed_twice(alice, django_capture_on_commit_callbacks, mailoutbox):
    from kiban.core.tasks import send_notification_email

    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notification_send(recipients=[alice], subject="Hello")

    # when the mail task runs again for the same notification (a retried worker)
    sent_again = send_notification_email.call(notification.pk)

    assert sent_again is False
    assert len(mailoutbox) == 1


def test_inactive_users_get_neither_an_inbox_row_nor_an_e_mail(
    alice, bob, django_capture_on_commit_callbacks, mailoutbox
):
    bob.is_active = False
    bob.save()

    with django_capture_on_commit_callbacks(execute=True):
        notifications = notification_send(recipients=[alice, bob], subject="Hello")

    assert [n.recipient for n in notifications] == [alice]
    assert Notification.objects.filter(recipient=bob).count() == 0
    assert [mail.to for mail in mailoutbox] == [["alice@example.jp"]]


def test_a_user_without_an_e_mail_address_gets_the_inbox_row_only(
    alice, django_capture_on_commit_callbacks, mailoutbox
):
    alice.email = ""
    alice.save()

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[alice], subject="Hello")

    assert selectors.unread_count(user=alice) == 1
    assert mailoutbox == []


def test_notification_mark_read_touches_only_the_users_own_notifications(alice, bob):
    [alice_first] = notification_send(recipients=[alice], subject="one")
    notification_send(recipients=[alice], subject="two")
    [bob_own] = notification_send(recipients=[bob], subject="bob's")

    # when alice marks her first one and bob's notification read by id
    marked = notification_mark_read(user=alice, notification_ids=[alice_first.pk, bob_own.pk])

    # then only her own one is marked
    assert marked == 1
    assert selectors.unread_count(user=alice) == 1
    assert selectors.unread_count(user=bob) == 1

    # when she marks all
    assert notification_mark_read(user=alice) == 1
    assert selectors.unread_count(user=alice) == 0
    assert selectors.unread_count(user=bob) == 1


# --- attachments --------------------------------------------------------------------------------------------
def test_attachment_create_keeps_a_small_pdf_on_disk_under_media_root(alice, organisation, settings):
    upload = SimpleUploadedFile("予算表 2021.pdf", PDF, content_type="application/pdf")

    attachment = attachment_create(target=organisation, upload=upload, uploaded_by=alice, description="予算")

    digest = hashlib.sha256(PDF).hexdigest()
    stored = Path(settings.MEDIA_ROOT) / f"attachments/{digest[:2]}/{digest}"
    assert stored.read_bytes() == PDF
    assert attachment.file.name == f"attachments/{digest[:2]}/{digest}"
    assert attachment.original_name == "予算表 2021.pdf"
    assert attachment.media_type == "application/pdf"
    assert attachment.size_bytes == len(PDF)
    assert attachment.sha256 == digest
    assert list(selectors.attachments_for(organisation)) == [attachment]
    # the database row holds the file's name, not its bytes
    row = Attachment.objects.values().get(pk=attachment.pk)
    assert not any(isinstance(value, bytes | memoryview) for value in row.values())


def test_attachment_create_keeps_nothing_of_the_uploaders_file_name_on_disk(alice, organisation, settings):
    upload = SimpleUploadedFile("../../etc/evil.pdf", PDF)

    attachment = attachment_create(target=organisation, upload=upload, uploaded_by=alice)

    assert attachment.original_name == "evil.pdf"
    assert "evil" not in attachment.file.name
    assert Path(attachment.file.path).is_relative_to(Path(settings.MEDIA_ROOT))


def test_attachment_create_accepts_a_file_exactly_at_the_limit(alice, organisation, settings):
    settings.KIBAN_ATTACHMENT_MAX_BYTES = 2**20
    content = PDF + b"0" * (2**20 - len(PDF))

    attachment = attachment_create(
        target=organisation, upload=SimpleUploadedFile("a.pdf", content), uploaded_by=alice
    )

    assert attachment.size_bytes == 2**20


def test_attachment_create_accepts_a_long_utf8_csv_cut_inside_a_character_by_the_sample(alice, organisation):
    # the content check reads the first 8 KiB; here that cut falls inside a three-byte character
    content = b"a" + "機関名,金額\n".encode() * 2000
    assert len(content) > 8192

    attachment = attachment_create(
        target=organisation, upload=SimpleUploadedFile("budget.csv", content), uploaded_by=alice
    )

    assert attachment.media_type == "text/csv"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "setup.exe",
            b"MZ\x90\x00",
            "Files of type “.exe” are not accepted. "
            "Accepted types: .pdf, .png, .jpg, .jpeg, .xlsx, .docx, .csv, .txt.",
        ),
        (
            "README",
            b"hello",
            "Files of type “(none)” are not accepted. "
            "Accepted types: .pdf, .png, .jpg, .jpeg, .xlsx, .docx, .csv, .txt.",
        ),
        (
            "budget.pdf",
            b"MZ\x90\x00 not a pdf",
            "The file “budget.pdf” does not contain what its name says (application/pdf).",
        ),
        ("photo.png", PDF, "The file “photo.png” does not contain what its name says (image/png)."),
        (
            "budget.csv",
            "機関名,金額\n京都大学,5223\n".encode("shift_jis"),
            "The file “budget.csv” does not contain what its name says (text/csv).",
        ),
        (
            "notes.txt",
            b"abc\x00def",
            "The file “notes.txt” does not contain what its name says (text/plain).",
        ),
        (
            "cut.txt",
            "予算".encode()[:-1],
            "The file “cut.txt” does not contain what its name says (text/plain).",
        ),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_attachment_create_refuses_files_that_are_not_what_they_claim(
    alice, organisation, settings, name, content, message
):
    with pytest.raises(ValidationError) as error:
        attachment_create(target=organisation, upload=SimpleUploadedFile(name, content), uploaded_by=alice)

    assert error.value.messages == [message]
    assert Attachment.objects.count() == 0
    assert not (Path(settings.MEDIA_ROOT) / "attachments").exists()


def test_attachment_create_refuses_a_file_over_the_limit_with_both_sizes_in_the_message(
    alice, organisation, settings
):
    settings.KIBAN_ATTACHMENT_MAX_BYTES = 2**20
    content = PDF + b"0" * (3 * 2**19 - len(PDF))  # 1.5 MB

    with pytest.raises(ValidationError) as error:
        attachment_create(
            target=organisation, upload=SimpleUploadedFile("big.pdf", content), uploaded_by=alice
        )

    assert error.value.messages == ["The file is 1.5\xa0MB; the limit is 1.0\xa0MB."]
    assert error.value.code == "attachment_size"
    assert Attachment.objects.count() == 0
    assert not (Path(settings.MEDIA_ROOT) / "attachments").exists()


def test_attachment_create_refuses_a_file_one_byte_over_a_small_limit(alice, organisation, settings):
    settings.KIBAN_ATTACHMENT_MAX_BYTES = 100

    with pytest.raises(ValidationError) as error:
        attachment_create(
            target=organisation, upload=SimpleUploadedFile("a.txt", b"x" * 101), uploaded_by=alice
        )

    assert error.value.code == "attachment_size"
    assert Attachment.objects.count() == 0


# --- API tokens ---------------------------------------------------------------------------------------------
def test_api_token_create_returns_the_key_once_and_stores_only_its_hash(alice):
    token, key = api_token_create(user=alice, name="  analysis notebook  ")

    assert key.startswith("kbn_")
    assert len(key) > 40
    assert token.name == "analysis notebook"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.key_hint == key[:8]
    # the key itself is nowhere in the token's row or its history
    stored = ApiToken.objects.values().get(pk=token.pk)
    history = list(ApiToken.history.values())
    assert key not in str(stored)
    assert key not in str(history)


def test_api_token_create_refuses_a_blank_name(alice):
    with pytest.raises(ValidationError) as error:
        api_token_create(user=alice, name="   ")

    assert error.value.messages == ["Give the token a name, so you can tell it apart later."]
    assert ApiToken.objects.count() == 0


def test_api_token_authenticate_finds_the_owner_and_records_the_use(alice):
    token, key = api_token_create(user=alice, name="notebook")
    assert token.last_used_at is None

    assert api_token_authenticate(key=key) == alice

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_use_is_recorded_to_the_minute(alice, django_assert_num_queries):
    """A client making many requests does not write the token row on each of them."""
    token, key = api_token_create(user=alice, name="notebook")
    api_token_authenticate(key=key)
    token.refresh_from_db()
    first_use = token.last_used_at

    with django_assert_num_queries(1):  # the lookup only
        assert api_token_authenticate(key=key) == alice
    token.refresh_from_db()
    assert token.last_used_at == first_use

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    api_token_authenticate(key=key)
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(minutes=2)


def test_a_revoked_token_no_longer_authenticates(alice):
    token, key = api_token_create(user=alice, name="notebook")

    api_token_revoke(token=token)

    assert api_token_authenticate(key=key) is None
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.history.first().history_change_reason == "API token revoked"


def test_revoking_twice_keeps_the_first_revocation_time(alice):
    token, _key = api_token_create(user=alice, name="notebook")
    first = api_token_revoke(token=token).revoked_at

    api_token_revoke(token=ApiToken.objects.get(pk=token.pk))

    token.refresh_from_db()
    assert token.revoked_at == first
    assert token.history.count() == 2  # created, revoked


def test_a_token_of_a_deactivated_user_or_an_unknown_key_does_not_authenticate(alice, bob):
    _token, alice_key = api_token_create(user=alice, name="notebook")
    alice.is_active = False
    alice.save()

    assert api_token_authenticate(key=alice_key) is None
    assert api_token_authenticate(key="kbn_not-a-real-key") is None
    assert api_token_authenticate(key="") is None
