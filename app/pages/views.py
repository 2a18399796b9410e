from flask import redirect, render_template

from app.core.static_files import CompressedBlueprint, bytes_response, send_static
from app.pages.pwa import PWA_ROOT, WORKER, service_worker

bp = CompressedBlueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/pages/static",
)

#: Checked for a new version on every load; everything else the worker caches by version.
ALWAYS_FRESH = {"index.html", "sw.js", "manifest.webmanifest"}


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/invite/<token>")
def invitation(token: str):
    # The token stays in the page; the script posts it to the API (lookup, then accept).
    return render_template("invite.html", token=token)


@bp.get("/events/<code>")
def event(code: str):
    """The public event page: what it is, its shifts, the sign-up form."""
    return render_template("event.html", code=code)


@bp.get("/signups/<token>")
def signup(token: str):
    """A sign-up, from the link in its messages: the shift, a calendar file, cancel."""
    return render_template("signup.html", token=token)


@bp.get("/contacts/confirm/<token>")
def confirm_contact(token: str):
    """A new email or phone given on a form, from the link sent to the person's own contact:
    what it is, and a button to confirm it (a link alone changes nothing: mail scanners open
    links)."""
    return render_template("contact_confirm.html", token=token)


@bp.get("/volunteer/<slug>")
def volunteer(slug: str):
    """The campaign's open volunteer sign-up form."""
    return render_template("volunteer_signup.html", slug=slug)


@bp.get("/join/<code>")
def join(code: str):
    """A volunteer invite link: what it offers (a team, a shift, a walk list), then the form.
    (Not ``invite.html``: that page is for account invitations.)"""
    return render_template("volunteer_join.html", code=code)


@bp.get("/claim/<code>")
def claim(code: str):
    """The walk sheet's QR code: open the canvassing app on this list's code."""
    return redirect(f"/app/#/claim/{code}")


@bp.get("/app")
@bp.get("/app/")
@bp.get("/app/<path:name>")
def pwa(name: str = "index.html"):
    if name == WORKER:
        # Made from the files (pwa.py); sent as is: browsers compare it byte for byte.
        source, version = service_worker()
        return bytes_response(source.encode(), "text/javascript", f"sw-{version}",
                              cache_control="no-cache")  # fmt: skip
    return send_static(PWA_ROOT, name, cache_control="no-cache" if name in ALWAYS_FRESH else None)
