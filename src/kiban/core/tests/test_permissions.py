"""Who may open every core page and API endpoint: one matrix, every role, anonymous refused everywhere."""

from django.core.files.uploadedfile import SimpleUploadedFile

from kiban.core.choices import Role
from kiban.core.models import Organisation, User
from kiban.core.services import attachment_create
from kiban.core.testing import ALL_ROLES, ANONYMOUS, SIGNED_IN, Access, assert_permission_matrix, client_for


def test_every_core_page_and_endpoint_admits_exactly_the_roles_it_names(db):
    # given an organisation with a kept change and an attached file
    kyoto = Organisation.objects.create(name="京都大学", name_en="Kyoto University", kind="translational_hub")
    change = kyoto.history.get()
    uploader = User.objects.create_user("uploader", "uploader@example.jp", "pw-for-tests-only")
    attachment = attachment_create(
        target=kyoto, upload=SimpleUploadedFile("memo.txt", b"memo"), uploaded_by=uploader
    )

    assert_permission_matrix(
        [
            Access("GET", "/", SIGNED_IN),
            Access("GET", "/organisations/", SIGNED_IN),
            Access("GET", f"/organisations/{kyoto.pk}/", SIGNED_IN),
            Access("GET", "/inbox/", SIGNED_IN),
            Access("POST", "/inbox/read/", SIGNED_IN),
            Access("GET", "/audit/", [Role.AUDITOR]),
            Access("GET", f"/audit/core.organisation/{change.history_id}/", [Role.AUDITOR]),
            Access("GET", "/account/api-tokens/", SIGNED_IN),
            Access("POST", "/account/api-tokens/", SIGNED_IN, data={"name": "notebook"}),
            Access("GET", f"/attachments/{attachment.pk}/", SIGNED_IN),
            Access("GET", "/api/me", SIGNED_IN, api=True),
            Access("GET", "/api/notifications", SIGNED_IN, api=True),
            Access(
                "POST",
                "/api/notifications/read",
                SIGNED_IN,
                data={},
                content_type="application/json",
                api=True,
            ),
            Access("GET", "/api/organisations", SIGNED_IN, api=True),
            Access("GET", f"/api/organisations/{kyoto.pk}", SIGNED_IN, api=True),
        ],
        roles=ALL_ROLES,
    )


def test_a_platform_superuser_without_a_role_may_browse_the_audit_trail(db):
    # superusers are not among the matrix roles; the audit trail admits them as well as auditors
    admin = User.objects.create_superuser("admin", "admin@example.jp", "pw-for-tests-only")
    kyoto = Organisation.objects.create(name="京都大学", kind="translational_hub")
    client = client_for(ANONYMOUS)
    client.force_login(admin)

    assert client.get("/audit/").status_code == 200
    assert client.get(f"/audit/core.organisation/{kyoto.history.get().history_id}/").status_code == 200


def test_a_deactivated_auditor_is_refused_the_audit_trail(db):
    client = client_for(Role.AUDITOR)
    User.objects.filter(username=f"user_{Role.AUDITOR}").update(is_active=False)

    response = client.get("/audit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_non_auditor_is_told_why_the_audit_trail_is_closed(db):
    response = client_for(Role.MINISTRY_OFFICIAL).get("/audit/")

    assert response.status_code == 403
    assert "Only auditors may browse the audit trail." in response.content.decode()
