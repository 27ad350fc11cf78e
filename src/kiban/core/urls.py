"""URLs of the core pages."""

from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<id:pk>/", views.organisation_detail, name="organisation-detail"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox-read"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<str:label>/<id:history_id>/", views.audit_detail, name="audit-detail"),
    path("account/api-tokens/", views.api_tokens, name="api-tokens"),
    path("account/api-tokens/<id:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment-download"),
]
