"""Returns WMS: the Flask server (`create_app`)."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from wms.db.session import open_database
from wms.services.crypto import SecretBox
from wms.settings import ServerSettings, Settings, load_settings

log = logging.getLogger(__name__)
csrf = CSRFProtect()


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application (production: `gunicorn "wms:create_app()"`)."""
    settings = settings or load_settings()
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config.update(
        SECRET_KEY=settings.server.secret_key,
        MAX_CONTENT_LENGTH=int(settings.storage.max_upload_mb * 1024 * 1024) + 64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.server.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        WTF_CSRF_TIME_LIMIT=None,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if settings.server.secret_key == ServerSettings().secret_key:
        log.warning("server.secret_key is the development default; set a real one in production")

    from wms.domain.kpi import set_warehouse_tz
    from wms.services.accounts import configure_passwords
    from wms.web.context import Wms

    configure_passwords(settings.security)
    set_warehouse_tz(settings.warehouse.tz)
    if settings.metrics.json_logs:
        from wms import logs

        logs.configure(json_logs=True)

    app.extensions["wms"] = Wms(settings, open_database(settings), SecretBox(settings))
    csrf.init_app(app)
    _register_blueprints(app)

    from wms.web.errors import register_error_handlers

    register_error_handlers(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from wms.web import api, edge, feeds, ops, station_page, ui
    from wms.web.auth import PUBLIC, protect

    edge.install(app)  # before the blueprints: their `<int:…>` rules use its converter

    # The API authenticates with bearer tokens; session-cookie callers are CSRF-checked in auth.
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(ui.bp)
    app.register_blueprint(station_page.bp)
    app.register_blueprint(feeds.bp)

    ops.install(app)  # /healthz, /readyz, /metrics and request counting
    # Static files are public by nature; declaring it keeps "every route has a rule" true.
    app.view_functions["static"] = protect(PUBLIC)(app.view_functions["static"])
