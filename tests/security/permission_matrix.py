"""Who may do what: the one declared table behind ``test_permission_matrix.py``. Data only.

Every rule of the app's URL map has an entry here (keyed by endpoint); the test fails on a rule without one and on
an entry whose endpoint no longer exists.

**Actors.** Each actor stands in a relation to the object a case is about (its *target*, see below), so that every
role is tried both on objects it owns and on objects it does not:

- ``anonymous``: not logged in;
- ``admin``: the Beheerder;
- ``coordinator``: coordinator of the target's region (region Noord); ``coordinator_other_region``: of region Zuid;
- ``lead`` and ``contributor``: the target gemeente's own trekker and bijdrager;
- ``lead_other_gemeente`` and ``contributor_other_gemeente``: of another gemeente of region Noord (Fortdorp, in the
  same round); ``lead_other_region``: trekker of a gemeente of region Zuid;
- ``chair`` and ``member``: peer reviewers in the target's peer team (chair, and a member who has not submitted
  their own scores while the review runs); ``peer_other``: a peer reviewer of region Noord in no team.

**Targets** (the test builds them; ``draft`` when a case names none): one evaluation of region Noord's current round
in each stage, ``draft`` (Aadorp), ``submitted`` (Beekdal: team formed, review not started), ``review`` (Cederveen: in
peer review; the chair has submitted own scores, set the team's scores, written a judgement and a recommendation;
the member logged an interview), the stages of hoor en wederhoor, each with a report like Dijkstad's: ``fact_check``
(Gansdorp: the concept with the gemeente, one open factual point of its lead), ``corrected`` (Hoorndijk: the point
answered, the check closed, the college's reaction awaited) and ``reacted`` (IJsselveen: the reaction recorded,
ready to publish), ``published`` (Dijkstad: report published with two recommendations, the plan running with one
action), ``closed`` (Eemwoude: like Dijkstad, then closed), and ``previous`` (Dijkstad's evaluation
of the previous round: published, its plan period over, so in voortgangsreview; its team is the chair alone).

**Arguments** are filled with the target's objects (the test's ``ARGUMENTS``: an evaluation, its round, region and
gemeente, its action, the member's interview, its first recommendation, the lead's pending Excel upload, the chair's
declared conflict, section ``analyse``, questionnaire ``minimal/1``, an unknown token). ``args`` picks another object
for one argument: ``other_evaluation`` (the same kind of object of another evaluation, the ``closed`` one's action or
the ``published`` one's entry and recommendation, the ``corrected`` one's factual point: an id of another evaluation
is a 404, never a way in), ``chairs`` (the chair's own entry), ``fresh`` / ``fresh_by_chair`` (a new object for
every request, by the member or the chair, or a factual point by the lead, for deletions), ``spare`` (an object
no other case uses: a gemeente of region Noord outside the round, a team member added for this, an account not yet
activated), ``chair`` (the chair's team membership) and ``draft`` (the draft version 2 of the questionnaire).

**Expected answers** per method (only the methods the rule accepts, and all of them): a status code, a tuple of
acceptable codes, or ``LOGIN`` (a redirect to the log-in page). An int 302 means a redirect anywhere *but* the
log-in page. Actors not named get ``everyone`` when given, otherwise the denial: ``LOGIN`` for ``anonymous`` and
``deny`` (default 403) for the others.

POSTs send an empty form (CSRF is off in the tests): a permitted actor may get a form back with its errors (200,
400, 409, 422) or a redirect after success; an outsider gets 403/404 before anything is read. An empty post makes
Flask-WTF fill an edit form from its object, so such a form (region, account, judgement, review rules) saves what
is stored and redirects. ``destructive`` cases
post last (after every GET and every other POST), because they change the world (close, start, withdraw, apply,
log out). ``relogin`` logs the actor in again after the request.
"""

from __future__ import annotations

LOGIN = "login"

ACTORS = (
    "anonymous",
    "admin",
    "coordinator",
    "coordinator_other_region",
    "lead",
    "contributor",
    "lead_other_gemeente",
    "contributor_other_gemeente",
    "lead_other_region",
    "chair",
    "member",
    "peer_other",
)

