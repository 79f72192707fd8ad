"""`wms serve`: the development server (production runs gunicorn "wms:create_app()")."""

from __future__ import annotations

import click

from wms.cli.common import settings


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--with-sandboxes",
    is_flag=True,
    help="Also run the Kaspi, Wildberries and Ozon sandboxes (seeded from the database) and a "
    "sync worker, so the demo's stock syncs.",
)
def serve_cmd(host: str, port: int, with_sandboxes: bool) -> None:
    """Serve the API and dashboard with Flask's threaded development server."""
    from werkzeug.serving import run_simple

    from wms import create_app

    app = create_app(settings())
    stack = None
    if with_sandboxes:
        from wms.jobs import demo_stack

        context = app.extensions["wms"]
        local = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        stack = demo_stack.start(context.db, context.settings, f"http://{local}:{port}", click.echo)
    click.echo(f"Returns WMS on http://{host}:{port}  (Ctrl+C to stop)")
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if stack is not None:
            stack.stop()
