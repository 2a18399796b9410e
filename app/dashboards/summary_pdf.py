"""The summary printed: each section's table (the period, the one before, the change), a bar
per day drawn with fpdf2's own rectangles and lines, and the days' figures as a text table.
On the fundraising PDFs' page (US Letter, the Unicode font when the system has it)."""

from __future__ import annotations

from datetime import date

from app.dashboards.summary import Section, Summary, change, shown
from app.fundraising.pdf import Page

BAR_RGB = (47, 94, 153)
GRID_RGB = (200, 200, 200)
CHART_HEIGHT = 28.0
#: Days per line of the day-by-day table.
DAYS_PER_LINE = 7


def _period(first: date, last: date) -> str:
    return f"{first:%a %d %b %Y} to {last:%a %d %b %Y}"


def render_summary(summary: Summary) -> bytes:
    scope, before = summary.scope, summary.before
    pdf = Page(footer_line=f"{summary.organization}: summary of {scope.first} to {scope.last}")
    pdf.set_title(f"{summary.organization}: summary {scope.first} to {scope.last}")
    pdf.add_page()
    weekly = len(scope.days) == 7
    title = "weekly summary" if weekly else f"summary of {len(scope.days)} days"
    pdf.write_lines(f"{summary.organization}: {title}", size=15, bold=True, gap=7)
    pdf.write_lines(_period(scope.first, scope.last), size=10.5)
    pdf.write_lines(f"Against {_period(before.first, before.last)}", size=8.5, gap=4)
    filters = [f"{name} {value}" for name, value in (
        ("area", scope.area_id), ("team", scope.team_id), ("canvasser", scope.user_id),
        ("universe", scope.universe_id)) if value is not None]  # fmt: skip
    if filters:
        pdf.write_lines("Filters: " + ", ".join(filters), size=8.5, gap=4)
    if not summary.sections:
        pdf.write_lines("Your role sees none of the dashboard's panels.")
    for section in summary.sections:
        _section(pdf, section, weekly=weekly)
    return bytes(pdf.output())


def _room(pdf: Page, height: float) -> None:
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _section(pdf: Page, section: Section, *, weekly: bool) -> None:
    _room(pdf, 12 + 4.6 * len(section.rows))
    pdf.ln(3)
    pdf.write_lines(section.title, size=12, bold=True, gap=6)
    widths = (70, 32, 32, 32)
    heads = ("", "This week", "Week before", "Change") if weekly else (
        "", "This period", "Period before", "Change")  # fmt: skip
    pdf.set_font(pdf.family, style="B", size=8.5)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 4.6, head, align="L" if not head else "R")
    pdf.ln(4.6)
    pdf.set_font(pdf.family, size=9)
    for row in section.rows:
        values = (row.label, shown(row.now, row.kind), shown(row.before, row.kind), change(row))
        for n, (width, value) in enumerate(zip(widths, values, strict=True)):
            pdf.cell(width, 4.6, pdf.text_of(value), align="L" if n == 0 else "R")
        pdf.ln(4.6)
    for note in section.notes:
        pdf.write_lines(note, size=8.5, gap=4.2)
    if section.days:
        _chart(pdf, section)
        _day_table(pdf, section)


def _chart(pdf: Page, section: Section) -> None:
    """Bars of the first measure per day, its value over each bar, the day under it."""
    measure = next(iter(section.day_kinds))
    kind = section.day_kinds[measure]
    values = [max(figures[measure] or 0, 0) for _, figures in section.days]
    _room(pdf, CHART_HEIGHT + 16)
    pdf.ln(2)
    pdf.write_lines(f"{measure} per day", size=8.5, bold=True, gap=4.5)
    left, width = pdf.l_margin, pdf.epw
    top = pdf.get_y() + 4
    bottom = top + CHART_HEIGHT
    highest = max(values) or 1
    slot = width / len(values)
    pdf.set_draw_color(*GRID_RGB)
    pdf.line(left, bottom, left + width, bottom)
    pdf.set_fill_color(*BAR_RGB)
    small = len(values) > 10
    for n, ((day, _), value) in enumerate(zip(section.days, values, strict=True)):
        x = left + n * slot + slot * 0.15
        height = CHART_HEIGHT * value / highest
        if height > 0:
            pdf.rect(x, bottom - height, slot * 0.7, height, style="F")
        pdf.set_font(pdf.family, size=5 if small else 7)
        if not small:  # a month's values are in the table below; a week's fit over the bars
            pdf.set_xy(left + n * slot, bottom - height - 3.6)
            pdf.cell(slot, 3.4, shown(value, kind), align="C")
        pdf.set_xy(left + n * slot, bottom + 0.6)
        pdf.cell(slot, 3.4, f"{day:%d}" if small else f"{day:%a %d}", align="C")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_xy(left, bottom + 5)


def _day_table(pdf: Page, section: Section) -> None:
    """Every measure of every day, a week to a line."""
    label_width = 22
    slot = (pdf.epw - label_width) / DAYS_PER_LINE
    for start in range(0, len(section.days), DAYS_PER_LINE):
        days = section.days[start : start + DAYS_PER_LINE]
        _room(pdf, 4 * (len(section.day_kinds) + 1) + 2)
        pdf.set_font(pdf.family, style="B", size=7.5)
        pdf.cell(label_width, 4, "Day")
        for day, _ in days:
            pdf.cell(slot, 4, f"{day:%a %d %b}", align="R")
        pdf.ln(4)
        pdf.set_font(pdf.family, size=7.5)
        for measure, kind in section.day_kinds.items():
            pdf.cell(label_width, 4, measure)
            for _, figures in days:
                pdf.cell(slot, 4, shown(figures[measure], kind), align="R")
            pdf.ln(4)
        pdf.ln(1.5)
