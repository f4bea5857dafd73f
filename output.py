"""Output helpers shared by commands: CJK-aligned tables, JSON lines, CSV and Excel files."""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any, Iterable, Sequence


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (dict, list)):
        return dumps(v)
    return str(v)


def print_table(rows: Sequence[Sequence[Any]], columns: Sequence[str], title: str | None = None,
                file=None) -> None:
    """Print rows as a table whose columns line up with CJK text (rich measures wide chars)."""
    from rich.console import Console
    from rich.table import Table

    file = file or sys.stdout
    console = Console(file=file, soft_wrap=False, width=None if file.isatty() else 200,
                      force_terminal=False, no_color=not file.isatty())
    table = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*[cell_text(v) for v in r])
    console.print(table)


def csv_text(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow([cell_text(v) for v in r])
    return buf.getvalue()


def write_xlsx(path: str, sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> None:
    """Write one sheet per entry (name → (columns, rows)), header bold, filters on, panes frozen.

    Written to a temporary file then moved, so a failed write never leaves half a workbook.
    """
    import os
    import tempfile

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, (columns, rows) in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        ws.append(list(columns))
        for c in ws[1]:
            c.font = Font(bold=True)
        n = 1
        for r in rows:
            ws.append([v if isinstance(v, (int, float)) or v is None else cell_text(v) for v in r])
            n += 1
            for c in ws[n]:
                if c.data_type == "f":  # document text starting with "=" is text, never a formula
                    c.data_type = "s"
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n}"
            ws.freeze_panes = "A2"
            for i, col in enumerate(columns, 1):
                width = max([_display_width(str(col))] + [
                    _display_width(cell_text(ws.cell(row=j, column=i).value)) for j in range(2, min(n, 200) + 1)])
                ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
    d = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=d)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _display_width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def write_text_atomic(path: str, text: str) -> None:
    import os
    import tempfile

    d = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
