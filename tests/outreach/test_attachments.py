"""Files attached to an email of the outbox: multipart/mixed, the body first (text, or text
and HTML), each file in base64 with a name that cannot break its header."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from app.outreach.models import Channel
from app.outreach.operations import queue_message
from app.outreach.senders import Attachment, build_email
from tests.factories import create_organization

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40


def parsed(**kwargs):
    email = build_email(sender="Ada <ada@example.org>", to="pat@example.org", subject="Week",
                        text="Hello", **kwargs)  # fmt: skip
    return message_from_bytes(email.data, policy=policy.default)


def test_text_html_and_two_files_come_back_out_whole():
    message = parsed(html="<p>Hello</p>", attachments=[
        Attachment("summary.pdf", "application/pdf", PDF),
        Attachment("figures.csv", "text/csv", b"a,b\n1,2\n"),
    ])  # fmt: skip
    assert message.get_content_type() == "multipart/mixed"
    body, pdf, csv = message.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    assert [p.get_content() for p in body.iter_parts()] == ["Hello", "<p>Hello</p>"]
    assert (pdf.get_filename(), pdf.get_content_type()) == ("summary.pdf", "application/pdf")
    assert pdf.get_content() == PDF
    assert csv.get_filename() == "figures.csv" and csv.get_payload(decode=True) == b"a,b\n1,2\n"


def test_without_files_the_email_is_as_before():
    assert parsed().get_content_type() == "text/plain"
    assert parsed(html="<p>x</p>").get_content_type() == "multipart/alternative"


def test_a_name_or_type_that_could_break_the_header_is_made_safe():
    message = parsed(attachments=[
        Attachment('a"\r\nBcc: x@evil.test\r\n.pdf', "text/html\r\nX: y", b"x")])  # fmt: skip
    _, part = message.iter_parts()
    assert message["Bcc"] is None and part["X"] is None
    assert part.get_filename() == "a___Bcc_ x_evil.test__.pdf"
    assert part.get_content_type() == "application/octet-stream"


def test_only_an_email_carries_files(db_session):
    org = create_organization()
    with pytest.raises(ValueError, match="only an email"):
        queue_message(organization_id=org.id, channel=Channel.SMS, recipient="+12155550100",
                      body="hi", kind="test",
                      attachments=[Attachment("a.pdf", "application/pdf", b"x")])  # fmt: skip
