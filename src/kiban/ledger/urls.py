"""URLs of the ledger: accounts and invoices."""

from django.urls import path, re_path

from . import views

app_name = "ledger"

urlpatterns = [
    path("", views.ledger_home, name="home"),
    path("accounts/<id:pk>/", views.account_detail, name="account"),
    path("invoices/<id:pk>/", views.invoice_detail, name="invoice"),
    re_path(
        r"^invoices/(?P<pk>\d+)/export\.(?P<file_format>csv|xlsx)$",
        views.invoice_export,
        name="invoice-export",
    ),
]
