"""The peer review report as a PDF that a gemeente can put before its college and raad as it is (reportlab).

Cover, a summary (judgement, strengths, the main recommendations, the largest gaps, the plan's progress), the
charts drawn as vector drawings (:mod:`.drawings`) each with its table, a section per theme (scores, the team's
motivation, the gemeente's own notes, quotable interview notes, recommendations with their follow-up), the
improvement plan, the college's reaction, and an appendix with the method, the scale and the peer team. A running
header and "Pagina n van m" on every page but the cover; bookmarks per chapter; tables repeat their header row and
split cleanly across pages; every text a user wrote is escaped and wraps.

Only what :class:`~peerreview.exports.services.EvaluationExport` holds is printed: interview notes that the team
kept to itself never reach it.

The font, styles, tables and page template are in :mod:`.pdf_layout`; this module tells the story, chapter by
chapter."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph, Spacer

from ..domain.results import Cohort, RecommendationView, Report
from ..domain.reviews import Addressee, Priority
from ..templating import format_date
from . import drawings
from .pdf_layout import (
    ACCENT,
    CONTENT_WIDTH,
    FAMILY,
    HEADER_FILL,
    HEADINGS,
    INK,
    LATE,
    MARGIN,
    MUTED,
    NUMBER,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    ZEBRA,
    Document,
    _heading,
    _p,
    _score,
    _styles,
    _table,
    _text,
    bind_headings,
    canvas_maker,
    flat,
    font_family,
    item_gap,
    paragraphs,
    short_date,
)
from .services import ActionView, EvaluationExport, PlanView

__all__ = ["ACCENT", "CONTENT_WIDTH", "FAMILY", "HEADER_FILL", "HEADINGS", "INK", "LATE", "MARGIN", "MUTED", "NUMBER",
           "PAGE_HEIGHT", "PAGE_WIDTH", "ZEBRA", "font_family", "report_pdf"]


def report_pdf(export: EvaluationExport) -> bytes:
    buffer = io.BytesIO()
    document = Document(buffer, export)
    story: list[Flowable] = []
    story += _cover(export)
    story += _summary(export)
    story += _scores(export)
    story += _themes(export)
    if export.plan is not None:
        story += _plan(export, export.plan)
    if export.report.reaction.strip():
        story += _reaction(export)
    story += _appendix(export)
    document.build(bind_headings(story), canvasmaker=canvas_maker(export))
    return buffer.getvalue()


# ---------------------------------------------------------------- chapters


def _cover(export: EvaluationExport) -> list[Flowable]:
    report = export.report
    rows = [
        ["Gemeente", f"{report.municipality} (CBS-code {report.cbs_code})"],
        ["Grootteklasse", report.size_class],
        ["Regio", report.region],
        ["Ronde", report.round_name if str(report.year) in report.round_name
         else f"{report.round_name} ({report.year})"],
        ["Rapport gepubliceerd", format_date(report.published_at)],
        ["Stand", report.status_label],
        ["Peer team", "\n".join(m.description for m in export.team) or "—"],
        ["Datum van dit document", format_date(export.generated_at)],
    ]
    return [
        Spacer(1, 40 * mm),
        _p("Collegiale toets", "Title"),
        _p(_text(export.questionnaire.title), "Subtitle"),
        _p(_text(report.municipality), "Municipality"),
        Spacer(1, 8 * mm),
        _table(rows, [45 * mm, CONTENT_WIDTH - 45 * mm], header=False),
        Spacer(1, 12 * mm),
        _p("Dit rapport bevat het oordeel en de aanbevelingen van het peer team over de regie van de gemeente op "
           "integrale veiligheid, naast de zelfevaluatie van de gemeente, en het verbeterplan dat daaruit volgt. "
           "Aantekeningen die het peer team alleen voor zichzelf maakte, staan er niet in.", "Small"),
        PageBreak(),
    ]


def _top_recommendations(report: Report, limit: int = 5) -> list:
    ranked = sorted(report.recommendations, key=lambda r: (Priority(r.priority).rank, r.position, r.id))
    return ranked[:limit]


def _themes_of(export: EvaluationExport, section_ids: Iterable[str]) -> str:
    return "; ".join(export.section_label(s) for s in section_ids)


def _summary(export: EvaluationExport) -> list[Flowable]:
    report = export.report
    story: list[Flowable] = [_heading("Samenvatting", "H1")]
    story += [_heading("Oordeel van het peer team", "H3"),
                   *(paragraphs(report.judgement) or [_p("Het peer team heeft geen oordeel geschreven.")])]
    story += [_heading("Sterke punten", "H3"), *(paragraphs(report.strengths) or [_p("—")])]
    top = _top_recommendations(report)
    items = [Paragraph(f"<b>{r.position}.</b> {_text(flat(r.text))} <font color='#595959'>("
                       f"{_text(_meta(r))}; {_text(_themes_of(export, r.section_ids))})</font>", _styles()["Item"],
                       bulletText="•")
             for r in top]
    title = "Belangrijkste aanbevelingen" if len(report.recommendations) > len(top) else "Aanbevelingen"
    story += [_heading(title, "H3"), *(items or [_p("Het peer team heeft geen aanbevelingen gedaan.")])]
    if len(report.recommendations) > len(top):
        story.append(_p(f"Alle {len(report.recommendations)} aanbevelingen staan per thema verderop.", "Small"))
    gaps = [Paragraph(f"{_text(t.label)}: {_text(t.gap_words)}", _styles()["Item"], bulletText="•")
            for t in report.overestimated + report.underestimated]
    story += [_heading("Grootste verschillen tussen zelfbeeld en peer team", "H3"),
                   *(gaps or [_p("Bij geen enkel thema verschillen zelfbeeld en peer team een punt of meer.")])]
    if export.plan is not None:
        plan = export.plan
        progress = plan.progress
        line = (f"{progress.done} van {progress.counted} acties afgerond ({progress.percent}%); "
                f"{progress.overdue} nog niet af na de einddatum; {progress.dropped} vervallen." if progress.total else
                "Er staan nog geen acties in het verbeterplan.")
        runs = "loopt" if plan.end_on >= export.generated_at.date() else "liep"
        line += f" De planperiode {runs} tot en met {format_date(plan.end_on)}."
        story += [_heading("Stand van het verbeterplan", "H3"), _p(_text(line))]
    story.append(PageBreak())
    return story


def _scores(export: EvaluationExport) -> list[Flowable]:
    report = export.report
    font = font_family()
    story: list[Flowable] = [_heading("Scores: zelfbeeld en peer team", "H1")]
    story.append(_p(f"Schaal {report.scale_minimum} tot en met {report.scale_maximum}. De zelfscore is het "
                    "gemiddelde van de gezamenlijke antwoorden van de gemeente; de score van het peer team is het "
                    "niveau dat het team na gesprekken en waarnemingen gaf. Verschil = zelfscore min peer team.",
                    "Small"))
    if len(report.themes) >= 3:  # a radar needs three spokes; with fewer the table says it all
        story.append(drawings.radar(report, CONTENT_WIDTH, font))
    rows: list[list[object]] = [["Thema", "Zelfscore", "Peer team", "Verschil", "In woorden", "Hefboom"]]
    rows += [[t.label + (" (extern)" if t.external else ""), _score(t.self_score), _score(t.peer_score),
              item_gap(t), t.gap_words, t.lever.label if t.lever else "—"] for t in report.themes]
    story.append(_table(rows, [48 * mm, NUMBER, NUMBER, 18 * mm, 43 * mm, CONTENT_WIDTH - 109 * mm - 2 * NUMBER],
                        numeric=(1, 2, 3)))
    story += [_heading("Verschillen, grootste eerst"), drawings.gap_bars(report, CONTENT_WIDTH, font)]
    if report.profile:
        story.append(CondPageBreak(90 * mm))
        story += [_heading(report.profile_title or "Profiel van de veiligheidscoördinator"),
                       drawings.profile_bars(report, CONTENT_WIDTH, font)]
        rows = [["Element", "Zelfscore", "Peer team", "Verschil"]]
        rows += [[e.title, _score(e.self_score), _score(e.peer_score), item_gap(e)] for e in report.profile]
        if report.profile_total is not None:
            total = report.profile_total
            rows.append([_p("<b>Profiel als geheel</b>", "Cell"), _score(total.self_score),
                         _score(total.peer_score), item_gap(total)])
        story.append(_table(rows, [CONTENT_WIDTH - 2 * NUMBER - 18 * mm, NUMBER, NUMBER, 18 * mm], numeric=(1, 2, 3)))
    story.append(CondPageBreak(90 * mm))
    story += [_heading("Willen, kennen, kunnen"),
                   _p("De thema's gegroepeerd naar wat er nodig is: willen (prioriteit en belang), kennen "
                      "(competenties en expertise) en kunnen (middelen en condities). Gemeenten wijzen vaak naar "
                      "kunnen; willen en kennen blijken minstens zo belangrijk." + _external_sentence(report),
                      "Small"),
                   drawings.lever_bars(report, CONTENT_WIDTH, font)]
    rows = [["Hefboom", "Zelfscore", "Peer team", "Zelf zonder externe thema's", "Peer zonder externe thema's"]]
    rows += [[lever.lever.label, _score(lever.self_score), _score(lever.peer_score),
              _score(lever.self_without_external), _score(lever.peer_without_external)] for lever in report.levers]
    rest = (CONTENT_WIDTH - 30 * mm - 2 * NUMBER) / 2
    story.append(_table(rows, [30 * mm, NUMBER, NUMBER, rest, rest], numeric=(1, 2, 3, 4)))
    story += _benchmark(report)
    story.append(PageBreak())
    return story


def _external_sentence(report: Report) -> str:
    """Which themes lie largely outside the gemeente, from the questionnaire (none: no sentence)."""
    numbers = [t.number for t in report.themes if t.external]
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f" Thema {numbers[0]} ligt grotendeels buiten de gemeente en staat daarom ook apart."
    listed = ", ".join(numbers[:-1]) + " en " + numbers[-1]
    return f" De thema's {listed} liggen grotendeels buiten de gemeente en staan daarom ook apart."


def _benchmark(report: Report) -> list[Flowable]:
    """The region's group, only where it is shown on the result page (the same threshold and reasons)."""
    if not report.themes or not any(t.comparison(Cohort.REGION) for t in report.themes):
        return []
    rows: list[list[object]] = [["Thema", "Peer team", "Mediaan regio", "Middelste helft", "Positie"]]
    for theme in report.themes:
        comparison = theme.comparison(Cohort.REGION)
        if comparison is None:
            continue
        if comparison.distribution is None:
            rows.append([theme.label, _score(theme.peer_score), "—", "—", comparison.hidden_reason or "—"])
            continue
        dist = comparison.distribution
        rows.append([theme.label, _score(theme.peer_score), _score(dist.median),
                     f"{_score(dist.q1)} – {_score(dist.q3)}",
                     comparison.position.label if comparison.position else "—"])
    note = report.cohort_notes.get(Cohort.REGION, "")
    return [
        CondPageBreak(60 * mm),
        _heading("Positie in de regio"),
        _p(_text(f"Vergeleken met {note}: alleen scores van peer teams uit gepubliceerde rapporten, nooit met "
                 f"namen, en alleen bij minstens {report.min_group} andere gemeenten."), "Small"),
        _table(rows, [48 * mm, NUMBER, 22 * mm, 24 * mm, CONTENT_WIDTH - 94 * mm - NUMBER], numeric=(1, 2))]


