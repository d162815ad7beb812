from django.urls import path

from mofan.members import development_views, dues_views, lifecycle_views, login_views, views

app_name = "members"
urlpatterns = [
    path("", views.member_index, name="list"),
    path("new/", views.create, name="create"),
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_roster, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("birthdays/", views.birthdays, name="birthdays"),
    path("development/", development_views.ledger, name="development"),
    path("development/new/", development_views.apply, name="candidate_new"),
    path("development/rules/", development_views.rules, name="development_rules"),
    path(
        "development/rules/<int:rule_id>/edit/",
        development_views.rule_edit,
        name="development_rule_edit",
    ),
    path("development/<int:candidate_id>/", development_views.candidate_detail, name="candidate"),
    path(
        "development/<int:candidate_id>/stop/",
        development_views.candidate_stop,
        name="candidate_stop",
    ),
    path("dues/", dues_views.ledger, name="dues"),
    path("dues/pay-all/", dues_views.pay_all, name="dues_pay_all"),
    path("dues/summary/", dues_views.summary, name="dues_summary"),
    path("<int:member_id>/dues/pay/", dues_views.pay, name="dues_pay"),
    path("<int:member_id>/dues/approve/", dues_views.approve, name="dues_approve"),
    path("logins/", login_views.login_sheets, name="logins"),
    path("logins/new/", login_views.logins_new, name="logins_new"),
    path("logins/rule/", login_views.login_rule, name="login_rule"),
    path("logins/<int:sheet_id>/", login_views.login_sheet, name="login_sheet"),
    path(
        "logins/<int:sheet_id>/download/",
        login_views.login_sheet_download,
        name="login_sheet_download",
    ),
    path("corrections/", login_views.correction_index, name="corrections"),
    path(
        "corrections/<int:correction_id>/<slug:answer>/",
        login_views.correction_answer,
        name="correction_answer",
    ),
    path("<int:member_id>/correction/", login_views.correction_new, name="correction_new"),
    path("<int:member_id>/", views.detail, name="detail"),
    path("<int:member_id>/edit/", views.edit, name="edit"),
    path("<int:member_id>/reveal/", views.reveal, name="reveal"),
    path("<int:member_id>/photo/", views.photo, name="photo"),
    path("<int:member_id>/<slug:action>/", lifecycle_views.member_action, name="action"),
    path("transfers/", lifecycle_views.transfers, name="transfers"),
    path(
        "transfers/<int:transfer_id>/<slug:answer>/",
        lifecycle_views.transfer_answer,
        name="transfer_answer",
    ),
]
