"""flask users create and flask seed demo."""

from sqlalchemy import func, select

from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.mail import outbox
from peerreview.models import Municipality, PeerReport, Recommendation, Region, User
from peerreview.seed.demo import DEMO_MUNICIPALITIES, DEMO_PASSWORD, DEMO_USERS


def test_create_first_admin(runner):
    result = runner.invoke(args=["users", "create", "Beheer@Gemeente.NL", "--role", "admin",
                                 "--name", "Bea Beheer", "--password", "fiets-over-de-dijk-7"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "beheer@gemeente.nl"))
    assert user.role is Role.admin and user.name == "Bea Beheer"
    assert user.check_password("fiets-over-de-dijk-7") and user.activated_at is not None


def test_password_is_prompted_when_not_given(runner):
    result = runner.invoke(args=["users", "create", "a@gemeente.nl", "--role", "admin"],
                           input="fiets-over-de-dijk-7\nfiets-over-de-dijk-7\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "a@gemeente.nl")).check_password("fiets-over-de-dijk-7")


def test_create_with_invitation_mails_a_link(runner, create_municipality):
    create_municipality("Groenmeer", cbs_code="GM9002")
    result = runner.invoke(args=["users", "create", "lead@groenmeer.nl", "--role", "municipal_lead",
                                 "--municipality", "gm9002", "--invite"])
    assert result.exit_code == 0, result.output
    assert "/auth/activate/" in result.output
    user = db.session.scalar(select(User).where(User.email == "lead@groenmeer.nl"))
    assert user.municipality.cbs_code == "GM9002" and not user.is_activated
    assert outbox()[-1].to == "lead@groenmeer.nl"


def test_refusals_change_nothing(runner, create_user):
    create_user(Role.admin, email="bestaat@gemeente.nl")
    cases = [
        (["users", "create", "bestaat@gemeente.nl", "--role", "admin", "--password", "x" * 12], "bestaat al"),
        (["users", "create", "geen-adres", "--role", "admin", "--password", "fiets-over-de-dijk-7"], "Ongeldig"),
        (["users", "create", "l@g.nl", "--role", "municipal_lead", "--password", "fiets-over-de-dijk-7"],
         "--municipality"),
        (["users", "create", "l@g.nl", "--role", "municipal_lead", "--municipality", "GM12",
          "--password", "fiets-over-de-dijk-7"], "vier cijfers"),
        (["users", "create", "l@g.nl", "--role", "municipal_lead", "--municipality", "GM0999",
          "--password", "fiets-over-de-dijk-7"], "Geen gemeente"),
        (["users", "create", "c@g.nl", "--role", "region_coordinator", "--region", "Nergens",
          "--password", "fiets-over-de-dijk-7"], "Geen regio"),
        (["users", "create", "w@g.nl", "--role", "admin", "--password", "kort"], "minstens"),
    ]
    for args, fragment in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert fragment in result.output, (args, result.output)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_seed_demo_loads_a_region_with_a_user_per_role(runner):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    region = db.session.scalar(select(Region))
    assert len(region.memberships) == len(DEMO_MUNICIPALITIES) == 12
    sizes = {m.municipality.size_class.key for m in region.memberships}
    assert sizes == {"klein", "middelgroot", "groot", "zeer_groot"}
    users = db.session.scalars(select(User)).all()
    assert {u.role for u in users} == set(Role)
    assert all(u.check_password(DEMO_PASSWORD) for u in users)
    for label, local, *_ in DEMO_USERS:
        assert f"{local}@" in result.output and label in result.output
    assert DEMO_PASSWORD in result.output
    # a round in progress: Groenmeer halfway with answers of three colleagues, Havenstede submitted
    from peerreview.domain.evaluations import EvaluationStatus
    from peerreview.evaluation.team import factual_points
    from peerreview.models import Answer, Round

    round_, previous = db.session.scalars(select(Round).order_by(Round.year.desc())).all()
    assert round_.region_id == region.id and len(round_.evaluations) == 7
    status = {e.municipality.name: e.status for e in round_.evaluations}
    assert status["Groenmeer"] is EvaluationStatus.draft
    assert status["Havenstede"] is EvaluationStatus.in_peer_review
    assert status["Molenwaard-Oost"] is EvaluationStatus.published
    molenwaard = next(e for e in round_.evaluations if e.municipality.name == "Molenwaard-Oost")
    report = db.session.get(PeerReport, molenwaard.id)
    assert report.published_at is not None and report.judgement
    # published after hoor en wederhoor: the college's reaction with its decision, the nawoord, an adopted point
    assert report.reaction and report.reaction_reference and report.reaction_decided_on and report.afterword
    assert [(p.place, p.answer.value) for p in factual_points(molenwaard)] == [("strengths", "adopted")]
    # a newcomer sees the factual check: Ter Aa's concept with one point still open
    assert status["Ter Aa"] is EvaluationStatus.fact_check
    teraa = next(e for e in round_.evaluations if e.municipality.name == "Ter Aa")
    assert [p.answer for p in factual_points(teraa)] == [None]
    assert db.session.scalar(select(func.count()).select_from(Recommendation)
                             .where(Recommendation.evaluation_id == molenwaard.id)) == 3
    assert db.session.scalar(select(func.count(func.distinct(Answer.author_id)))) == 3
    # the previous round, two years earlier, finished for eight members: trends and a regional benchmark
    assert previous.year == round_.year - 2 and len(previous.evaluations) == 8
    assert {e.status for e in previous.evaluations} == {EvaluationStatus.closed}
    assert all(db.session.get(PeerReport, e.id).published_at for e in previous.evaluations)


def test_seed_demo_if_empty_does_not_load_twice(runner):
    assert runner.invoke(args=["seed", "demo", "--if-empty"]).exit_code == 0
    again = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert again.exit_code == 0
    assert "niet opnieuw" in again.output and "coordinator@" in again.output
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 12


def test_demo_users_can_log_in(runner, auth, client):
    runner.invoke(args=["seed", "demo"])
    response = auth.login("trekker.groenmeer@demo.peerreview.nl", DEMO_PASSWORD)
    assert response.status_code == 302
    page = client.get("/start").get_data(as_text=True)
    assert "Groenmeer" in page and "Collegiale toets" in page


def test_seed_demo_refuses_a_database_with_data(runner, create_user):
    """The demo accounts share a published password: never beside real users."""
    create_user(Role.admin, email="echte.beheerder@gemeente.nl")
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code != 0
    assert "alleen in een lege database" in result.output
    assert db.session.scalar(select(func.count()).select_from(Region)) == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_seed_demo_twice_is_refused_cleanly(runner):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code != 0 and "alleen in een lege database" in again.output
    assert again.exception is None or isinstance(again.exception, SystemExit)
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 12
