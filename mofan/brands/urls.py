from django.urls import path

from mofan.brands.views import applications, brands, calls

app_name = "brands"

urlpatterns = [
    path("", calls.index, name="index"),
    path("calls/new/", calls.call_new, name="call_new"),
    path("calls/<int:call_id>/", calls.call_detail, name="call"),
    path("calls/<int:call_id>/edit/", calls.call_edit, name="call_edit"),
    path("calls/<int:call_id>/close/", calls.call_close, name="call_close"),
    path("calls/<int:call_id>/apply/", applications.application_new, name="application_new"),
    path("applications/", applications.queue, name="queue"),
    path("applications/<int:application_id>/", applications.application_detail, name="application"),
    path(
        "applications/<int:application_id>/edit/",
        applications.application_edit,
        name="application_edit",
    ),
    path(
        "applications/<int:application_id>/step/",
        applications.application_step,
        name="application_step",
    ),
    path(
        "applications/files/<int:file_id>/", applications.application_file, name="application_file"
    ),
    path("recognised/", calls.recognised, name="recognised"),
    path("brands/", brands.brand_queue, name="brands"),
    path("brands/new/", brands.brand_new, name="brand_new"),
    path("brands/<int:brand_id>/", brands.brand_detail, name="brand"),
    path("brands/<int:brand_id>/edit/", brands.brand_edit, name="brand_edit"),
    path("brands/<int:brand_id>/step/", brands.brand_step, name="brand_step"),
    path("brands/files/<int:file_id>/", brands.brand_file, name="brand_file"),
    path("batches/", brands.batches, name="batches"),
    path("showcase/", brands.showcase_page, name="showcase"),
]
