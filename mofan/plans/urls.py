from django.urls import path

from mofan.plans import supervision_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_index, name="plans"),
    path("new/", views.plan_new, name="plan_new"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:plan_id>/", views.plan_detail, name="plan"),
    path("<int:plan_id>/items/", views.item_add, name="item_add"),
    path("<int:plan_id>/tasks/new/", views.task_new, name="task_new"),
    path("<int:plan_id>/export/", views.plan_export, name="plan_export"),
    path("<int:plan_id>/import/", views.plan_import, name="plan_import"),
    path("tasks/", views.task_index, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/split/", views.task_split, name="task_split"),
    path("tasks/<int:task_id>/report/", views.task_report, name="task_report"),
    path("tasks/<int:task_id>/<slug:decision>/", views.task_decide, name="task_decide"),
    path("evidence/<int:evidence_id>/", views.evidence, name="evidence"),
    path("weekly/", supervision_views.weekly_index, name="weekly_list"),
    path("weekly/new/<int:org_id>/", supervision_views.weekly_new, name="weekly_new"),
    path("weekly/<int:meeting_id>/", supervision_views.weekly_detail, name="weekly"),
    path("monthly/", supervision_views.monthly, name="monthly"),
    path("supervision/", supervision_views.supervision_index, name="supervision"),
    path(
        "supervision/files/<int:file_id>/",
        supervision_views.feedback_file,
        name="feedback_file",
    ),
    path("supervision/new/", supervision_views.instruction_new, name="instruction_new"),
    path(
        "supervision/<int:instruction_id>/",
        supervision_views.instruction_detail,
        name="instruction",
    ),
    path(
        "supervision/assignments/<int:assignment_id>/<slug:action>/",
        supervision_views.assignment_act,
        name="assignment_act",
    ),
]
