"""The evaluation kernel: what every feature needs of an evaluation, below the features.

Loading an evaluation and its questionnaire, the stage checks, the history, and the read-only facts that several
features show (the team, the report's recommendations, the answers, the plan's stage and targets, a round's
progress). Feature packages (evaluations, reviews, plans, reports, exports, admin, auth, main) import this package,
``models``, ``domain`` and the shared infrastructure; never each other's ``services`` or ``routes``.
"""
