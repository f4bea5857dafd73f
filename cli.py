"""The ``jixiao`` command: a thin click layer over the library.

Every command opens what it needs, calls one library function and prints. Library errors
(``jixiao.errors.JixiaoError``) become one line on stderr and exit status 1; heavy libraries are
imported inside the commands so that ``jixiao --help`` stays instant.
"""

from __future__ import annotations

import functools
import os
import sys

import click

from jixiao import __version__
from jixiao.errors import JixiaoError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# 绩效 targets exist from about 2000; anything far outside is a typo (and overflows the index's year field)
YEAR = click.IntRange(1900, 2100)


class HelpFormatter(click.HelpFormatter):
    """Click wraps help by characters, and a Chinese character takes two columns: wrap a little
    earlier so that bilingual lines stay inside the terminal."""

    def __init__(self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None):
        super().__init__(indent_increment, width, max_width)
        self.width = max(40, self.width - 6)


class Context(click.Context):
    formatter_class = HelpFormatter


def fail(message: str) -> None:
    """Print one line on stderr and exit 1."""
    click.echo(f"错误 Error: {message}", err=True)
    sys.exit(1)


class _PathError(click.ClickException):
    """A path argument that does not exist: one bilingual line and exit status 1, like other bad input."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"错误 Error: {self.format_message()}", err=True)


class InputPath(click.Path):
    """``click.Path(exists=True)`` whose missing-path message is bilingual (click's own is English only)."""

    def convert(self, value, param, ctx):
        if self.exists and isinstance(value, (str, os.PathLike)) and str(value) != "-" and not os.path.exists(value):
            zh, en = ("文件夹", "folder") if not self.file_okay else ("文件", "file") if not self.dir_okay else \
                ("文件或文件夹", "file or folder")
            raise _PathError(f"{os.fsdecode(value)}: [R001] {zh}不存在 no such {en}")
        return super().convert(value, param, ctx)


def handle_errors(fn):
    """Turn library errors into one clear line and exit status 1 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except JixiaoError as e:
            fail(str(e))
        except KeyboardInterrupt:
            fail("中断 interrupted")
        except BrokenPipeError:
            sys.exit(0)
        except OSError as e:  # writing the output: a full disk (`> /dev/full`), a vanished mount
            _drop_stdout()
            fail(f"{e.filename or 'stdout'}: [W001] 无法写出 cannot write the output: {e.strerror or e}")

    return wrapper


def _drop_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def default_index_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "jixiao", "index")


def index_option(fn):
    return click.option(
        "--index", "index_dir", type=click.Path(file_okay=False), envvar="JIXIAO_INDEX",
        default=None, show_envvar=True,
        help="索引目录 index directory (default: $JIXIAO_INDEX, else a per-user data directory).",
    )(fn)


def resolve_index(index_dir: str | None) -> str:
    return index_dir or default_index_dir()


def taxonomy_option(fn):
    return click.option(
        "--taxonomy", type=click.Choice(["cz2020", "cz2021"]), default=None,
        help="指标体系 category framework for printed categories (default: the document's own, else cz2020).",
    )(fn)


def model_option(fn):
    return click.option(
        "--model", "model_path", type=click.Path(dir_okay=False), default=None,
        help="分类模型 a model file from `jixiao train` (default: the index's own model from "
             "`jixiao train --from-index` if there is one, else the bundled model).",
    )(fn)


def index_model(model_path: str | None, index_dir: str | None) -> str | None:
    """--model, else the model `train --from-index` saved beside the index (if any)."""
    if model_path:
        return model_path
    from jixiao.models.predict import index_model_path

    p = index_model_path(resolve_index(index_dir))
    return p if os.path.isfile(p) else None


def metadata_options(fn):
    for opt in reversed([
        click.option("--year", type=YEAR, default=None, help="年度 override the inferred year."),
        click.option("--region", default=None, help="地区 override the inferred region."),
        click.option("--department", default=None, help="部门 override the inferred department."),
    ]):
        fn = opt(fn)
    return fn


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="jixiao")
def cli():
    """jixiao 绩效: 解析、抽取、分类、检索与对比绩效目标。

    Parse performance-target documents (.txt .docx .xlsx .pdf), normalize 指标值, classify
    indicators into 一级/二级指标, index them for search, and compare targets across years.

    \b
    Quick start 快速上手:
      jixiao parse corpus/samples --format table  # 查看解析 see what is read
      jixiao ingest corpus/samples                # 建立索引 build the index
      jixiao search 演练                          # 检索 search past targets
      jixiao suggest 培训人次                     # 建议类别 while drafting
      jixiao compare --department 应急 --from 2021 --to 2022 --format html \\
          -o report.html                          # 跨年对比 compare years
    """


# ---------------------------------------------------------------- parse

@cli.command()
@click.argument("paths", nargs=-1, required=True, type=InputPath(exists=True))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table"]), default="jsonl",
              show_default=True, help="输出格式 output format.")
@metadata_options
@taxonomy_option
@model_option
@index_option
@click.option("--no-classify", is_flag=True, help="不用模型补全类别 skip the classifier (faster).")
@handle_errors
def parse(paths, fmt, year, region, department, taxonomy, model_path, index_dir, no_classify):
    """解析文档 Parse documents into structured Documents (one per file).

    Folders are searched recursively. A bad file is reported by name and skipped; the exit
    status is 1 at the end if any file failed.

    \b
    Example:
      jixiao parse corpus/samples/chengde_2021_yingji.txt --format table
    """
    import json

    from jixiao.output import progress_bar, short_name
    from jixiao.pipeline.enrich import Parser, iter_input_files

    parser = Parser(year=year, region=region, department=department, taxonomy=taxonomy,
                    model_path=index_model(model_path, index_dir), classify=not no_classify)
    failed = 0
    docs = []
    files = list(iter_input_files(paths))
    if not files:
        fail(f"没有可解析的文件 no .txt/.docx/.xlsx/.pdf files found in {' '.join(paths)}")
    # A bar only when the documents go to a file or pipe: it would tangle with output on the screen.
    bar = progress_bar(len(files), sys.stderr) if len(files) > 1 and not sys.stdout.isatty() else None
    say = (lambda line: bar.console.print(line, markup=False, highlight=False)) if bar else \
        (lambda line: click.echo(line, err=True))
    try:
        for i, path in enumerate(files):
            if bar:
                bar.update(bar.task_ids[0], completed=i, description=short_name(path))
            try:
                doc = parser.parse(path)
            except JixiaoError as e:
                say(f"错误 Error: {e}")
                failed += 1
                continue
            except (Exception, MemoryError) as e:  # noqa: BLE001 - a reader bug: name the file, go on with the batch
                from jixiao.index.ingest import _error_line

                say(_error_line(path, e))
                failed += 1
                continue
            _emit_document(doc, fmt, docs)
    finally:
        if bar:
            bar.stop()
    if fmt == "json":
        click.echo(json.dumps(docs, ensure_ascii=False, indent=1))
    if failed:
        sys.exit(1)


def _emit_document(doc, fmt: str, docs: list) -> None:
    """jsonl prints at once; json collects (printed as one array at the end); table prints for people."""
    from jixiao.output import dumps

    if fmt == "jsonl":
        click.echo(dumps(doc.to_dict()))
    elif fmt == "json":
        docs.append(doc.to_dict())
    else:
        _print_document_table(doc)


def _print_document_table(doc) -> None:
    """A document for people: a header line, one small table per project, the narrative targets."""
    from jixiao.document import project_display_name
    from jixiao.output import print_table, target_text

    click.echo(f"{doc.source.path}\n  年度 {doc.year or '?'}  地区 {doc.region or '?'}  "
               f"部门 {doc.department or '?'}  项目 {len(doc.projects)}  "
               f"指标 {sum(len(p.indicators) for p in doc.projects)}")
    for k, p in enumerate(doc.projects, 1):
        b = p.budget
        money = "" if not b or b.total is None else f"  预算 {b.total:g} {b.unit or '万元'}"
        click.echo(f"\n[{k}] {project_display_name(p)}{money}")
        rows = []
        for ind in p.indicators:
            cat = ind.category
            # categories the document states are the norm; only a model's guess is worth flagging
            source = "" if not cat or cat.source == "document" else f"模型 {cat.confidence:.2f}"
            # a suspect row (read_confidence < 0.5) is kept but marked, with the reader's reasons
            mark = "" if getattr(ind, "read_confidence", 1.0) >= 0.5 else \
                f"? 存疑 {ind.read_confidence:.2f} {','.join(ind.flags)}"
            rows.append([ind.level1 or (cat and cat.level1), ind.level2 or (cat and cat.level2),
                         ind.level3, ind.value, ind.actual, source, mark])
        print_table(rows, ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "类别 model", "读取 suspect"],
                    drop_empty=True, compact=True)
    targets = [(s.heading, t) for s in doc.sections for t in s.targets]
    if targets:
        click.echo("\n叙述目标 narrative targets")
        print_table([[t.text, target_text(t.target), t.level2] for _, t in targets],
                    ["目标 target", "规范值 normalized", "二级指标"], drop_empty=True, compact=True)
    for w in doc.warnings:
        click.echo(f"  警告 {w.code}: {w.message}" + (f" ({w.where})" if w.where else ""))


# ---------------------------------------------------------------- extract

def _stdin_lines():
    """Lines of stdin decoded like a text file (UTF-8, BOM, GB18030), not by the locale."""
    from jixiao.corpus.text import decode_lines

    return decode_lines(getattr(sys.stdin, "buffer", None))  # None when stdin is closed


@cli.command()
@click.argument("text", required=False)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True,
              help="输出格式 output format.")
@handle_errors
def extract(text, fmt):
    """抽取指标值 Extract normalized targets from TEXT, or from each line on stdin.

    A stdin line may be JSON with the row's context: {"value": "90", "name": "任务完成率"}
    ("level3" for "name"; also "unit", "level2", "year"): the name supplies the unit of a
    bare number (90 under a 率 → 90%) and the direction. A blank stdin line is an empty cell (na).

    \b
    Example:
      jixiao extract "安全生产月发放宣传品1万份，抽查率达到50%"
      printf '≥95%%\\n24小时内\\n' | jixiao extract
      echo '{"value": "28", "name": "面积(万亩)"}' | jixiao extract
    """
    from jixiao.errors import EmptyInputError, ReadError, TooLargeError
    from jixiao.output import KIND_ZH, dumps, print_table, target_text
    from jixiao.pipeline.extract import MAX_LINE_CHARS, extract_targets, read_extract_line

    if text is not None and not text.strip():
        raise EmptyInputError("空文本 empty text: give a value or a sentence, or pipe lines on stdin", where="TEXT")
    lines = [text] if text is not None else _stdin_lines()
    table_rows = []
    out = sys.stdout
    n = bad = 0
    for lineno, line in enumerate(lines, 1):
        n += 1
        if len(line) > MAX_LINE_CHARS:  # extraction is ~60k characters/s: a pasted book would take minutes
            bad += 1
            e = TooLargeError(f"文本过长 {len(line):,} characters, at most {MAX_LINE_CHARS:,} per line; split it "
                              f"into sentences or paragraphs", where="TEXT" if text is not None else f"stdin line {lineno}")
            click.echo(f"错误 Error: {e}", err=True)
            if fmt == "jsonl":
                out.write(dumps({"line": lineno, "error": e.message, "targets": []}) + "\n")
            continue
        try:
            item = read_extract_line(line, lineno) if text is None else {"text": line}
        except ValueError as e:
            bad += 1
            click.echo(f"错误 Error: stdin {e}", err=True)
            if fmt == "jsonl":
                out.write(dumps({"line": lineno, "error": str(e), "targets": []}) + "\n")
            continue
        found = extract_targets(item["text"], name=item.get("name"), level2=item.get("level2"),
                                unit=item.get("unit"), year=item.get("year"))
        if fmt == "jsonl":
            echo = {k: item[k] for k in ("name", "level2", "unit", "year") if item.get(k) is not None}
            out.write(dumps({"text": item["text"], **echo, "targets": found}) + "\n")
        else:
            # the text once per input, not once per target; an implied comparator in parentheses
            shown = item["text"] if not item.get("name") else f"{item['name']} | {item['text']}"
            for k, t in enumerate(found or [None]):
                op = t and (t["op"] or (f"({t['implied_op']})" if t.get("implied_op") else ""))
                table_rows.append([shown if k == 0 else "", t and t["raw"], t and KIND_ZH.get(t["kind"], t["kind"]),
                                   op, t and target_text(t), t and f"{t['span'][0]}-{t['span'][1]}"])
    if fmt == "table":
        print_table(table_rows, ["文本 text", "原文 raw", "类型 kind", "比较 op", "规范值 normalized", "位置 span"])
    if n == 0:
        raise EmptyInputError("没有输入 no input: give TEXT, or pipe lines (or JSON lines) on stdin", where="stdin")
    if bad:
        raise ReadError(f"{bad} input line(s) could not be read; the other {n - bad} were extracted", where="stdin")


# ---------------------------------------------------------------- classify / suggest / train / evaluate

@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True,
              help="输出格式 output format.")
@taxonomy_option
@model_option
@index_option
@handle_errors
def classify(fmt, taxonomy, model_path, index_dir):
    """分类 Classify indicators read from stdin (JSON lines or plain names, one per line).

    \b
    Example:
      printf '培训人次\\n验收合格率\\n' | jixiao classify --format table
      echo '{"level3": "光纤故障率", "value": "5%"}' | jixiao classify
    """
    from jixiao.models.predict import classify_lines

    classify_lines(_stdin_lines(), sys.stdout, fmt=fmt, taxonomy=taxonomy, model_path=model_path,
                   index_dir=resolve_index(index_dir))


@cli.command()
@click.argument("name")
@click.option("--value", default=None, help="拟定指标值 the value being drafted, e.g. ≥95%.")
@click.option("--top", default=3, type=click.IntRange(min=1), show_default=True,
              help="候选类别数 number of categories shown.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="输出格式 output format.")
@index_option
@taxonomy_option
@model_option
@handle_errors
def suggest(name, value, top, fmt, index_dir, taxonomy, model_path):
    """建议类别 Suggest categories (and typical past values) for an indicator being drafted.

    \b
    Example:
      jixiao suggest 培训人次
      jixiao suggest 验收合格率 --value 95%
    """
    from jixiao.models.suggest import run_suggest

    run_suggest(name, value=value, top=top, fmt=fmt, index_dir=resolve_index(index_dir),
                taxonomy=taxonomy, model_path=model_path, out=sys.stdout)


@cli.command()
@click.argument("paths", nargs=-1, type=InputPath(exists=True))
@click.option("-o", "--output", "out_path", default=None, type=click.Path(dir_okay=False),
              help="模型文件 where to write the model (.npz; with --from-index default: beside the index).")
@click.option("--from-index", is_flag=True,
              help="用索引训练 learn from the categories stated in the indexed documents.")
@index_option
@click.option("--no-bundled", is_flag=True, help="不含内置训练数据 train only on PATHS / the index.")
@handle_errors
def train(paths, out_path, from_index, index_dir, no_bundled):
    """训练分类模型 Train the classifier from documents' own category columns.

    Labeled rows of PATHS (plus the bundled training rows and taxonomy examples, unless
    --no-bundled) train a model saved in a safe format (.npz, no pickle) with a version stamp.
    With --from-index the rows come from everything ingested; the model is saved beside the
    index and `suggest`, `classify` and `parse` then use it (their JSON says which model answered).

    \b
    Example:
      jixiao train my_docs/ -o my_model.npz
      jixiao classify --model my_model.npz < names.txt
      jixiao train --from-index
    """
    from jixiao.models.train import run_train

    if from_index:
        from jixiao.models.predict import index_model_path

        idx = resolve_index(index_dir)
        run_train(list(paths), out_path or index_model_path(idx), include_bundled=not no_bundled,
                  index_dir=idx, out=sys.stdout)
        return
    if not out_path:
        raise click.UsageError("train needs -o MODEL (or --from-index)")
    run_train(list(paths), out_path, include_bundled=not no_bundled, out=sys.stdout)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=InputPath(exists=True))
@taxonomy_option
@model_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="输出格式 output format.")
@handle_errors
def evaluate(paths, taxonomy, model_path, fmt):
    """评估模型 Score the classifier against the categories documents state.

    Prints accuracy and macro-F1 (first and second level) and a confusion table.

    \b
    Example:
      jixiao evaluate corpus/samples
    """
    from jixiao.models.evaluate import run_evaluate

    run_evaluate(list(paths), model_path=model_path, taxonomy=taxonomy, fmt=fmt, out=sys.stdout)


# ---------------------------------------------------------------- ingest / search / compare

@cli.command()
@click.argument("paths", nargs=-1, required=True, type=InputPath(exists=True))
@index_option
@metadata_options
@model_option
@click.option("--quiet", "-q", is_flag=True, help="不显示进度条 no progress bar.")
@click.option("--backend", type=click.Choice(["whoosh", "tantivy"]), default=None, metavar="ENGINE",
              help="检索引擎 whoosh (default) or tantivy, for a new index; an existing one keeps its own.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="解析进程数 parser processes (default: one per core, at most one per file).")
@click.option("--warnings", "list_warnings", is_flag=True,
              help="列出每条警告及其文件 list every reading warning with its file.")
@handle_errors
def ingest(paths, index_dir, year, region, department, model_path, quiet, backend, jobs, list_warnings):
    """入库 Parse, extract, classify and index documents for search.

    Files already indexed (same content) are skipped; a changed file replaces its old records.
    A bad file is named and skipped; the exit status is 1 at the end if any failed.

    \b
    Example:
      jixiao ingest corpus/samples
      jixiao ingest 2021/ 2022/ --index ~/jixiao-index
      jixiao ingest province/ --index ~/big-index --backend tantivy --jobs 8
      jixiao ingest 2021/ --warnings      # which files to check
    """
    from jixiao.index.ingest import run_ingest

    ok = run_ingest(list(paths), resolve_index(index_dir), year=year, region=region,
                    department=department, model_path=model_path, progress=not quiet,
                    out=sys.stdout, err=sys.stderr, backend=backend, jobs=jobs)
    if list_warnings:
        from jixiao.index.ingest import print_warnings

        print_warnings(list(paths), resolve_index(index_dir), out=sys.stdout)
    if not ok:
        sys.exit(1)


# a query may start with "-" (-企业 leaves 企业 out): unknown "options" are the query, not errors
@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("query")
@index_option
@click.option("--year", type=YEAR, default=None, help="年度 only this year.")
@click.option("--from", "year_from", type=YEAR, default=None, help="起始年度 from this year.")
@click.option("--to", "year_to", type=YEAR, default=None, help="截止年度 up to this year.")
@click.option("--department", default=None, help="部门 department (substring match).")
@click.option("--region", default=None,
              help="地区 region, any level (安徽 finds 安徽省淮北市濉溪县). 省/市/县 任一级。")
@click.option("--level1", default=None, help="一级指标 first-level category.")
@click.option("--level2", default=None, help="二级指标 second-level category.")
@click.option("--kind", type=click.Choice(["indicator", "narrative", "project"]), default=None,
              help="记录类型 record kind: indicator rows, narrative targets, project goals and funds use.")
@click.option("--min", "vmin", type=float, default=None,
              help="目标数值下限 minimum target number (95 for 95%, 10000 for 1万份).")
@click.option("--max", "vmax", type=float, default=None, help="目标数值上限 maximum target number.")
@click.option("--limit", default=20, type=click.IntRange(min=0), show_default=True, help="最多条数 maximum hits.")
@click.option("--confident", is_flag=True, default=False,
              help="只看可靠读取的行 leave out suspect rows (read_confidence < 0.5).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
              show_default=True, help="输出格式 output format (xlsx needs -o).")
@click.option("-o", "--output", "out_path", type=click.Path(dir_okay=False), default=None,
              help="输出文件 write to this file (required for xlsx).")
@handle_errors
def search(query, index_dir, year, year_from, year_to, department, region, level1, level2, kind,
           vmin, vmax, limit, confident, fmt, out_path):
    """检索 Search past targets in the index.

    \b
    QUERY：词语（须全部出现；满意度 也找 满意率/满意程度）、
    "带引号的短语"（精确）、-词 或 NOT 词（排除含该词的行）、a OR b、
    字段:值；'*' 配合筛选列出全部。
    QUERY is words (all must match; 满意度 also finds 满意率/满意程度),
    "a quoted phrase" (exact), -word or NOT word (leave out rows containing
    it), a OR b, or field:value (fields: project department region level1
    level2 year kind); '*' with filters lists everything.

    \b
    Example:
      jixiao search 应急演练
      jixiao search 满意 --year 2021 --level2 服务对象满意度指标
      jixiao search '*' --kind indicator --min 90 --max 100
      jixiao search '"应急演练次数"' --format xlsx -o hits.xlsx
      jixiao search '满意 -企业' --region 河北 --confident
    """
    from jixiao.index.search import run_search

    if fmt == "xlsx" and not out_path:
        raise click.UsageError("--format xlsx needs -o FILE.xlsx")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise click.UsageError(f"--from {year_from} is after --to {year_to}")
    if vmin is not None and vmax is not None and vmin > vmax:
        raise click.UsageError(f"--min {vmin:g} is above --max {vmax:g}")
    run_search(resolve_index(index_dir), query, year=year, year_from=year_from, year_to=year_to,
               department=department, region=region, level1=level1, level2=level2, kind=kind,
               vmin=vmin, vmax=vmax, limit=limit, fmt=fmt, out_path=out_path, out=sys.stdout,
               confident=confident)


@cli.command()
@click.option("--department", required=True, help="部门 department (name or unique substring).")
@click.option("--from", "year_from", type=YEAR, required=True, help="基准年度 the earlier year.")
@click.option("--to", "year_to", type=YEAR, required=True, help="对比年度 the later year.")
@index_option
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html", "csv", "xlsx"]), default="md",
              show_default=True, help="报告格式 report format: md/html to read, xlsx/csv for Excel, json for scripts.")
@click.option("-o", "--output", "out_path", type=click.Path(dir_okay=False), default=None,
              help="输出文件 write to this file (required for xlsx).")
@handle_errors
def compare(department, year_from, year_to, index_dir, fmt, out_path):
    """跨年对比 Compare a department's targets across years.

    Projects and indicators are matched by meaning (names drift, codes change); the report
    lists added, removed and changed projects, budgets, indicators and narrative targets.
    The report compares --from with --to; years indexed between them add a
    year-by-year section with a column per year (json: key "by_year").

    \b
    要求提高 raised = 目标更严格（故障率、时限降低也算）a more demanding target.

    \b
    Example:
      jixiao compare --department 承德市应急管理局 --from 2021 --to 2022
      jixiao compare --department 应急管理局 --from 2021 --to 2022 \\
          --format html -o report.html
      jixiao compare --department 应急管理局 --from 2020 --to 2022 \\
          --format xlsx -o report.xlsx
    """
    from jixiao.index.compare import run_compare

    if fmt == "xlsx" and not out_path:
        raise click.UsageError("--format xlsx needs -o FILE.xlsx")
    if year_from >= year_to:
        raise click.UsageError(f"--from {year_from} must be an earlier year than --to {year_to}")
    run_compare(resolve_index(index_dir), department, year_from, year_to, fmt=fmt, out_path=out_path,
                out=sys.stdout)


# ---------------------------------------------------------------- check / serve (the drafting uses)

@cli.command()
@click.argument("paths", nargs=-1, required=True, type=InputPath(exists=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="输出格式 output format (json: one object for one file, an array for several).")
@index_option
@handle_errors
def check(paths, fmt, index_dir):
    """审核草稿 Review a draft 绩效目标表 before it is filed.

    Every row gets its category (stated or suggested), its normalized value and findings:
    unmeasurable rates and counts, numbers without units, categories that contradict the
    name, duplicates, missing 满意度指标 (and, in the 2021 framework, 成本指标) blocks,
    deadlines outside the budget year and, with an index, values far from past years.
    The exit status is 1 when any finding is an error.

    \b
    Example:
      jixiao check draft.xlsx
      jixiao check corpus/samples/chengde_2021_yingji.txt --format json
    """
    from jixiao.apps.check import run_check

    if not run_check(list(paths), fmt=fmt, index_dir=resolve_index(index_dir), out=sys.stdout, err=sys.stderr):
        sys.exit(1)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址 address to listen on (only this computer by default).")
@click.option("--port", default=8000, type=click.IntRange(0, 65535), show_default=True, help="端口 port.")
@index_option
@handle_errors
def serve(host, port, index_dir):
    """本地工作台 A local web workbench for drafting, search and comparison.

    Drafting page: categories, typical past values and similar indicators as you type; paste
    a table from Excel (or upload .docx/.xlsx) to see check's findings row by row and download
    the reviewed table. Also a search page and the compare report. Stop with Ctrl-C.

    \b
    Example:
      jixiao serve                 # then open http://127.0.0.1:8000/
      jixiao serve --port 8080 --index ~/jixiao-index
    """
    from jixiao.apps.web import run_server

    run_server(host=host, port=port, index_dir=resolve_index(index_dir))


for _command in [cli, *cli.commands.values()]:
    _command.context_class = Context  # bilingual help wraps inside the terminal


def main() -> None:
    cli(prog_name="jixiao")


if __name__ == "__main__":
    main()
