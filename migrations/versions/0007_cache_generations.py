"""cache generations: a counter per cache that every change to its sources raises (cached report objects)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('cache_generations',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_generations'))
    )
    op.bulk_insert(table, [{'name': 'reports', 'value': 0}])


def downgrade():
    op.drop_table('cache_generations')
