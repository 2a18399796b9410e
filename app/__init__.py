"""Doorstep: the Flask application factory."""

from __future__ import annotations

import gc
import importlib
from typing import Any

from flask import Flask

from app.config import PROJECT_ROOT, finish_config, load_config
from app.core.proxies import TrustedProxies

__all__ = ["PROJECT_ROOT", "create_app"]

# The modules that connect receivers of app.core.signals or register periodic tasks
# (app.core.tasks). They do so when imported; create_app imports them all so the web app, the
# CLI and the worker react alike (tests/core/test_layers.py checks the list is complete).
CONNECTED_MODULES = (
    "app.audit.context",
    "app.auth.tokens",
    "app.outreach.operations",
    "app.voters.operations",
    "app.events.merging",
    "app.donations.merging",
    "app.volunteers.operations",
    "app.volunteers.profiles",
    "app.people.sms",
    "app.people.consent",
    "app.events.reminders",
    "app.imports.uploads",
    "app.auth.cleanup",
    "app.backups.schedule",
    "app.fundraising.receipts",
    "app.fundraising.pledges",
    "app.fundraising.best_efforts",
    "app.fundraising.merging",
    "app.fundraising.cures",
    "app.texting.inbound",
    "app.texting.broadcast",
    "app.texting.merging",
    "app.automation.triggers",
    "app.automation.engine",
    "app.automation.merging",
    "app.phones.sync",
    "app.phones.merging",
    "app.mailings.sending",
    "app.webhooks.receivers",
    "app.webhooks.delivery",
    "app.webhooks.retention",
    "app.links.operations",
    "app.dashboards.weekly",
    "app.mail.operations",
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: bind extensions, register blueprints. No SQL runs here."""
    from app.core.errors import register_error_handlers
    from app.core.http import init_http
    from app.core.jsonbody import DoorstepJSONProvider
    from app.core.logging import configure_logging
    from app.extensions import api, cors, db, jwt, migrate

    app = Flask(__name__, static_folder=None)
    app.json = DoorstepJSONProvider(app)
    settings = load_config()
    settings.update(config or {})
    app.config.update(finish_config(settings))
    if not app.testing:
        configure_logging(app.config["DOORSTEP_LOG_FORMAT"], app.config["DOORSTEP_LOG_LEVEL"])
    if app.config["DOORSTEP_TRUSTED_PROXY_NETWORKS"]:
        app.wsgi_app = TrustedProxies(app.wsgi_app, app.config["DOORSTEP_TRUSTED_PROXY_NETWORKS"])

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    jwt.init_app(app)
    cors.init_app(
        app,
        resources={r"/api/*": {"origins": app.config["DOORSTEP_CORS_ORIGINS"]}},
        expose_headers=["X-Request-ID", "Retry-After"],
    )
    api.init_app(app)
    register_error_handlers(app)
    init_http(app)

    from app.auth.tokens import init_tokens

    init_tokens(jwt)
    _register_blueprints(app, api)
    for module in CONNECTED_MODULES:
        importlib.import_module(module)
    if not app.testing:
        # What is built so far (modules, models, schemas) lives as long as the process: the
        # cyclic garbage collector stops walking it. Its full passes took 170 ms, one request
        # in ten or so, on a dashboard's 9,000 rows (bench/dashboard.py's p95).
        gc.collect()
        gc.freeze()
    return app


def _register_blueprints(app: Flask, api) -> None:
    from app.accounts.views import blp as accounts_blp
    from app.apikeys.views import blp as api_keys_blp
    from app.areas.views import blp as areas_blp
    from app.audit.views import blp as audit_blp
    from app.auth.views import blp as auth_blp
    from app.automation.views import blp as automation_blp
    from app.canvass.views import blp as canvass_blp
    from app.console.views import bp as console_bp
    from app.dashboards.views import blp as dashboards_blp
    from app.donations.views import blp as donations_blp
    from app.donations.webhook_views import blp as donation_webhooks_blp
    from app.events.views import blp as events_blp
    from app.fundraising.views import blp as fundraising_blp
    from app.health.views import blp as health_blp
    from app.imports.views import blp as imports_blp
    from app.links.views import blp as links_blp
    from app.links.views import pages as links_pages_bp
    from app.mail.views import blp as mail_blp
    from app.mail.views import pages as mail_pages_bp
    from app.mailings.pages import bp as mailings_pages_bp
    from app.mailings.views import blp as mailings_blp
    from app.osdi.views import blp as osdi_blp
    from app.outreach.views import blp as push_blp
    from app.pages.views import bp as pages_bp
    from app.paper.views import blp as paper_blp
    from app.people.views import blp as people_blp
    from app.phones.views import blp as call_lists_blp
    from app.streets.views import blp as streets_blp
    from app.texting.views import blp as texting_blp
    from app.turfs.views import blp as turfs_blp
    from app.universes.views import blp as universes_blp
    from app.volunteers.views import blp as volunteers_blp
    from app.voters.views import blp as addresses_blp
    from app.walklists.views import blp as walk_lists_blp
    from app.webhooks.views import blp as webhooks_blp

    for blueprint in (
        auth_blp,
        accounts_blp,
        audit_blp,
        health_blp,
        people_blp,
        universes_blp,
        imports_blp,
        areas_blp,
        addresses_blp,
        streets_blp,
        turfs_blp,
        walk_lists_blp,
        canvass_blp,
        call_lists_blp,
        paper_blp,
        push_blp,
        events_blp,
        volunteers_blp,
        donations_blp,
        donation_webhooks_blp,
        fundraising_blp,
        texting_blp,
        automation_blp,
        mailings_blp,
        webhooks_blp,
        api_keys_blp,
        osdi_blp,
        mail_blp,
        links_blp,
        dashboards_blp,
    ):
        api.register_blueprint(blueprint)
    app.register_blueprint(pages_bp)
    app.register_blueprint(mailings_pages_bp)
    app.register_blueprint(mail_pages_bp)
    app.register_blueprint(links_pages_bp)
    app.register_blueprint(console_bp)
