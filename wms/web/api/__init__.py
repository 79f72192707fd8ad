"""The JSON API for stations and integrations, under /api/v1."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Route modules register themselves on `bp` when imported.
from wms.web.api import clips, offers, openapi, returns, stations, stock  # noqa: E402,F401
