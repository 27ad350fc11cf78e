"""The platform's JSON API: one NinjaAPI mounting every app's router; its shared parts are in core.apikit."""

from ninja import NinjaAPI

from kiban.analysis_funding.api import router as analysis_funding_router
from kiban.binds.api import router as binds_router
from kiban.biobank.api import router as biobank_router
from kiban.biobank_access.api import router as biobank_access_router
from kiban.bioresources.api import router as bioresources_router
from kiban.certification.api import router as certification_router
from kiban.core.api import router as core_router
from kiban.core.apikit import ReadableJSONRenderer, SessionAuth, TokenAuth, install_error_handlers
from kiban.facilities.api import router as facilities_router
from kiban.genome.api import router as genome_router
from kiban.genome.beacon import router as beacon_router
from kiban.programmes.api import router as programmes_router
from kiban.reviews.api import router as reviews_router
from kiban.seeds.api import router as seeds_router

api = NinjaAPI(
    title="Kiban API",
    version="1",
    description="The research-support systems of Japan's life-science infrastructure. "
    "Amounts are integer yen; fiscal years are Japanese (April to March). "
    'Every 4xx answer has the form {"detail": "…", "code": "…"}; '
    "every list answers {count, limit, offset, items}.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    renderer=ReadableJSONRenderer(),
)
install_error_handlers(api)

api.add_router("/", core_router)
api.add_router("/programmes", programmes_router)
api.add_router("/genome", genome_router)
api.add_router("/beacon", beacon_router)
api.add_router("/reviews", reviews_router)
api.add_router("/seeds", seeds_router)
api.add_router("/certification", certification_router)
api.add_router("/facilities", facilities_router)
api.add_router("/binds", binds_router)
api.add_router("/biobank/requests", biobank_access_router)
api.add_router("/biobank/analysis-calls", analysis_funding_router)
api.add_router("/biobank", biobank_router)
api.add_router("/bioresources", bioresources_router)
