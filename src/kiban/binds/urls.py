"""URLs of BINDS support applications (S3)."""

from django.urls import path, re_path

from . import views

app_name = "binds"

item = "applications/<id:pk>/items/<id:item_pk>/"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("units/<slug:code>/", views.unit_detail, name="unit-detail"),
    path("menu/<slug:code>/", views.menu_detail, name="menu-detail"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_start, name="application-start"),
    path("applications/<id:pk>/", views.application_detail, name="application-detail"),
    path("applications/<id:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<id:pk>/items/", views.item_add, name="item-add"),
    path(item + "remove/", views.item_remove, name="item-remove"),
    path(item + "move/", views.item_move, name="item-move"),
    path(item + "route/", views.item_route, name="item-route"),
    path(item + "screen/", views.item_screen, name="item-screen"),
    path(item + "plan/", views.task_plan, name="task-plan"),
    path(item + "start/", views.task_start, name="task-start"),
    path(item + "finish/", views.task_finish, name="task-finish"),
    path(item + "facility-project/", views.facility_project_open, name="facility-project-open"),
    path("applications/<id:pk>/submit/", views.application_submit, name="application-submit"),
    path("applications/<id:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("applications/<id:pk>/return/", views.application_return, name="application-return"),
    path("applications/<id:pk>/messages/", views.message_post, name="message-post"),
    path("applications/<id:pk>/reports/", views.report_add, name="report-add"),
    path("applications/<id:pk>/outcomes/", views.outcome_add, name="outcome-add"),
    path("dashboard/", views.dashboard, name="dashboard"),
    re_path(
        r"^dashboard/export\.(?P<file_format>csv|xlsx)$", views.dashboard_export, name="dashboard-export"
    ),
]
