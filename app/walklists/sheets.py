"""A walk list on paper and in spreadsheets: the PDF walk sheet (map, stops in order, one row
per person with boxes for the result and answers), CSV and XLSX, and the QR code a canvasser
scans to claim the list.

What the sheet carries for keying it back in (``app.paper``): the list's code as a QR code
(the claim link) and a Code 39 barcode (hand scanners read no QR codes); on each row a QR
code and a Code 39 barcode of the person's id, or of ``H`` and the household's id on the row
of a home with nobody listed."""

from __future__ import annotations

import io
import math
import unicodedata
from pathlib import Path
from typing import Any

from fpdf import FPDF

from app.core.codes import qr_image
from app.core.spreadsheets import csv_bytes, safe_cell

#: Result codes on the sheet (DOMAIN.md's defaults), as the box headings and their legend.
RESULT_BOXES = (
    ("NH", "Not Home"),
    ("RF", "Refused"),
    ("MV", "Moved"),
    ("DC", "Deceased"),
    ("IN", "Inaccessible"),
    ("LB", "Language Barrier"),
    ("WA", "Wrong Address"),
    ("HO", "Hostile"),
    ("CB", "Come Back Later"),
)
SUPPORT_BOXES = ("1", "2", "3", "4", "5")
COLUMNS = (
    "stop",
    "door",
    "address",
    "unit",
    "city",
    "zip",
    "person_id",
    "last_name",
    "first_name",
    "middle_name",
    "suffix",
    "age",
    "gender",
    "party",
    "target",
    "knocked",
    "last_result",
)
#: A font that has every letter of every name; the built-in Helvetica has Latin-1 only.
UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf"),
)


def table_rows(stops: list[dict[str, Any]]):
    """One row per person, in walking order (a home with nobody shown is a row too)."""
    for stop in stops:
        people = stop["people"] or [None]
        for person in people:
            yield {
                "stop": stop["position"],
                "door": stop["door_number"],
                "address": stop["address"],
                "unit": stop["unit"],
                "city": stop["city"],
                "zip": stop["zip"],
                **(
                    {
                        "person_id": person["person_id"],
                        "last_name": person["last_name"],
                        "first_name": person["first_name"],
                        "middle_name": person["middle_name"],
                        "suffix": person["suffix"],
                        "age": person["age"] if person["age"] is not None else "",
                        "gender": person["gender"],
                        "party": person["party"],
                        "target": "yes" if person["is_target"] else "no",
                        "knocked": "yes" if person["knocked"] else "no",
                        "last_result": person["last_result"] or "",
                    }
                    if person
                    else {}
                ),
            }


def to_csv(stops: list[dict[str, Any]]) -> bytes:
    return csv_bytes(COLUMNS, table_rows(stops))


