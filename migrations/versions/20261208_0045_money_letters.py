"""Money letters: notices about excess contributions (the donor asked to choose a cure; a
redesignation, reattribution or refund made) join the acknowledgements

Revision ID: 0045_money_letters
Revises: 0044_mail_pieces
Create Date: 2026-12-08 02:30:00
"""

from alembic import op

revision = "0045_money_letters"
down_revision = "0044_mail_pieces"
branch_labels = None
depends_on = None

OLD = ("thank_you", "info_request")
NEW = (*OLD, "excess_request", "redesignation_notice", "reattribution_notice", "refund_notice")


def _kinds(kinds):
    op.drop_constraint(
        op.f("ck_acknowledgements_acknowledgement_kind"), "acknowledgements", type_="check"
    )
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    op.create_check_constraint(
        op.f("ck_acknowledgements_acknowledgement_kind"),
        "acknowledgements",
        f"kind IN ({listed})",
    )


def upgrade():
    _kinds(NEW)


def downgrade():
    op.execute(
        "DELETE FROM acknowledgements WHERE kind NOT IN ("
        + ", ".join(f"'{kind}'" for kind in OLD)
        + ")"
    )
    _kinds(OLD)
