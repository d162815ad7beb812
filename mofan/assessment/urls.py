from django.urls import path

from mofan.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.scheme_index, name="schemes"),
    path("new/", views.scheme_new, name="scheme_new"),
    path("<int:scheme_id>/", views.scheme_detail, name="scheme"),
    path("<int:scheme_id>/areas/", views.area_add, name="area_add"),
    path("<int:scheme_id>/items/new/", views.item_add, name="item_add"),
    path("<int:scheme_id>/grades/", views.grades, name="grades"),
    path("<int:scheme_id>/publish/", views.publish, name="publish"),
    path("<int:scheme_id>/new-version/", views.new_version, name="new_version"),
    path("indicators/<int:indicator_id>/", views.item_edit, name="item_edit"),
    path("indicators/<int:indicator_id>/delete/", views.item_delete, name="item_delete"),
    path("categories/", views.categories, name="categories"),
    path("categories/place/", views.place_units, name="place_units"),
]
