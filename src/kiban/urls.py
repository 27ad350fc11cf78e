"""The platform's URL map: pages per app, the API under /api/, accounts, language switch, admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kiban.api import api
from kiban.core import views as core_views
from kiban.core.throttle import ThrottledPasswordResetForm

urlpatterns = [
    path("", core_views.home, name="home"),
    path("", include("kiban.core.urls")),
    path("programmes/", include("kiban.programmes.urls")),
    path("facilities/", include("kiban.facilities.urls")),
    path("genome/", include("kiban.genome.urls")),
    path("sequencing/", include("kiban.sequencing.urls")),
    path("reviews/", include("kiban.reviews.urls")),
    path("seeds/", include("kiban.seeds.urls")),
    path("certification/", include("kiban.certification.urls")),
    path("binds/", include("kiban.binds.urls")),
    path("ledger/", include("kiban.ledger.urls")),
    path("biobank/requests/", include("kiban.biobank_access.urls")),
    path("biobank/analysis-calls/", include("kiban.analysis_funding.urls")),
    path("biobank/", include("kiban.biobank.urls")),
    path("bioresources/", include("kiban.bioresources.urls")),
    path(  # before the stock URLs: reset e-mails are rate-limited
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=ThrottledPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler500 = "kiban.core.views.server_error"
