from mofan.core.models import AuditLog

WRONG_LOGIN = "用户名或密码不正确"


def test_it_logs_in_with_username_and_password(client, users, password, attempt_login):
    response = attempt_login("secretary", password)

    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_it_records_a_successful_login(users, password, attempt_login, audit_records):
    attempt_login("secretary", password)

    record = audit_records("login.success").get()
    assert record.user == users.secretary
    assert record.ip == "127.0.0.1"


def test_it_follows_next_after_login(users, password, client):
    response = client.post(
        "/accounts/login/?next=/accounts/me/",
        {"username": "secretary", "password": password, "next": "/accounts/me/"},
    )

    assert response.status_code == 302
    assert response.url == "/accounts/me/"


def test_it_refuses_a_wrong_password_in_chinese(client, users, attempt_login, audit_records):
    response = attempt_login("secretary", "Wrong@Pass1")

    assert response.status_code == 200
    assert WRONG_LOGIN in response.content.decode()
    assert "_auth_user_id" not in client.session
    record = audit_records("login.failure").get()
    assert record.username == "secretary"
    assert record.user is None


def test_it_refuses_an_unknown_username(client, users, attempt_login, audit_records):
    response = attempt_login("nobody", "Wrong@Pass1")

    assert WRONG_LOGIN in response.content.decode()
    assert audit_records("login.failure", username="nobody").exists()


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get("/accounts/me/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_it_shows_the_login_page_in_chinese(client, db):
    response = client.get("/accounts/login/")

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in body
    assert 'name="password"' in body
    assert "用户名" in body


def test_it_logs_out(client, users, password, attempt_login, audit_records):
    attempt_login("secretary", password)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert client.get("/").status_code == 302
    assert audit_records("logout", user=users.secretary).exists()


def test_it_refuses_a_disabled_user(client, users, password, attempt_login):
    users.secretary.is_active = False
    users.secretary.save()

    response = attempt_login("secretary", password)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert not AuditLog.objects.filter(action="login.success").exists()
