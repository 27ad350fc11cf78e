"""URLs of translational research seeds."""

from django.urls import path, re_path

from . import views

app_name = "seeds"

urlpatterns = [
    path("", views.seed_list, name="list"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", views.seed_export, name="export"),
    path("new/", views.seed_register, name="register"),
    path("dashboard/", views.dashboard, name="dashboard"),
    re_path(
        r"^dashboard/export\.(?P<file_format>csv|xlsx)$", views.dashboard_export, name="dashboard-export"
    ),
    path("dashboard/hubs/<id:hub_id>/", views.dashboard, name="hub-dashboard"),
    re_path(
        r"^dashboard/hubs/(?P<hub_id>[0-9]+)/export\.(?P<file_format>csv|xlsx)$",
        views.dashboard_export,
        name="hub-dashboard-export",
    ),
    path("<id:pk>/", views.seed_detail, name="detail"),
    path("<id:pk>/edit/", views.seed_edit, name="edit"),
    path("<id:pk>/funding/", views.funding_add, name="funding-add"),
    path("<id:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("<id:pk>/milestones/<id:milestone_id>/reached/", views.milestone_achieve, name="milestone-achieve"),
    path("<id:pk>/progress/", views.progress_add, name="progress-add"),
    path("<id:pk>/outcomes/", views.outcome_add, name="outcome-add"),
    path("<id:pk>/interest/", views.interest_add, name="interest-add"),
    path("<id:pk>/ndas/", views.nda_add, name="nda-add"),
    path("<id:pk>/stage-gates/", views.stage_gate_open, name="stage-gate-open"),
]