#: Actors who are logged in (everyone but ``anonymous``).
LOGGED_IN = ACTORS[1:]

_ADMINISTRATION = {"admin": 200, "coordinator": 200, "coordinator_other_region": 200}
_OWN = ("lead", "contributor")
_TEAM = ("chair", "member")
_REGION = ("admin", "coordinator")
#: Who reads a published report, its results and the plan: the gemeente, its region and the peer team.
_READERS = _OWN + _REGION + _TEAM


def _all(code, actors=LOGGED_IN) -> dict:
    return dict.fromkeys(actors, code)


MATRIX: dict[str, list[dict]] = {
    # ------------------------------------------------------------ public
    "static": [{"GET": {"everyone": 200}}],
    "main.index": [{"GET": {"anonymous": LOGIN, "everyone": 302}}],
    "main.start": [{"GET": _all(200)}],
    # ------------------------------------------------------------ auth
    "auth.login": [{"GET": {"anonymous": 200, "everyone": 302},
                    "POST": {"anonymous": 200, "everyone": 302}}],
    "auth.logout": [{"POST": {"everyone": LOGIN}, "destructive": True, "relogin": True}],
    "auth.forgot_password": [{"GET": {"everyone": 200}, "POST": {"everyone": 200}}],
    "auth.activate": [{"GET": {"everyone": 400}, "POST": {"everyone": 400}}],  # an unknown token
    "auth.reset_password": [{"GET": {"everyone": 400}, "POST": {"everyone": 400}}],
    "auth.change_password": [{"GET": _all(200), "POST": _all(200)}],
    # ------------------------------------------------------------ questionnaires
    "questionnaires.index": [{"GET": _all(200)}],
    "questionnaires.show": [
        {"GET": _all(200)},
        {"args": {"version": "draft"}, "GET": {"admin": 200}, "deny": 404},  # a draft: administrators only
    ],
    # ------------------------------------------------------------ beheer (admin and region coordinators)
    "admin.index": [{"GET": _ADMINISTRATION}],
    "admin.regions": [{"GET": _ADMINISTRATION}],
    "admin.create_region": [{"GET": {"admin": 200}, "POST": {"admin": 200}}],
    "admin.region": [{"GET": {"admin": 200, "coordinator": 200}}],
    "admin.edit_region": [{"GET": {"admin": 200}, "POST": {"admin": 302}}],  # an empty post keeps what is stored
    # Region Noord has a coordinator and rounds: deleting it is refused on the page.
    "admin.delete_region": [{"GET": {"admin": 200}, "POST": {"admin": 200}, "destructive": True}],
    "admin.add_member": [{"POST": {"admin": 200, "coordinator": 200}}],
    "admin.remove_member": [{"args": {"municipality_id": "spare"}, "POST": {"admin": 302, "coordinator": 302},
                             "destructive": True}],
    "admin.municipalities": [{"GET": _ADMINISTRATION}],
    "admin.create_municipality": [{"GET": {"admin": 200}, "POST": {"admin": 200}}],
    "admin.municipality": [{"GET": {"admin": 200, "coordinator": 200}}],
    "admin.edit_municipality": [{"GET": {"admin": 200}, "POST": {"admin": 200}}],
    "admin.users": [{"GET": _ADMINISTRATION}],
    "admin.invite_user": [{"GET": _ADMINISTRATION, "POST": _ADMINISTRATION}],
    "admin.edit_user": [{"args": {"user_id": "spare"}, "GET": {"admin": 200, "coordinator": 200},
                         "POST": {"admin": 302, "coordinator": 302}}],
    "admin.resend_invitation": [{"args": {"user_id": "spare"}, "POST": {"admin": 302, "coordinator": 302},
                                 "destructive": True}],
    "admin.deactivate_user": [{"args": {"user_id": "spare"}, "POST": {"admin": 302, "coordinator": 302},
                               "destructive": True}],
    "admin.reactivate_user": [{"args": {"user_id": "spare"}, "POST": {"admin": 302, "coordinator": 302},
                               "destructive": True}],
    "admin.audit": [{"GET": {"admin": 200}}],  # the audit log: the administrator only, not the coordinators
    "exports.national_xlsx": [{"GET": {"admin": 200}}],  # every region's gemeenten by name: the administrator only
    # ------------------------------------------------------------ rounds
    "evaluations.rounds": [{"GET": _ADMINISTRATION}],
    # The coordinator of any region opens a round for their own region; the admin keeps the platform, not rounds.
    "evaluations.new_round": [{"GET": {"coordinator": 200, "coordinator_other_region": 200},
                               "POST": {"coordinator": 422, "coordinator_other_region": 422}}],
    "evaluations.round_detail": [{"GET": {"admin": 200, "coordinator": 200}}],
    "reports.region": [{"GET": {"admin": 200, "coordinator": 200}}],
    "exports.region_xlsx": [{"GET": {"admin": 200, "coordinator": 200}}],
    "reviews.review_rules": [{"GET": {"admin": 200, "coordinator": 200}, "POST": {"admin": 302, "coordinator": 302}}],
    # ------------------------------------------------------------ the self-evaluation
    "evaluations.colleagues": [{  # every lead, for their own gemeente
        "GET": _all(200, ("lead", "lead_other_gemeente", "lead_other_region")),
        "POST": _all(422, ("lead", "lead_other_gemeente", "lead_other_region"))}],
    "evaluations.evaluation": [
        {"GET": _all(200, _OWN + _REGION)},
        {"target": "review", "GET": _all(200, _OWN + _REGION)},  # the peer team has its own pages
    ],
    "evaluations.answer_section": [
        {"GET": _all(200, _OWN), "POST": _all(302, _OWN)},
        {"target": "submitted", "GET": _all(200, _OWN), "POST": _all(409, _OWN)},  # read-only after submission
    ],
    "evaluations.consensus_section": [
        {"GET": _all(200, _OWN), "POST": {"lead": 302, "contributor": 409}},
        {"target": "submitted", "GET": _all(200, _OWN), "POST": _all(409, _OWN)},
    ],
    "evaluations.submitted_view": [
        {"GET": _all(200, _OWN)},  # a draft: the gemeente only
        {"target": "submitted", "GET": _all(200, _OWN + _REGION + _TEAM)},
    ],
    "evaluations.submit": [{"GET": _all(200, _OWN), "POST": {"lead": 422}}],  # not complete: refused on the page
    "evaluations.reopen": [
        {"target": "submitted", "GET": {"coordinator": 200}, "POST": {"coordinator": 422}},  # no reason given
        {"GET": {"coordinator": 200}, "POST": {"coordinator": 422}},
    ],
    "evaluations.history": [{"GET": {"lead": 200}}],
    "evaluations.excel_page": [{"GET": _all(200, _OWN)}],
    "evaluations.excel_download": [{"GET": _all(200, _OWN)}],
    "evaluations.excel_upload": [{"POST": _all(422, _OWN)}],  # no file chosen
    "evaluations.excel_preview": [
        {"GET": {"lead": 200, "contributor": 404}},  # the lead's upload: nobody else's
    ],
    "evaluations.excel_apply": [{"POST": {"lead": 302, "contributor": 404}, "destructive": True}],
    # ------------------------------------------------------------ the peer team (coordinator)
    "reviews.team": [
        {"target": "submitted", "GET": _all(200, _REGION + _TEAM), "POST": {"coordinator": 422}},
        {"target": "review", "GET": _all(200, _REGION + _TEAM), "POST": {"coordinator": 422}},
    ],
    "reviews.remove_member": [{"target": "submitted", "args": {"member_id": "spare"}, "POST": {"coordinator": 302},
                               "destructive": True}],
    "reviews.make_chair": [{"target": "submitted", "args": {"member_id": "chair"}, "POST": {"coordinator": 302}}],
    "reviews.start_review": [{"target": "submitted", "POST": {"coordinator": 302}, "destructive": True}],
    # ------------------------------------------------------------ the team's working pages
    "reviews.review": [
        {"target": "review", "GET": _all(200, _TEAM)},
        {"target": "published", "GET": _all(200, _TEAM)},
        {"GET": {}},  # a draft: nobody
    ],
    "reviews.scores": [
        {"target": "review", "GET": _all(200, _TEAM),
         "POST": {"member": 302, "chair": 422}},  # the chair's scores are final
    ],
    "reviews.consensus": [  # every member's scores: after one's own are in
        {"target": "review", "GET": {"chair": 200}, "POST": {"chair": 302}},
        {"target": "published", "GET": _all(200, _TEAM), "POST": _all(422, _TEAM)},
    ],
    "reviews.entries": [{"target": "review", "GET": _all(200, _TEAM)}],
    "reviews.new_entry": [{"target": "review", "GET": _all(200, _TEAM), "POST": _all(422, _TEAM)}],
    "reviews.edit_entry": [  # the member's interview: its author and the chair
        {"target": "review", "GET": _all(200, _TEAM), "POST": _all(422, _TEAM)},
        {"target": "review", "args": {"entry_id": "chairs"}, "GET": {"chair": 200}, "POST": {"chair": 422}},
        {"target": "review", "args": {"entry_id": "other_evaluation"}, "GET": _all(404, _TEAM),
         "POST": _all(404, _TEAM)},
    ],
    "reviews.delete_entry": [
        {"target": "review", "args": {"entry_id": "fresh"}, "POST": _all(302, _TEAM), "destructive": True},
        # The chair's entry: the member's delete is refused by the service, with a message on the entries page
        # (a redirect, where editing it is a 403; tests/reviews/test_report.py holds the refusal and its message).
        {"target": "review", "args": {"entry_id": "fresh_by_chair"}, "POST": _all(302, _TEAM), "destructive": True},
        {"target": "review", "args": {"entry_id": "other_evaluation"}, "POST": _all(404, _TEAM)},
    ],
    "reviews.report_draft": [
        {"target": "review", "GET": _all(200, _TEAM), "POST": {"chair": 302}},  # the member sees it locked
    ],
    "reviews.new_recommendation": [{"target": "review", "GET": {"chair": 200}, "POST": {"chair": 422}}],
    "reviews.edit_recommendation": [
        {"target": "review", "GET": {"chair": 200}, "POST": {"chair": 422}},
        {"target": "review", "args": {"recommendation_id": "other_evaluation"}, "GET": {"chair": 404},
         "POST": {"chair": 404}},
    ],
    "reviews.delete_recommendation": [
        # The member's delete is refused by the service with a message (a redirect, where the form is a 403; see
        # test_nothing_changes_after_publication in tests/reviews/test_report.py).
        {"target": "review", "args": {"recommendation_id": "fresh"}, "POST": _all(302, _TEAM), "destructive": True},
        {"target": "review", "args": {"recommendation_id": "other_evaluation"}, "POST": _all(404, _TEAM)},
    ],
    # Afronden: the checklist and the concept (the member has not submitted: sending needs the chair's
    # confirmation to go on without them); from the concept on, the whole team reads the page.
    "reviews.publish_page": [
        {"target": "review", "GET": {"chair": 200}},
        {"target": "reacted", "GET": _all(200, _TEAM)},
        {"target": "published", "GET": _all(200, _TEAM)},
    ],
    "reviews.send_concept": [
        {"target": "review", "POST": {"chair": 422}},
        {"target": "fact_check", "POST": {"chair": 422}},  # already sent
    ],
    "reviews.publish": [
        {"target": "review", "POST": {"chair": 422}},  # before hoor en wederhoor: refused on the page
        {"target": "corrected", "POST": {"chair": 422}},  # no reaction yet
        {"target": "reacted", "POST": {"chair": 302}, "destructive": True},
    ],
    # ------------------------------------------------------------ hoor en wederhoor
    # The concept: the gemeente's lead (contributors only when the lead allows it, off here), the coordinator and
    # the team; never before it is sent, and the published report has its own page.
    "reviews.hearing": [
        {"target": "fact_check", "GET": _all(200, ("lead", "coordinator") + _TEAM)},
        {"target": "corrected", "GET": _all(200, ("lead", "coordinator") + _TEAM)},
        {"target": "reacted", "GET": _all(200, ("lead", "coordinator") + _TEAM)},
        {"target": "published", "GET": _all(200, _READERS)},
        {"target": "review", "GET": {}},
    ],
    "reviews.concept": [
        {"target": "fact_check", "GET": _all(200, ("lead", "coordinator") + _TEAM)},
        {"target": "reacted", "GET": _all(200, ("lead", "coordinator") + _TEAM)},
        {"target": "review", "GET": {}},
        {"target": "published", "GET": {}},  # published: the report page
    ],
    "reviews.add_point": [
        {"target": "fact_check", "POST": {"lead": 422}},  # an empty point: refused on the page
        {"target": "corrected", "POST": {"lead": 422}},  # the check is closed: refused on the page
    ],
    "reviews.edit_point": [
        {"target": "fact_check", "GET": {"lead": 200}, "POST": {"lead": 422}},
        {"target": "fact_check", "args": {"point_id": "other_evaluation"}, "GET": {"lead": 404},
         "POST": {"lead": 404}},
    ],
    "reviews.withdraw_point": [
        # a fresh point each time, posted before the destructive cases (the lead's "klaar" ends adding points)
        {"target": "fact_check", "args": {"point_id": "fresh"}, "POST": {"lead": 302}},
        {"target": "fact_check", "args": {"point_id": "other_evaluation"}, "POST": {"lead": 404}},
    ],
    "reviews.finish_check": [
        {"target": "fact_check", "POST": {"lead": 302}, "destructive": True},
        {"target": "corrected", "POST": {"lead": 302}},  # refused with a message on the hearing page
    ],
    "reviews.check_access": [
        {"target": "fact_check", "POST": {"lead": 302}},
        {"target": "corrected", "POST": {"lead": 302}},  # refused with a message on the hearing page
    ],
    "reviews.answer_point": [
        {"target": "fact_check", "POST": {"chair": 422}},  # no answer chosen
        {"target": "fact_check", "args": {"point_id": "other_evaluation"}, "POST": {"chair": 404}},
        {"target": "corrected", "POST": {"chair": 422}},  # the check is closed
    ],
    "reviews.correct": [
        {"target": "fact_check", "POST": {"chair": 302}},  # an open point: refused with a message on the page
    ],
    "reviews.reaction": [
        {"target": "corrected", "POST": {"lead": 422}},  # empty: refused on the page
        {"target": "fact_check", "POST": {"lead": 422}},  # not yet
        {"target": "published", "POST": {"lead": 422}},  # no longer
    ],
    "reviews.no_reaction": [
        {"target": "corrected", "POST": {"coordinator": 302}},  # the term runs: refused with a message
    ],
    "reviews.extend_term": [
        {"target": "fact_check", "GET": {"coordinator": 200}, "POST": {"coordinator": 422}},
        {"target": "corrected", "GET": {"coordinator": 200}, "POST": {"coordinator": 422}},
        {"target": "published", "GET": {"coordinator": 200}, "POST": {"coordinator": 422}},  # no term any more
    ],
    "reviews.afterword": [
        {"target": "reacted", "POST": {"chair": 302}},  # an empty nawoord: nothing changes
        {"target": "fact_check", "POST": {"chair": 422}},  # not yet
    ],
    # ------------------------------------------------------------ the published report
    "reviews.report": [
        {"target": "published", "GET": _all(200, _READERS)},
        {"target": "closed", "GET": _all(200, _READERS)},
        {"target": "review", "GET": {"chair": 200}},  # the draft: team members who submitted their scores
    ],
    "reviews.close": [{"target": "published", "POST": {"coordinator": 302}, "destructive": True}],
    # ------------------------------------------------------------ declared conflicts (peer reviewers)
    "reviews.conflicts": [{"GET": _all(200, _TEAM + ("peer_other",)), "POST": _all(422, _TEAM + ("peer_other",))}],
    "reviews.withdraw_conflict": [{"POST": {"chair": 302, "member": 404, "peer_other": 404}, "destructive": True}],
    # ------------------------------------------------------------ the verbeterplan
    "plans.plan": [
        {"target": "published", "GET": _all(200, _READERS)},
        {"target": "review", "GET": {}},  # no plan before publication
        {"target": "previous", "GET": _all(200, _OWN + _REGION + ("chair",))},  # that team: the chair alone
    ],
    "plans.action": [
        {"target": "published", "GET": _all(200, _READERS)},
        {"target": "published", "args": {"action_id": "other_evaluation"}, "GET": _all(404, _READERS)},
    ],
    "plans.new_action": [
        {"target": "published", "GET": _all(200, _OWN), "POST": _all(422, _OWN)},
        {"target": "previous", "GET": _all(302, _OWN), "POST": _all(422, _OWN)},  # the plan period is over
    ],
    "plans.edit_action": [
        {"target": "published", "GET": _all(200, _OWN), "POST": _all(422, _OWN)},
        {"target": "published", "args": {"action_id": "other_evaluation"}, "GET": _all(404, _READERS),
         "POST": _all(404, _READERS)},
    ],
    "plans.set_status": [
        {"target": "published", "POST": _all(422, _OWN)},
        {"target": "published", "args": {"action_id": "other_evaluation"}, "POST": _all(404, _READERS)},
    ],
    "plans.add_note": [
        {"target": "published", "POST": _all(422, _OWN)},
        {"target": "published", "args": {"action_id": "other_evaluation"}, "POST": _all(404, _READERS)},
    ],
    "plans.targets": [
        {"target": "published", "GET": _all(200, _OWN), "POST": _all(302, _OWN)},
        {"target": "previous", "GET": _all(302, _OWN), "POST": _all(422, _OWN)},
    ],
    "plans.progress_review": [
        {"target": "previous", "GET": {"chair": 200}, "POST": {"chair": 302}},  # no verdict chosen: none saved
        {"target": "published", "GET": {"chair": 200}, "POST": {"chair": 422}},  # the plan still runs
    ],
    # ------------------------------------------------------------ results
    "reports.results": [
        {"target": "published", "GET": _all(200, _READERS)},
        {"target": "previous", "GET": _all(200, _OWN + _REGION + ("chair",))},
        {"target": "review", "GET": {}},
    ],
    "reports.benchmark": [
        {"target": "published", "GET": _all(200, _READERS)},
        {"target": "review", "GET": {}},
    ],
    # ------------------------------------------------------------ downloads: the result page's own rule
    # the report document; during hoor en wederhoor the concept, for those who read the concept (reviews.concept)
    "exports.report_pdf": [
        {"target": "published", "GET": _all(200, _READERS)},
        {"target": "closed", "GET": _all(200, _READERS)},
        {"target": "previous", "GET": _all(200, _OWN + _REGION + ("chair",))},
        {"target": "fact_check", "GET": _all(200, ("lead", "coordinator") + _TEAM)},
        {"target": "reacted", "GET": _all(200, ("lead", "coordinator") + _TEAM)},
        {"target": "review", "GET": {}},
    ],
    "exports.report_page": [  # the report as a printable page: the PDF's own rule
        {"target": "published", "GET": _all(200, _READERS)},
        {"target": "closed", "GET": _all(200, _READERS)},
        {"target": "previous", "GET": _all(200, _OWN + _REGION + ("chair",))},
        {"target": "corrected", "GET": _all(200, ("lead", "coordinator") + _TEAM)},
        {"target": "review", "GET": {}},
        {"target": "draft", "GET": {}},
    ],
    "exports.report_xlsx": [
        {"target": "published", "GET": _all(200, _READERS)},
        {"target": "previous", "GET": _all(200, _OWN + _REGION + ("chair",))},
        {"target": "review", "GET": {}},
        {"target": "draft", "GET": {}},
    ],
}
