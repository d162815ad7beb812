"""The REST API at /api/v1/: the shared NinjaAPI with every module's router, mounted once."""

from mofan.accounts.api import router as accounts_router
from mofan.appraisal.api import router as appraisal_router
from mofan.assessment.api import router as assessment_router
from mofan.brands.api import router as brands_router
from mofan.core.api import api
from mofan.core.jobs_api import router as jobs_router
from mofan.meetings.api import router as meetings_router
from mofan.members.api import router as members_router
from mofan.members.dues_api import router as dues_router
from mofan.members.lifecycle_api import router as lifecycle_router
from mofan.orgs.api import router as orgs_router
from mofan.plans.api import router as plans_router

for router in (
    jobs_router,
    accounts_router,
    orgs_router,
    members_router,
    dues_router,
    lifecycle_router,
    meetings_router,
    plans_router,
    assessment_router,
    appraisal_router,
    brands_router,
):
    api.add_router("", router)
