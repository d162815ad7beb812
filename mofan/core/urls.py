from django.urls import path

from mofan.core import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
]
