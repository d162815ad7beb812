from django.urls import path

from mofan.members import views

app_name = "members"
urlpatterns = [
    path("", views.member_index, name="list"),
    path("new/", views.create, name="create"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_roster, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("birthdays/", views.birthdays, name="birthdays"),
    path("<int:member_id>/", views.detail, name="detail"),
    path("<int:member_id>/edit/", views.edit, name="edit"),
    path("<int:member_id>/reveal/", views.reveal, name="reveal"),
]
