from django.urls import include, path

from mofan.accounts.urls import app_patterns
from mofan.site import views
from mofan.site.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("", include("mofan.core.urls")),
    path("accounts/", include("mofan.accounts.urls")),
    path("accounts/", include((app_patterns, "accounts"))),
    path("orgs/", include("mofan.orgs.urls")),
    path("members/", include("mofan.members.urls")),
    path("meetings/", include("mofan.meetings.urls")),
    path("plans/", include("mofan.plans.urls")),
    path("assessment/", include("mofan.assessment.urls")),
    path("appraisal/", include("mofan.appraisal.urls")),
    path("brands/", include("mofan.brands.urls")),
    path("notifications/", include("mofan.notifications.urls")),
    path("api/v1/", api.urls),
]
