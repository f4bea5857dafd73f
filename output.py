"""Output helpers shared by commands: CJK-aligned tables, JSON lines, CSV and Excel files."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import stat
import sys
import tempfile
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


def terminal_width(file=None, default: int = 200) -> int:
    """Columns of the terminal the user is looking at: $COLUMNS, else the size of ``file``, stderr or
    stdin (``jixiao … | head`` still shows in a terminal), else ``default`` (a file: no reason to wrap)."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    for f in (file, sys.__stdout__, sys.__stderr__, sys.__stdin__):
        try:
            if f is not None and f.isatty():
                return os.get_terminal_size(f.fileno()).columns
        except (AttributeError, OSError, ValueError):
            continue
    return default


def print_table(rows: Sequence[Sequence[Any]], columns: Sequence[str], title: str | None = None,
                file=None, width: int | None = None, drop_empty: bool = False,
                compact: bool | None = None) -> None:
    """Print rows as a table whose columns line up with CJK text (rich measures wide chars).

    Fits ``width`` (default: the terminal's): when the boxed table would be wider, a borderless
    compact layout is used; short cells (numbers, 数量指标, 95%) are never broken, long text folds.
    Numeric columns are right-aligned. ``drop_empty`` leaves out columns with no value at all;
    ``compact`` forces the borderless layout (or the boxed one) so that a series of tables match.
    """
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    file = file or sys.stdout
    width = width or terminal_width(file)
    cells = [[cell_text(v) for v in r] for r in rows]
    keep = [k for k in range(len(columns)) if not drop_empty or any(r[k] for r in cells)]
    columns = [columns[k] for k in keep]
    cells = [[r[k] for k in keep] for r in cells]
    widest = [max([cell_len(c) for r in cells for c in [r[k]] if c] + [0]) for k in range(len(columns))]
    head = [max(cell_len(w) for w in str(c).split()) if str(c).split() else 0 for c in columns]
    natural = sum(max(w, cell_len(str(c))) for w, c in zip(widest, columns)) + 3 * len(columns) + 1
    if compact is None:
        compact = natural > width
    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:  # `| head`: exit 0 like every other output, not rich's exit 1
            try:
                super().on_broken_pipe()  # points stdout at /dev/null so the exit flush stays quiet
            except (SystemExit, OSError, ValueError):  # ValueError/OSError: a stdout without a descriptor
                pass
            raise BrokenPipeError

    # document text is data: "[/]" or "[b]" must not be read as rich markup, nor ":100:" as an emoji
    console = PipeConsole(file=file, soft_wrap=False, width=width, force_terminal=False,
                          no_color=not file.isatty(), markup=False, emoji=False)
    if compact:  # borders cost 3 columns each: drop them rather than break every cell
        table = Table(title=title, header_style="bold", box=box.SIMPLE_HEAD, show_edge=False,
                      pad_edge=False, collapse_padding=True)
    else:
        table = Table(title=title, header_style="bold")
    budget = width - (2 * (len(columns) - 1) if compact else 3 * len(columns) + 1)
    # keep cells up to ``limit`` wide whole, the largest limit that leaves long columns 12 cells
    short = [0] * len(columns)
    for limit in (20, 16, 12, 8):
        keep_whole = [w if w <= limit else 0 for w in widest]
        if sum(max(k, h) if k else 12 for k, h in zip(keep_whole, head)) <= budget:
            short = keep_whole
            break
    for k, c in enumerate(columns):
        if compact and short[k] and cell_len(str(c)) > short[k]:
            c = "\n".join(str(c).split(" ", 1))  # 位置 span → two lines (rich may crop, not wrap, a header)
        numeric = bool(widest[k]) and all(_is_number(r[k]) for r in cells if r[k])
        table.add_column(c, overflow="fold", justify="right" if numeric else "left",
                         min_width=short[k] or None)
    for r in cells:
        table.add_row(*r)
    console.print(table)


def _is_number(s: str) -> bool:
    try:
        float(s.replace(",", ""))
    except ValueError:
        return False
    return True


OP_SIGNS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
KIND_ZH = {"numeric": "数值", "change": "变化", "deadline": "期限", "reference": "参照", "qualitative": "定性",
           "na": "不适用"}


def date_text(date: str) -> str:
    """A deadline's date for people: ISO ``2022-12`` / ``2022-12-30`` as written, and the yearless
    ``--12`` / ``--12-30`` (ISO's truncated forms, kept in JSON) as 12月 / 12月30日."""
    parts = date[2:].split("-") if date and date.startswith("--") else []
    if not 1 <= len(parts) <= 2 or not all(p.isdigit() for p in parts):
        return date
    return f"{int(parts[0])}月" + (f"{int(parts[1])}日" if len(parts) == 2 else "")