def _meta(recommendation: RecommendationView) -> str:
    """"prioriteit hoog, aan het Rijk"."""
    return (f"prioriteit {recommendation.priority_label.lower()}, "
            f"aan {Addressee(recommendation.addressee).recipient}")


def _recommendation_block(export: EvaluationExport, recommendation: RecommendationView) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(
        f"<b>Aanbeveling {recommendation.position}</b> <font color='#595959'>({_text(_meta(recommendation))})</font>",
        _styles()["Item"], bulletText="•")]
    story += paragraphs(recommendation.text, "ItemBody")
    plan = export.plan
    if plan is not None:
        answered = plan.actions_for(recommendation.id)
        if recommendation.id in plan.open_recommendation_ids:
            follow = "In het verbeterplan: nog open (geen lopende actie)."
        else:
            follow = "In het verbeterplan: " + "; ".join(f"{a.title} ({a.status_label.lower()})" for a in answered)
        story += paragraphs(follow, "Follow")
        verdict = plan.verdicts.get(recommendation.id)
        if verdict is not None:
            story += paragraphs(f"Voortgangsreview: {verdict.label.lower()}.\n{verdict.note}", "Follow")
    return story


def _themes(export: EvaluationExport) -> list[Flowable]:
    report = export.report
    story: list[Flowable] = [_heading("Per thema", "H1")]
    for item in report.sections:
        target = f" · doel voor deze ronde: {_score(item.target)}" if item.target is not None else ""
        facts = _p(_text(f"Zelfscore {_score(item.self_score)} · peer team {_score(item.peer_score)} · "
                         f"{item.gap_words}{target}"), "Body")
        block: list[Flowable] = [facts]
        if item.lever is not None:
            block.append(_p(_text(f"Hefboom: {item.lever.label.lower()} ({item.lever.description})"
                                  + (". Ligt grotendeels buiten de gemeente: ook een signaal voor regio en Rijk."
                                     if item.external else ".")), "Small"))
        if item.motivation.strip():
            block += [_heading("Motivering van het peer team", "H3"), *paragraphs(item.motivation)]
        if report.profile and item is report.profile_total:
            rows = [["Element", "Zelfscore", "Peer team", "Motivering van het peer team"]]
            rows += [[e.title, _score(e.self_score), _score(e.peer_score), e.motivation or "—"]
                     for e in report.profile]
            block += [_heading("Elementen van het profiel", "H3"),
                      _table(rows, [40 * mm, NUMBER, NUMBER, CONTENT_WIDTH - 40 * mm - 2 * NUMBER], numeric=(1, 2))]
        notes = export.notes_for(item.id)
        if notes is not None:
            block.append(_heading("Uit de zelfevaluatie van de gemeente", "H3"))
            if notes.strengths.strip():
                block += [_p("<i>Sterke punten</i>"), *paragraphs(notes.strengths)]
            if notes.improvements.strip():
                block += [_p("<i>Verbeterpunten</i>"), *paragraphs(notes.improvements)]
        quotes = export.quotes_for(item.id)
        if quotes:
            block.append(_heading("Uit gesprekken en waarnemingen", "H3"))
            for quote in quotes:
                who = "; ".join(quote.interviewees)
                block.append(_p(_text(f"{quote.kind_label} · {format_date(quote.held_on)}"
                                      + (f" · {who}" if who else "")), "Small"))
                block += paragraphs(quote.notes, "Quote")
        recommendations = report.recommendations_for(item.id)
        block.append(_heading("Aanbevelingen", "H3"))
        if recommendations:
            for recommendation in recommendations:
                block += _recommendation_block(export, recommendation)
        else:
            block.append(_p("Geen aanbevelingen bij dit thema.", "Small"))
        story += [_heading(item.label), *block]
    story.append(PageBreak())
    return story


