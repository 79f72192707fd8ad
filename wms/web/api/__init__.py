"""The JSON API for stations and integrations, under /api/v1."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Route modules register themselves on `bp` when imported.
from wms.web.api import (  # noqa: E402,F401
    billing,
    clips,
    offers,
    openapi,
    returns,
    stations,
    stock,
)
