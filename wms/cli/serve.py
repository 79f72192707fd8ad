"""`wms serve`: the development server (production runs gunicorn "wms:create_app()")."""

from __future__ import annotations

import click

from wms.cli.common import settings


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve_cmd(host: str, port: int) -> None:
    """Serve the API and dashboard with Flask's threaded development server."""
    from werkzeug.serving import run_simple

    from wms import create_app

    app = create_app(settings())
    click.echo(f"Returns WMS on http://{host}:{port}  (Ctrl+C to stop)")
    run_simple(host, port, app, threaded=True, use_reloader=False)
