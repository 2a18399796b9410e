"""The console page; everything it shows comes from the API with the user's token."""

from urllib.parse import urlsplit

from flask import current_app, render_template

from app.core.http import SECURITY_HEADERS
from app.core.static_files import CompressedBlueprint
from app.donations.models import Method
from app.events.models import EventKind, Visibility
from app.events.schemas import ZONES
from app.volunteers.models import Skill

bp = CompressedBlueprint(
    "console",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/console/static",
)


@bp.get("/console")
def console():
    tile_url = current_app.config["DOORSTEP_TILE_URL"]
    response = current_app.make_response(
        render_template(
            "console.html",
            tile_url=tile_url,
            tile_attribution=current_app.config["DOORSTEP_TILE_ATTRIBUTION"],
            # The form's choices are the models' own, so they never fall out of step.
            event_kinds=[kind.value for kind in EventKind],
            visibilities=[visibility.value for visibility in Visibility],
            time_zones=ZONES,
            skills=[skill.value for skill in Skill],
            donation_methods=[method.value for method in Method],
        )
    )
    origin = urlsplit(tile_url.replace("{s}", "a"))
    if origin.scheme == "http":  # https tiles are allowed already; a local http server is not
        policy = SECURITY_HEADERS["Content-Security-Policy"]
        tiles = f"{origin.scheme}://{origin.netloc.replace('a.', '*.', 1)}"
        response.headers["Content-Security-Policy"] = policy.replace(
            "img-src 'self'", f"img-src 'self' {tiles}", 1
        )
    return response
