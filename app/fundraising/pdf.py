"""The page both fundraising PDFs (letters, call sheets) are printed on: fpdf2, as the walk
sheets are, with the same Unicode font when the system has it."""

from __future__ import annotations

import unicodedata
from typing import Any

from fpdf import FPDF

from app.walklists.sheets import UNICODE_FONTS


class Page(FPDF):
    """US Letter, portrait; ``text_of`` folds what the fallback font cannot print."""

    def __init__(self, footer_line: str = ""):
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.footer_line = footer_line
        font = next((f for f in UNICODE_FONTS if f.exists()), None)
        if font:
            bold = font.with_name("DejaVuSans-Bold.ttf")
            self.add_font("body", fname=str(font))
            self.add_font("body", style="B", fname=str(bold if bold.exists() else font))
            self.family = "body"
        else:
            self.family = "helvetica"
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(20, 18, 20)

    def text_of(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if self.family == "helvetica":  # Latin-1 only: "Nguyễn" -> "Nguyen"
            text = unicodedata.normalize("NFKD", text).encode("latin-1", "ignore").decode("latin-1")
        return text

    def write_lines(self, text: str, *, size: float = 10.5, bold: bool = False, gap: float = 5):
        self.set_font(self.family, style="B" if bold else "", size=size)
        self.multi_cell(0, gap, self.text_of(text), new_x="LMARGIN", new_y="NEXT")

    def footer(self):
        if not self.footer_line:
            return
        self.set_y(-11)
        self.set_font(self.family, size=7)
        self.cell(0, 4, self.text_of(f"{self.footer_line}  -  page {self.page_no()}"), align="C")
