"""URLs of shared facilities."""

from django.urls import path, re_path

from . import views

app_name = "facilities"

urlpatterns = [
    path("cryo-em/", views.cryo_em_network, name="cryo-em"),
    path("instruments/", views.instrument_list, name="instruments"),
    path("instruments/<id:pk>/", views.instrument_detail, name="instrument"),
    path("instruments/<id:pk>/book/", views.booking_create, name="book"),
    path("instruments/<id:pk>/blocks/", views.block_add, name="block-add"),
    path("instruments/<id:pk>/company-slots/", views.company_slot_add, name="company-slot-add"),
    path("instruments/<id:pk>/qualifications/", views.qualification_add, name="qualification-add"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/<id:pk>/", views.project_detail, name="project"),
    path("projects/<id:pk>/samples/", views.sample_add, name="sample-add"),
    path("projects/<id:pk>/samples/<id:sample_pk>/exempt/", views.exemption_grant, name="exemption"),
    re_path(
        r"^projects/(?P<pk>[0-9]{1,12})/(?P<action>submit|accept|reject|start|complete)/$",
        views.project_action,
        name="project-action",
    ),
    path("bookings/", views.my_bookings, name="bookings"),
    path("bookings/<id:pk>/", views.booking_detail, name="booking"),
    path("bookings/<id:pk>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("bookings/<id:pk>/no-show/", views.booking_no_show, name="booking-no-show"),
    path("bookings/<id:pk>/grids/", views.grid_add, name="grid-add"),
    path("bookings/<id:pk>/session/", views.session_add, name="session-add"),
    path("billing/", views.billing, name="billing"),
    re_path(r"^usage\.(?P<file_format>csv|xlsx)$", views.usage_export, name="usage-export"),
    re_path(r"^billing\.(?P<file_format>csv|xlsx)$", views.billing_export, name="billing-export"),
    path("feeds/", views.feed_tokens, name="feeds"),
    re_path(r"^feeds/(?P<token>[A-Za-z0-9_-]{20,64})/mine\.ics$", views.feed, name="feed-mine"),
    re_path(
        r"^feeds/(?P<token>[A-Za-z0-9_-]{20,64})/instruments/(?P<pk>[0-9]{1,12})\.ics$",
        views.feed,
        name="feed-instrument",
    ),
    path("turnaround/", views.dashboard, name="dashboard"),
]
