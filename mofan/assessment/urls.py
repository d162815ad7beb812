from django.urls import include, path

from mofan.assessment.views import documents, evidence, naming, rounds, schemes

app_name = "assessment"

urlpatterns = [
    path("", include(documents.urlpatterns)),
    path("", schemes.scheme_index, name="schemes"),
    path("new/", schemes.scheme_new, name="scheme_new"),
    path("<int:scheme_id>/", schemes.scheme_detail, name="scheme"),
    path("<int:scheme_id>/areas/", schemes.area_add, name="area_add"),
    path("<int:scheme_id>/items/new/", schemes.item_add, name="item_add"),
    path("<int:scheme_id>/grades/", schemes.grades, name="grades"),
    path("<int:scheme_id>/publish/", schemes.publish, name="publish"),
    path("<int:scheme_id>/new-version/", schemes.new_version, name="new_version"),
    path("<int:scheme_id>/rounds/new/", rounds.round_new, name="round_new"),
    path("indicators/<int:indicator_id>/", schemes.item_edit, name="item_edit"),
    path("indicators/<int:indicator_id>/delete/", schemes.item_delete, name="item_delete"),
    path("categories/", schemes.categories, name="categories"),
    path("categories/place/", schemes.place_units, name="place_units"),
    path("rounds/", rounds.round_index, name="rounds"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round"),
    path("rounds/<int:round_id>/step/", rounds.round_step, name="round_step"),
    path("rounds/<int:round_id>/export/", rounds.round_export, name="round_export"),
    path("rounds/<int:round_id>/naming/", naming.round_naming, name="round_naming"),
    path("rounds/<int:round_id>/submit/", evidence.submit, name="self_submit"),
    path(
        "rounds/<int:round_id>/<int:indicator_id>/evidence/",
        evidence.upload,
        name="evidence_upload",
    ),
    path("evidence/<int:evidence_id>/", evidence.download, name="evidence"),
    path("evidence/<int:evidence_id>/delete/", evidence.remove, name="evidence_remove"),
    path("honours/", naming.honours, name="honours"),
    path("honours/model-organs/", naming.model_organs, name="model_organs"),
    path("honours/<int:honour_id>/revoke/", naming.revoke, name="revoke"),
    path("rounds/<int:round_id>/<int:indicator_id>/self/", rounds.self_assess, name="self_assess"),
    path("rounds/<int:round_id>/<int:indicator_id>/review/", rounds.review, name="review"),
    path("rounds/<int:round_id>/<int:indicator_id>/adjust/", rounds.adjust, name="adjust"),
    path("rounds/<int:round_id>/<int:indicator_id>/finding/", rounds.finding, name="finding"),
    path("rounds/<int:round_id>/<int:indicator_id>/objection/", rounds.objection, name="objection"),
    path(
        "rounds/<int:round_id>/objections/<int:objection_id>/answer/",
        rounds.objection_answer,
        name="objection_answer",
    ),
]