def target_text(t: Any) -> str:
    """A normalized Target (dataclass or contract dict) for people: ≥95%, ≤24小时, 10000份,
    较2015年末下降10%, ≤2022-12, ≤核定数, 60–80%; '' for words, 不适用 for na."""
    def get(k):
        return t.get(k) if isinstance(t, dict) else getattr(t, k, None)

    if not t:
        return ""
    kind, op = get("kind"), get("op")  # only a comparator the document wrote
    sign = OP_SIGNS.get(op or "", "")
    unit = get("unit") or ""
    if kind == "numeric" and get("value") is not None:
        if op == "between" and get("value_max") is not None:
            return f"{get('value'):g}–{get('value_max'):g}{unit}"
        return f"{sign}{get('value'):g}{unit}"
    if kind == "change" and get("value") is not None:
        verb = {"increase": "增长", "decrease": "下降"}.get(get("direction") or "", "变化")
        return f"{'较' + get('baseline') if get('baseline') else ''}{verb}{sign}{get('value'):g}{unit}"
    if kind == "deadline" and get("date"):
        return f"{sign or '≤'}{date_text(get('date'))}"
    if kind == "reference" and get("reference"):
        return f"{sign}{get('reference')}"
    return "" if kind == "qualitative" else KIND_ZH.get(kind or "", kind or "")  # words speak for themselves


# A cell starting with one of these is a formula to Excel/WPS/LibreOffice (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def csv_safe(v: Any) -> str:
    """A CSV cell a spreadsheet shows as text: ``'=HYPERLINK(…)``, while -5, +3% and -0.5 stay numbers.

    Numbers (and strings that are a plain signed number) are not formulas; any other text that starts
    with = + - @, a tab or a line break gets the ``'`` prefix OWASP recommends (Excel hides it).
    """
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return cell_text(v)
    s = cell_text(v)
    if s.startswith(FORMULA_START) and s not in ("-", "+", "--") and not _PLAIN_NUMBER.fullmatch(s):
        return "'" + s
    return s


def csv_text(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> str:
    """CSV with a header row; every cell neutralized against formula injection (``csv_safe``)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([csv_safe(c) for c in columns])
    for r in rows:
        w.writerow([csv_safe(v) for v in r])
    return buf.getvalue()


def write_xlsx(path: str, sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> None:
    """Write one sheet per entry (name → (columns, rows)), header bold, filters on, panes frozen.

    Written to a temporary file then moved, so a failed write never leaves half a workbook.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    wrap = Alignment(wrap_text=True, vertical="top")
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
                ws.column_dimensions[get_column_letter(i)].width = min(45, max(8, width + 2))
                if width + 2 > 45:  # long text wraps in a readable column instead of one very wide one
                    for (c,) in ws.iter_rows(min_row=2, max_row=n, min_col=i, max_col=i):
                        c.alignment = wrap
    with atomic_path(path, ".xlsx") as tmp:
        wb.save(tmp)


def _display_width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = ""):
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename.

    A failed or interrupted write never leaves half a file (nor clobbers the old one). A special file
    at ``path`` (FIFO, device) is written through instead: it is never replaced.
    """
    from jixiao.errors import WriteError

    if _special_file(path):
        # a FIFO, /dev/stdout, a terminal: renaming over it would replace the node with a regular file
        try:
            yield str(path)
        except OSError as e:
            raise WriteError(f"无法写入 cannot write: {e.strerror or e}", where=str(path)) from None
        return
    d = os.path.dirname(os.path.abspath(path)) or "."
    try:
        fd, tmp = tempfile.mkstemp(suffix=suffix, dir=d)
    except OSError as e:
        raise WriteError(f"无法写入 cannot write: {e.strerror or e}", where=str(path)) from None
    os.close(fd)
    try:
        yield tmp
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise WriteError(f"无法写入 cannot write: {e.strerror or e}", where=str(path)) from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _special_file(path) -> bool:
    """True for an existing FIFO, character/block device or socket (followed through symlinks)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_text_atomic(path: str, text: str, *, bom: bool = False) -> None:
    """Write ``text`` as UTF-8 (with a BOM for CSV meant for Excel, which needs it to read UTF-8)."""
    if bom:
        text = "\ufeff" + text
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)


def short_name(path, width: int = 40) -> str:
    """A file name cut to ``width`` characters from the left (…tail), for progress lines."""
    s = os.path.basename(str(path))
    return s if len(s) <= width else "…" + s[-(width - 1):]


def progress_bar(total: int, err):
    """A started rich progress bar on ``err`` when it is a terminal, else None (no noise in logs)."""
    if not getattr(err, "isatty", lambda: False)():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("{task.description:<40}", markup=False), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=Console(file=err), transient=True)
    bar.add_task("", total=total)
    bar.start()
    return bar
