from django.urls import path

from mofan.meetings import compliance_views, views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_index, name="list"),
    path("new/", views.create, name="create"),
    path("calendar/", views.calendar, name="calendar"),
    path("compliance/", compliance_views.matrix, name="compliance"),
    path("attendance/", compliance_views.attendance, name="attendance"),
    path("inactive/", compliance_views.inactive, name="inactive"),
    path("appraisals/", compliance_views.appraisals, name="appraisals"),
    path("appraisals/new/", compliance_views.appraisal_new, name="appraisal_new"),
    path("appraisals/<int:round_id>/", compliance_views.appraisal_detail, name="appraisal"),
    path("terms/", compliance_views.terms, name="terms"),
    path("terms/<int:org_id>/election/", compliance_views.election_new, name="election_new"),
    path("elections/<int:election_id>/", compliance_views.election_detail, name="election"),
    path("attachments/<int:attachment_id>/", views.download, name="download"),
    path("attachments/<int:attachment_id>/remove/", views.detach, name="detach"),
    path("<int:meeting_id>/", views.detail, name="detail"),
    path("<int:meeting_id>/edit/", views.edit, name="edit"),
    path("<int:meeting_id>/cancel/", views.cancel, name="cancel"),
    path("<int:meeting_id>/attachments/", views.attach, name="attach"),
]