def to_xlsx(summary: dict[str, Any], stops: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Walk list"
    sheet.append([safe_cell(f"{summary['name']} (code {summary['code']})")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table_rows(stops):
        sheet.append([safe_cell(row.get(column, "")) for column in COLUMNS])
    sheet.freeze_panes = "A3"
    for letter, width in zip("ABCDEFGHIJKLMNOPQ", (6, 6, 28, 8, 14, 7, 10, 18, 16, 10, 6, 5, 7,
                                                   7, 7, 8, 14), strict=True):  # fmt: skip
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Sheet(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="landscape", unit="mm", format="letter")
        self.title_line = title
        font = next((f for f in UNICODE_FONTS if f.exists()), None)
        if font:
            self.add_font("body", fname=str(font))
            self.add_font("body", style="B", fname=str(font))
            self.family = "body"
        else:
            self.family = "helvetica"
        self.set_auto_page_break(auto=True, margin=12)
        self.set_margins(10, 10, 10)

    def text_of(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if self.family == "helvetica":  # fold what Latin-1 lacks: "Nguyễn" -> "Nguyen"
            text = unicodedata.normalize("NFKD", text).encode("latin-1", "ignore").decode("latin-1")
        return text

    def footer(self):
        self.set_y(-9)
        self.set_font(self.family, size=7)
        self.cell(0, 4, self.text_of(f"{self.title_line}  -  page {self.page_no()}/{{nb}}"),
                  align="C")  # fmt: skip


def to_pdf(
    summary: dict[str, Any],
    stops: list[dict[str, Any]],
    *,
    claim_url: str,
    outline: list[list[tuple[float, float]]] | None = None,
    streets: list[list[tuple[float, float]]] | None = None,
) -> bytes:
    """The printable walk sheet. ``outline``: the turf's rings and ``streets``: lines, both
    lon/lat, drawn on the map under the numbered stops."""
    pdf = _Sheet(f"{summary['name']} - code {summary['code']}")
    pdf.alias_nb_pages()
    pdf.add_page()
    _header(pdf, summary, claim_url)
    _map(pdf, stops, outline or [], streets or [], top=pdf.get_y() + 2)
    pdf.add_page()
    _table(pdf, stops)
    return bytes(pdf.output())


def _header(pdf: _Sheet, summary: dict[str, Any], claim_url: str) -> None:
    pdf.set_font(pdf.family, style="B", size=15)
    pdf.cell(0, 8, pdf.text_of(summary["name"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, size=9)
    expires = summary["expires_at"].strftime("%Y-%m-%d %H:%M UTC")
    canvassers = ", ".join(a["name"] for a in summary.get("assignees") or [])
    lines = (
        f"List code {summary['code']}  -  scan the code or open {claim_url}",
        f"Canvasser: {canvassers or '_' * 28}    Date and time: {'_' * 20}",
        f"{summary['door_count']} doors, {summary['household_count']} homes, "
        f"{summary['people_count']} people ({summary['target_count']} targets), "
        f"about {summary['route_length_m'] / 1000:.1f} km on foot",
        f"Expires {expires}. Bold names with a star are the people to talk to.",
        "Results: "
        + ", ".join(f"{c} {label}" for c, label in RESULT_BOXES)
        + ". Support: 1 strong for ... 5 strong against.",
    )
    for line in lines:
        pdf.multi_cell(200, 4.5, pdf.text_of(line), new_x="LMARGIN", new_y="NEXT")
    qr = io.BytesIO(qr_image(claim_url, kind="png"))
    pdf.image(qr, x=pdf.w - pdf.r_margin - 32, y=10, w=32, h=32)
    # The list's code for hand scanners, left of the QR code.
    pdf.set_fill_color(0, 0, 0)
    pdf.code39(f"*{summary['code']}*", x=pdf.w - pdf.r_margin - 59, y=12, w=0.4, h=10)
    pdf.set_font(pdf.family, size=6)
    pdf.text(pdf.w - pdf.r_margin - 59, 25, f"list {summary['code']}")


def _map(pdf: _Sheet, stops, outline, streets, top: float) -> None:
    """The turf outline, the streets, the route and each door's number, to scale."""
    left, width = pdf.l_margin, pdf.w - pdf.l_margin - pdf.r_margin
    height = pdf.h - top - 14
    points = [(s["lon"], s["lat"]) for s in stops if s["lon"] is not None]
    ring_points = [p for ring in outline for p in ring]
    extent = points + ring_points
    if not extent:
        pdf.set_xy(left, top)
        pdf.cell(0, 6, "No door of this list has a map point.")
        return
    lons, lats = [p[0] for p in extent], [p[1] for p in extent]
    squash = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * squash, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min(width / span_x, height / span_y) * 0.94
    x0 = left + (width - span_x * scale) / 2
    y0 = top + (height - span_y * scale) / 2

    def at(lon, lat):
        return (x0 + (lon - min(lons)) * squash * scale, y0 + (max(lats) - lat) * scale)

    with pdf.rect_clip(left, top, width, height):  # streets run on past the turf
        pdf.set_draw_color(200, 200, 200)
        pdf.set_line_width(0.6)
        for line in streets:
            pdf.polyline([at(*p) for p in line])
    pdf.rect(left, top, width, height)
    pdf.set_draw_color(30, 90, 200)
    pdf.set_line_width(0.5)
    for ring in outline:
        pdf.polygon([at(*p) for p in ring], style="D")
    doors: dict[int, tuple[float, float]] = {}
    for stop in stops:
        if stop["lon"] is not None:
            doors.setdefault(stop["door_number"], at(stop["lon"], stop["lat"]))
    ordered = [doors[n] for n in sorted(doors)]
    pdf.set_draw_color(220, 60, 60)
    pdf.set_line_width(0.3)
    if len(ordered) > 1:
        pdf.polyline(ordered)
    pdf.set_font(pdf.family, size=6)
    pdf.set_fill_color(255, 255, 255)
    for number, (x, y) in sorted(doors.items()):
        pdf.circle(x=x, y=y, radius=1.6, style="FD")
        pdf.text(x + 1.8, y + 1, str(number))
    pdf.set_draw_color(0, 0, 0)


def _table(pdf: _Sheet, stops) -> None:
    widths = {"#": 8, "address": 42, "name": 44, "info": 17, "barcode": 40}
    box = 5.2
    heading_h = 6

    def heading():
        pdf.set_font(pdf.family, style="B", size=7)
        for label, key in (("#", "#"), ("Address / unit", "address"), ("Name", "name"),
                           ("Age Sex Pty", "info"), ("Scan to key", "barcode")):  # fmt: skip
            pdf.cell(widths[key], heading_h, label, border=1)
        for code, _ in RESULT_BOXES:
            pdf.cell(box, heading_h, code, border=1, align="C")
        for code in SUPPORT_BOXES:
            pdf.cell(box, heading_h, code, border=1, align="C")
        pdf.cell(0, heading_h, "Notes", border=1, new_x="LMARGIN", new_y="NEXT")

    heading()
    row_h = 10
    for stop in stops:
        people = stop["people"] or [None]
        for n, person in enumerate(people):
            if pdf.will_page_break(row_h):
                pdf.add_page()
                heading()
            y = pdf.get_y()
            pdf.set_font(pdf.family, size=8)
            first = n == 0
            pdf.cell(widths["#"], row_h, str(stop["door_number"]) if first else "", border=1)
            where = f"{stop['address']}" + (f" #{stop['unit']}" if stop["unit"] else "")
            pdf.cell(widths["address"], row_h, pdf.text_of(where if first else ""), border=1)
            if person is None:
                pdf.cell(widths["name"], row_h, "(nobody listed)", border=1)
                pdf.cell(widths["info"], row_h, "", border=1)
                _scan_codes(pdf, f"H{stop['household_id']}", widths["barcode"], row_h, y)
            else:
                name = f"{person['last_name']}, {person['first_name']} {person['middle_name'][:1]}"
                pdf.set_font(pdf.family, style="B" if person["is_target"] else "", size=8)
                star = "* " if person["is_target"] else "  "
                pdf.cell(widths["name"], row_h, pdf.text_of(star + name.strip()), border=1)
                pdf.set_font(pdf.family, size=8)
                info = f"{person['age'] or ''} {person['gender']} {person['party']}".strip()
                pdf.cell(widths["info"], row_h, pdf.text_of(info), border=1)
                _scan_codes(pdf, str(person["person_id"]), widths["barcode"], row_h, y)
            for _ in range(len(RESULT_BOXES) + len(SUPPORT_BOXES)):
                pdf.cell(box, row_h, "", border=1)
            pdf.cell(0, row_h, "", border=1, new_x="LMARGIN", new_y="NEXT")


def _scan_codes(pdf: _Sheet, value: str, width: float, row_h: float, y: float) -> None:
    """A row's id as a QR code (phone cameras) and a Code 39 barcode (hand scanners), with
    the id printed under the bars for typing; leaves the cursor after the cell."""
    x = pdf.get_x()
    pdf.cell(width, row_h, "", border=1)
    side = row_h - 1.2
    pdf.image(io.BytesIO(qr_image(value, kind="png")), x=x + 0.6, y=y + 0.6, w=side, h=side)
    bars_x = x + side + 1.6
    code = f"*{value}*"
    pdf.set_fill_color(0, 0, 0)
    # A Code 39 character is 16/3 narrow bars wide; narrow bars stay >= 0.17 mm.
    narrow = min(0.6, (x + width - 1 - bars_x) / (len(code) * 16 / 3))
    pdf.code39(code, x=bars_x, y=y + 0.8, w=narrow, h=row_h - 4)
    pdf.set_font(pdf.family, size=5)
    pdf.text(bars_x, y + row_h - 0.8, value)
    pdf.set_font(pdf.family, size=8)
    pdf.set_xy(x + width, y)
