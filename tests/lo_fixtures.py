"""LibreOffice-made renderings of the seed: a Word-style .docx → .pdf/.doc, and the .xlsx → .xls.

The committed files under ``tests/data/lo/`` were made by ``python tests/lo_fixtures.py`` with Debian's
LibreOffice 7.4 (``soffice --headless --convert-to``); tests read those, so they run without soffice,
and ``test_lo_regenerate_*`` rebuild them when soffice is installed.

The Word-style .docx differs from ``office_fixtures.build_docx`` the way exports from Word differ:
宋体 五号 text, every cell centred vertically (so a merged 一级指标 cell that crosses a page break
draws its text on whichever page holds the middle of the merge), the first row of each project
table repeated on every page (Word's 重复标题行), narrow columns that wrap long names and values
over several lines, tables left to break across pages wherever the page ends, and a running header
(the document title) and a 第 N 页 footer on every page.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
import office_fixtures as fx  # noqa: E402

LO_DIR = HERE / "data" / "lo"
FILES = {"word.pdf": "docx", "word.doc": "docx", "sheet.xls": "xlsx"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def build_word_docx(gold: dict) -> bytes:
    """``build_docx`` restyled as Word users file it (see the module docstring)."""
    import docx
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = docx.Document(io.BytesIO(fx.build_docx(gold)))
    style = d.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    widths = [Cm(w) for w in (2.0, 2.0, 2.6, 2.2, 1.6, 2.2, 2.2)]  # narrow: names and values wrap
    for t in d.tables:
        trpr = t.rows[0]._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:tblHeader"))  # 重复标题行: the first row again on every page
        for row in t.rows:
            for j, cell in enumerate(row.cells):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                if j < len(widths):
                    cell.width = widths[j]
    section = d.sections[0]
    section.header.paragraphs[0].text = "承德市应急管理局2021年度部门整体及项目绩效目标"
    footer = section.footer.paragraphs[0]
    footer.add_run("第 ")
    field = OxmlElement("w:fldSimple")  # the page number, computed by the word processor
    field.set(qn("w:instr"), "PAGE")
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" 页")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def convert(src: Path, fmt: str, out_dir: Path, timeout: float = 180) -> Path:
    """``soffice --headless --convert-to fmt`` with a private profile; returns the converted file."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("soffice not installed")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        env = dict(os.environ, HOME=profile)
        subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                        "--convert-to", fmt, "--outdir", str(out_dir), str(src)],
                       check=True, capture_output=True, timeout=timeout, env=env)
    out = out_dir / (src.stem + "." + fmt.split(":")[0])
    if not out.exists():
        raise RuntimeError(f"soffice made no {out.name}")
    return out


def build_all(out_dir: Path, gold: dict | None = None) -> dict[str, Path]:
    """Make word.pdf, word.doc and sheet.xls in ``out_dir`` with LibreOffice; returns name → path."""
    gold = gold or fx.load_gold()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = {"docx": Path(tmp) / "word.docx", "xlsx": Path(tmp) / "sheet.xlsx"}
        src["docx"].write_bytes(build_word_docx(gold))
        src["xlsx"].write_bytes(fx.build_xlsx(gold))
        made = {}
        for name, kind in FILES.items():
            fmt = name.rsplit(".", 1)[1]
            made[name] = convert(src[kind], "doc:MS Word 97" if fmt == "doc" else fmt, out_dir)
    return made


if __name__ == "__main__":
    for name, path in build_all(LO_DIR).items():
        print(f"{path}  {path.stat().st_size / 1024:.0f} KB")
