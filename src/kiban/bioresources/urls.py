"""URLs of the national bioresource catalogue (S7)."""

from django.urls import path, re_path

from . import views

app_name = "bioresources"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", views.catalogue_export, name="export"),
    path("resources/<id:pk>/", views.resource_detail, name="resource"),
    path("resources/<id:pk>/cart/", views.cart_add, name="cart-add"),
    path("resources/<id:pk>/lots/", views.lot_create, name="lot-create"),
    path("resources/<id:pk>/availability/", views.resource_availability, name="availability"),
    path("cart/", views.cart, name="cart"),
    path("cart/<id:pk>/remove/", views.cart_remove, name="cart-remove"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<id:pk>/", views.order_detail, name="order"),
    path("orders/<id:pk>/lines/<id:line_pk>/mta/", views.mta_accept, name="mta-accept"),
    path("orders/<id:pk>/lines/<id:line_pk>/paper/", views.order_paper, name="paper"),
    path("orders/<id:pk>/facility/", views.order_facility, name="order-facility"),
    path("orders/<id:pk>/submit/", views.order_submit, name="order-submit"),
    path("orders/<id:pk>/withdraw/", views.order_withdraw, name="order-withdraw"),
    re_path(
        r"^orders/(?P<pk>[0-9]{1,18})/(?P<decision>accept|decline|return)/$",
        views.order_decide,
        name="order-decide",
    ),
    path("orders/<id:pk>/pack/", views.order_pack, name="order-pack"),
    path("orders/<id:pk>/ship/", views.order_ship, name="order-ship"),
    path("orders/<id:pk>/receive/", views.order_receive, name="order-receive"),
    path("orders/<id:pk>/packing-list/", views.packing_list, name="packing-list"),
    path("facilities/", views.facilities, name="facilities"),
    path("centre/", views.centre_desk, name="centre"),
    path("lots/<id:pk>/qc/", views.qc_record, name="qc-record"),
    path("depositor/", views.depositor_requests, name="depositor"),
    path("depositor/lines/<id:pk>/", views.depositor_decide, name="depositor-decide"),
    path("deposits/", views.deposit_list, name="deposits"),
    path("deposits/new/", views.deposit_new, name="deposit-new"),
    path("deposits/<id:pk>/", views.deposit_detail, name="deposit"),
    re_path(
        r"^deposits/(?P<pk>[0-9]{1,18})/(?P<action>submit|screen|return|accept|decline)/$",
        views.deposit_action,
        name="deposit-action",
    ),
    path("statistics/", views.statistics_page, name="statistics"),
    re_path(
        r"^statistics/export\.(?P<file_format>csv|xlsx)$", views.statistics_export, name="statistics-export"
    ),
]
