"""The links' tests run in the mail tests' campaign (tests/mail/conftest.py)."""

from tests.mail.conftest import mail_world, world  # noqa: F401 - fixtures shared with mail
