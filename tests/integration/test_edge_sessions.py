"""Issue 11: dashboard sessions live on the server — logout, a password change and disabling a
user end them at once, even for a copied cookie; the cookie carries nothing of the password."""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

import sqlalchemy as sa

from tests.integration.dashboard.pages import logged_in, post_form
from wms.db.models import User
from wms.services import accounts
from wms.services.uow import Actor, execute

ADMIN = Actor("test", kind="system")


def _cookie(client: Any) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value)


def _copy(app: Any, cookie: str) -> Any:
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def _payload(cookie: str) -> dict[str, Any]:
    """What Flask's signed cookie holds (signed, not encrypted: anyone can read it)."""
    data = cookie.split(".")[0] if not cookie.startswith(".") else cookie.split(".")[1]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    if cookie.startswith("."):
        raw = zlib.decompress(raw)
    return json.loads(raw)  # type: ignore[no-any-return]


def test_the_cookie_holds_a_random_session_id_and_nothing_of_the_password(
    app: Any, database: Any, demo: dict[str, Any]
) -> None:
    client = logged_in(app, "supervisor")
    payload = _payload(_cookie(client))
    with database.reading() as s:
        password_hash = s.execute(
            sa.select(User.password_hash).where(User.login == "supervisor")
        ).scalar_one()
    text = json.dumps(payload)
    assert "user_id" not in payload
    assert "pw" not in payload
    for start in range(0, len(password_hash) - 8):
        assert password_hash[start : start + 8] not in text
    assert len(payload["sid"]) >= 40


def test_logout_ends_a_copied_cookie_at_once(app: Any, demo: dict[str, Any]) -> None:
    client = logged_in(app, "supervisor")
    thief = _copy(app, _cookie(client))
    assert thief.get("/floor").status_code == 200
    assert post_form(client, "/logout", {}, page="/floor").status_code == 302
    assert thief.get("/floor").status_code == 302  # back to the login page
    assert thief.get("/api/v1/returns").status_code == 401


def test_a_password_change_ends_every_session(
    app: Any, database: Any, demo: dict[str, Any]
) -> None:
    client = logged_in(app, "supervisor")
    thief = _copy(app, _cookie(client))
    execute(database, accounts.set_password, ADMIN, "supervisor", "another-pass-123")
    assert client.get("/floor").status_code == 302
    assert thief.get("/api/v1/returns").status_code == 401


def test_disabling_a_user_ends_the_session_at_once(
    app: Any, database: Any, demo: dict[str, Any]
) -> None:
    client = logged_in(app, "supervisor")
    execute(database, accounts.set_active, ADMIN, "supervisor", False)
    assert client.get("/floor").status_code == 302
    execute(database, accounts.set_active, ADMIN, "supervisor", True)
    assert client.get("/floor").status_code == 302  # enabling does not revive old sessions
    assert logged_in(app, "supervisor").get("/floor").status_code == 200
