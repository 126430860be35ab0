"""hoor en wederhoor: the concept's factual check, the college's reaction and the team's nawoord

Three stages between the team's draft and publication (fact_check, corrected, reacted); the gemeente's factual
points with the team's answers; the term (a round setting, per gemeente extendable); the reaction's collegebesluit
date and reference; "geen reactie ontvangen"; the nawoord; the consulted documents for the chapter on the method.

Published and closed evaluations keep their stage and their reaction (typed after publication, without a
collegebesluit). A downgrade takes evaluations in the new stages back to "in_peer_review" and drops what only
this revision knows: the factual points with the team's answers, the term, the collegebesluit's date and
kenmerk, "geen reactie ontvangen", the nawoord and the list of consulted documents (the reaction's text stays in
its older column).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OLD = ('draft', 'submitted', 'in_peer_review', 'published', 'closed')
NEW = ('draft', 'submitted', 'in_peer_review', 'fact_check', 'corrected', 'reacted', 'published', 'closed')


def _status_in(statuses):
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade():
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_evaluations_evaluation_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_evaluations_evaluation_status'), _status_in(NEW))

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_days', sa.Integer(), server_default='21', nullable=False))
        batch_op.create_check_constraint(op.f('ck_rounds_response_days_in_range'), 'response_days BETWEEN 5 AND 120')

    with op.batch_alter_table('peer_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('documents', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('concept_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('concept_sent_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('term_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('contributors_may_check', sa.Boolean(), server_default=sa.text('false'),
                                      nullable=False))
        batch_op.add_column(sa.Column('check_done_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('check_done_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reaction_decided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reaction_reference', sa.String(length=120), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('no_reaction_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('no_reaction_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('afterword', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('afterword_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_peer_reports_concept_sent_by_id_users'), 'users',
                                    ['concept_sent_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_peer_reports_check_done_by_id_users'), 'users',
                                    ['check_done_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_peer_reports_no_reaction_by_id_users'), 'users',
                                    ['no_reaction_by_id'], ['id'], ondelete='SET NULL')

    op.create_table('factual_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=80), nullable=False),
    sa.Column('place_label', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Enum('adopted', 'not_adopted', name='point_answer', native_enum=False,
                                create_constraint=True, length=32), nullable=True),
    sa.Column('answer_text', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('answer IS NULL OR answered_at IS NOT NULL', name=op.f('ck_factual_points_answered_when')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_factual_points_answered_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_factual_points_author_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluations.id'],
                            name=op.f('fk_factual_points_evaluation_id_evaluations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_factual_points'))
    )
    with op.batch_alter_table('factual_points', schema=None) as batch_op:
        batch_op.create_index('ix_factual_points_evaluation_created', ['evaluation_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('factual_points', schema=None) as batch_op:
        batch_op.drop_index('ix_factual_points_evaluation_created')
    op.drop_table('factual_points')

    with op.batch_alter_table('peer_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_peer_reports_no_reaction_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_peer_reports_check_done_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_peer_reports_concept_sent_by_id_users'), type_='foreignkey')
        for column in ('afterword_at', 'afterword', 'no_reaction_by_id', 'no_reaction_at', 'reaction_reference',
                       'reaction_decided_on', 'corrected_at', 'check_done_by_id', 'check_done_at',
                       'contributors_may_check', 'term_due', 'concept_sent_by_id', 'concept_sent_at', 'documents'):
            batch_op.drop_column(column)

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_rounds_response_days_in_range'), type_='check')
        batch_op.drop_column('response_days')

    # The concept goes back to the team: the stages of hoor en wederhoor do not exist below this revision.
    op.execute(sa.text("UPDATE evaluations SET status = 'in_peer_review' "
                       "WHERE status IN ('fact_check', 'corrected', 'reacted')"))
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_evaluations_evaluation_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_evaluations_evaluation_status'), _status_in(OLD))
