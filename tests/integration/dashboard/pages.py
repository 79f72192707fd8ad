"""Driving the dashboard pages with Flask's test client: CSRF tokens, logins."""

from __future__ import annotations

import re
from typing import Any

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASSWORDS = {
    "supervisor": "supervisor-demo",
    "admin": "admin-demo-pass",
    "altyn": "altyn-demo-pass",
    "koktem": "koktem-demo-pass",
}


def csrf(client: Any, url: str = "/login") -> str:
    """A CSRF token of the client's session, taken from a page's form."""
    page = client.get(url)
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def login(client: Any, user: str, password: str | None = None) -> Any:
    """Log in through the form; returns the response."""
    return client.post(
        "/login",
        data={
            "csrf_token": csrf(client),
            "login": user,
            "password": password if password is not None else PASSWORDS[user],
        },
    )


def logged_in(app: Any, user: str) -> Any:
    """A test client logged in as a demo user."""
    client = app.test_client()
    answer = login(client, user)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return client


def post_form(client: Any, url: str, data: dict[str, Any], page: str = "/decisions") -> Any:
    """Post a form with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf(client, page), **data})