def _action_rows(export: EvaluationExport, actions: Sequence[ActionView]) -> tuple[list[list[object]], list[int]]:
    numbers = {r.id: r.position for r in export.report.recommendations}
    rows: list[list[object]] = [["Actie", "Eigenaar", "Thema's", "Aanbev.", "Gereed", "Status"]]
    late = []
    for index, action in enumerate(actions, start=1):
        status = action.status_label
        if action.is_overdue:
            status += f", {action.days_overdue} dagen te laat"
            late.append(index)
        elif action.completed_on is not None:
            status += f" op {short_date(action.completed_on)}"
        themes = ", ".join(str(export.questionnaire.section(s).number) for s in action.section_ids
                           if export.questionnaire.has_section(s))
        owner = action.owner + (" (partner)" if action.owner_is_partner else "")
        rows.append([action.title, owner, themes or "—",
                     ", ".join(str(numbers[r]) for r in action.recommendation_ids if r in numbers) or "—",
                     short_date(action.due_on), status])
    return rows, late


def _plan(export: EvaluationExport, plan: PlanView) -> list[Flowable]:
    progress = plan.progress
    story: list[Flowable] = [_heading("Verbeterplan", "H1")]
    runs = "loopt" if plan.end_on >= export.generated_at.date() else "liep"
    story.append(_p(_text(
        f"{plan.stage.label}. De planperiode {runs} tot en met {format_date(plan.end_on)}. "
        f"{progress.done} van {progress.counted} acties afgerond ({progress.percent}%), {progress.in_progress} in "
        f"uitvoering en {progress.planned} gepland, waarvan {progress.overdue} over de einddatum; "
        f"{progress.dropped} vervallen (die tellen niet mee). Acties over de einddatum staan bovenaan, vet en in "
        f"rood, met het aantal dagen.")))
    if not plan.actions:
        story.append(_p("Er staan nog geen acties in het verbeterplan."))
    else:
        rows, late = _action_rows(export, plan.actions)
        story.append(_table(rows, [44 * mm, 30 * mm, 17 * mm, 17 * mm, 23 * mm, CONTENT_WIDTH - 131 * mm],
                            highlight=late))
        story.append(_heading("De acties toegelicht"))
        for action in plan.actions:
            block: list[Flowable] = []
            block += paragraphs(action.description) or [_p("Geen beschrijving.", "Small")]
            block.append(_p(_text(f"Van {format_date(action.start_on)} tot en met {format_date(action.due_on)} · "
                                  f"{action.status_label}"), "Small"))
            if action.status_reason:
                block += paragraphs(f"Reden: {action.status_reason}", "Small")
            if action.last_note:
                block += paragraphs(f"Laatste voortgang ({format_date(action.last_note_on)}): {action.last_note}",
                                     "Small")
            story += [_heading(action.title, "H3"), *block]
    if plan.targets:
        rows = [["Thema", "Doel voor de volgende ronde"]]
        rows += [[export.section_label(s), str(v)] for s, v in plan.targets.items()]
        story += [_heading("Doelen voor de volgende ronde"),
                       _table(rows, [CONTENT_WIDTH - 50 * mm, 50 * mm], numeric=(1,))]
    if plan.verdicts:
        numbers = {r.id: r for r in export.report.recommendations}
        rows = [["Aanbeveling", "Oordeel", "Toelichting van het peer team"]]
        rows += [[f"{numbers[rid].position}. {numbers[rid].text}" if rid in numbers else str(rid), v.label, v.note]
                 for rid, v in plan.verdicts.items()]
        story += [_heading("Voortgangsreview"),
                       _table(rows, [70 * mm, 28 * mm, CONTENT_WIDTH - 98 * mm])]
    story.append(PageBreak())
    return story


