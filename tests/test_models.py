"""Model rules that only a database can prove."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import Municipality, User


def test_size_class_is_derived_the_same_in_python_and_in_sql(create_municipality):
    for inhabitants in (5_000, 19_999, 20_000, 49_999, 50_000, 99_999, 100_000, 870_000):
        create_municipality(inhabitants=inhabitants)
    rows = db.session.execute(select(Municipality.inhabitants, Municipality.size_class_key)).all()
    assert len(rows) == 8
    for inhabitants, sql_key in rows:
        municipality = db.session.scalar(select(Municipality).where(Municipality.inhabitants == inhabitants))
        assert municipality.size_class.key == sql_key


def test_group_by_size_class_in_sql(create_municipality):
    for inhabitants in (5_000, 8_000, 30_000, 250_000):
        create_municipality(inhabitants=inhabitants)
    counts = dict(db.session.execute(
        select(Municipality.size_class_key, func.count()).group_by(Municipality.size_class_key)
    ).all())
    assert counts == {"klein": 2, "middelgroot": 1, "zeer_groot": 1}


def test_cbs_code_is_unique_in_the_database(create_municipality):
    create_municipality(cbs_code="GM0363")
    db.session.add(Municipality(name="Tweede", cbs_code="GM0363", inhabitants=10))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_email_is_unique_regardless_of_case(create_user):
    create_user(Role.admin, email="anna@gemeente.nl")
    duplicate = User(email=User.normalize_email("  Anna@Gemeente.NL "), name="Anna 2", role=Role.admin)
    assert duplicate.email == "anna@gemeente.nl"
    db.session.add(duplicate)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_timestamps_come_back_timezone_aware_utc(create_user):
    user = create_user(Role.admin)
    user.last_login_at = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
    db.session.commit()
    db.session.expire_all()
    fresh = db.session.get(User, user.id)
    assert fresh.created_at.tzinfo is not None
    assert fresh.last_login_at == datetime(2026, 11, 23, 10, 30, tzinfo=UTC)


def test_naive_datetimes_are_refused(create_user):
    user = create_user(Role.admin)
    user.last_login_at = datetime(2026, 11, 23, 10, 30)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.commit()
    db.session.rollback()


def test_region_membership_links_both_ways(create_region, create_municipality):
    region = create_region("Regio Noord")
    a = create_municipality("Aa", region=region)
    b = create_municipality("Bee", region=region)
    db.session.expire_all()
    assert {m.municipality.name for m in region.memberships} == {"Aa", "Bee"}
    assert a.region_ids == {region.id} and b.region_ids == {region.id}


def test_password_is_hashed_and_checked(create_user):
    user = create_user(Role.admin, password="fiets-over-de-dijk-7")
    assert user.password_hash and "fiets" not in user.password_hash
    assert user.check_password("fiets-over-de-dijk-7")
    assert not user.check_password("fiets-over-de-dijk-8")
    invited = create_user(Role.admin, password=None)
    assert not invited.is_activated and not invited.check_password("")
