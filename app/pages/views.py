from flask import Blueprint, render_template

bp = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/pages/static",
)


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/invite/<token>")
def invitation(token: str):
    # The token stays in the page; the script posts it to the API (lookup, then accept).
    return render_template("invite.html", token=token)


@bp.get("/claim/<code>")
def claim(code: str):
    # The code a walk sheet's QR code carries; the script signs in and claims the list.
    return render_template("claim.html", code=code)
