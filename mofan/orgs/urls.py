from django.urls import path

from mofan.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("list/", views.org_index, name="list"),
    path("import/", views.import_orgs, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:rule_id>/edit/", views.rule_edit, name="rule_edit"),
    path("committee/<int:seat_id>/remove/", views.committee_remove, name="committee_remove"),
    path("committee/<int:seat_id>/link/", views.committee_link, name="committee_link"),
    path("<int:org_id>/", views.detail, name="detail"),
    path("<int:org_id>/children/", views.children, name="children"),
    path("<int:org_id>/new/", views.create, name="create"),
    path("<int:org_id>/edit/", views.edit, name="edit"),
    path("<int:org_id>/move/", views.move, name="move"),
    path("<int:org_id>/dissolve/", views.dissolve, name="dissolve"),
    path("<int:org_id>/committee/add/", views.committee_add, name="committee_add"),
    path("<int:org_id>/export.xlsx", views.export, name="export"),
    path("<int:org_id>/health/", views.health, name="health"),
]
