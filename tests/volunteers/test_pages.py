"""The public volunteer pages are served (no sign-in) and leave the account invite page be."""

from __future__ import annotations


def test_the_volunteer_pages_are_served(client, org):
    page = client.get(f"/volunteer/{org.slug}")
    assert page.status_code == 200
    assert f'data-slug="{org.slug}"' in page.text and "volunteers.js" in page.text
    join = client.get("/join/K7QM2XPD")
    assert join.status_code == 200
    assert 'data-code="K7QM2XPD"' in join.text and 'id="volunteer"' in join.text
    script = client.get("/pages/static/volunteers.js")
    assert script.status_code == 200 and "/api/v1/public/invites/" in script.text
    script.close()


def test_the_account_invitation_page_is_untouched(client):
    page = client.get("/invite/some-token")
    assert page.status_code == 200 and "invite.js" in page.text
