from django.urls import path

from mofan.appraisal.views import rounds, vote

app_name = "appraisal"

urlpatterns = [
    path("", rounds.round_index, name="rounds"),
    path("new/", rounds.round_new, name="round_new"),
    path("vote/", vote.vote, name="vote"),
    path("<int:round_id>/", rounds.round_detail, name="round"),
    path("<int:round_id>/edit/", rounds.round_edit, name="round_edit"),
    path("<int:round_id>/step/", rounds.round_step, name="round_step"),
    path("<int:round_id>/reporters/", rounds.reporters_add, name="reporters_add"),
    path("<int:round_id>/panels/<int:panel_id>/", rounds.panel_update, name="panel_update"),
    path("<int:round_id>/panels/<int:panel_id>/codes/", rounds.codes_issue, name="codes_issue"),
    path("<int:round_id>/codes/export/", rounds.codes_export, name="codes_export"),
    path("<int:round_id>/results/", rounds.results, name="results"),
    path("reporters/<int:reporter_id>/", rounds.reporter_detail, name="reporter"),
    path("reporters/<int:reporter_id>/remove/", rounds.reporter_remove, name="reporter_remove"),
    path("reporters/<int:reporter_id>/report/", rounds.report_upload, name="report_upload"),
    path("reporters/<int:reporter_id>/file/", rounds.report_file, name="report_file"),
    path("reporters/<int:reporter_id>/review/", rounds.reporter_review, name="reporter_review"),
    path(
        "reporters/<int:reporter_id>/rectifications/",
        rounds.rectification_add,
        name="rectification_add",
    ),
    path("rectifications/<int:item_id>/", rounds.rectification_done, name="rectification_done"),
]