def _reaction(export: EvaluationExport) -> list[Flowable]:
    story: list[Flowable] = [_heading("Bestuurlijke reactie van de gemeente", "H1")]
    story += paragraphs(export.report.reaction)
    if export.reaction_at is not None:
        story.append(_p(_text(f"Gegeven op {format_date(export.reaction_at)}."), "Small"))
    story.append(PageBreak())
    return story


def _count_words(number: int) -> str:
    words = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf")
    return words[number] if number < len(words) else str(number)


def _appendix(export: EvaluationExport) -> list[Flowable]:
    report, questionnaire = export.report, export.questionnaire
    scale = questionnaire.scale
    story: list[Flowable] = [_heading("Bijlage: methode en schaal", "H1")]
    method = (
        f"De gemeente vulde een vragenlijst in over de {_count_words(len(report.themes))} knelpunten van de regie "
        "op integrale veiligheid en over het profiel van de veiligheidscoördinator: eerst ieder voor zich, "
        "daarna samen één gezamenlijk antwoord per vraag. Een peer team van bestuurders en ambtenaren uit andere "
        "gemeenten las de zelfevaluatie, voerde gesprekken, deed waarnemingen en gaf per thema een eigen score, "
        "eerst ieder teamlid alleen en daarna als team, met een motivering en aanbevelingen.\n\n"
        "De zelfscore per thema is het gewogen gemiddelde van de gezamenlijke antwoorden, op één decimaal "
        "afgerond; ‘weet niet / niet van toepassing’ telt niet mee. De score van het peer team is een heel niveau. "
        "Het verschil is zelfscore min peer team: positief betekent dat de gemeente zichzelf hoger inschatte dan "
        "het peer team (overschatting), negatief lager (onderschatting). Vanaf één punt noemen we het verschil "
        "opvallend.\n\n"
        "Willen, kennen en kunnen groeperen de thema's naar wat er nodig is: prioriteit en belang, competenties "
        "en expertise, of middelen en condities. De thema's die grotendeels buiten de gemeente liggen, zijn ook "
        "signalen voor de regio en het Rijk.\n\n"
        f"Een vergelijking met andere gemeenten gebruikt alleen scores van peer teams uit gepubliceerde rapporten, "
        f"toont alleen de mediaan en de middelste helft en verschijnt pas bij minstens {report.min_group} andere "
        "gemeenten, zodat geen score tot één gemeente te herleiden is.\n\n"
        "Aantekeningen van gesprekken en waarnemingen staan alleen in dit rapport als het peer team ze citeerbaar "
        "maakte.")
    story += paragraphs(method)
    rows: list[list[object]] = [["Niveau", "Naam", "Betekenis"]]
    rows += [[str(level.value), level.label, level.description] for level in scale.levels]
    rows.append(["—", scale.unknown_label, scale.unknown_description])
    story += [_heading("De schaal"), _table(rows, [16 * mm, 40 * mm, CONTENT_WIDTH - 56 * mm], numeric=(0,))]
    rows = [["Nr.", "Thema", "Hefboom", "Buiten de gemeente"]]
    rows += [[str(s.number), s.title, s.lever.label if s.lever else "—", "ja" if s.external else "nee"]
             for s in questionnaire.sections if s.lever is not None or not s.is_profile]
    if questionnaire.profile_section is not None:
        profile = questionnaire.profile_section
        rows.append([str(profile.number), f"{profile.title}: " + "; ".join(e.title for e in profile.elements),
                     "—", "nee"])
    story += [_heading("De thema's"), _table(rows, [12 * mm, CONTENT_WIDTH - 72 * mm, 28 * mm, 32 * mm],
                                                  numeric=(0,))]
    story += [_heading("Het peer team"),
                   *([Paragraph(_text(m.description), _styles()["Item"], bulletText="•") for m in export.team]
                     or [_p("—")])]
    story.append(_p(_text(f"Vragenlijst: {questionnaire.title}, versie {questionnaire.version}."), "Small"))
    return story
