from django.urls import include, path

from mofan.accounts.api import router as accounts_router
from mofan.accounts.urls import app_patterns
from mofan.core.api import api
from mofan.meetings.api import router as meetings_router
from mofan.members.api import router as members_router
from mofan.members.lifecycle_api import router as lifecycle_router
from mofan.orgs.api import router as orgs_router
from mofan.plans.api import router as plans_router

api.add_router("", accounts_router)
api.add_router("", orgs_router)
api.add_router("", members_router)
api.add_router("", lifecycle_router)
api.add_router("", meetings_router)
api.add_router("", plans_router)

urlpatterns = [
    path("", include("mofan.core.urls")),
    path("accounts/", include("mofan.accounts.urls")),
    path("accounts/", include((app_patterns, "accounts"))),
    path("orgs/", include("mofan.orgs.urls")),
    path("members/", include("mofan.members.urls")),
    path("meetings/", include("mofan.meetings.urls")),
    path("plans/", include("mofan.plans.urls")),
    path("notifications/", include("mofan.notifications.urls")),
    path("api/v1/", api.urls),
]
