"""Training data and ``jixiao train``: labeled rows come from the documents' own category columns.

Row sources (``source`` field of ``models/data/training.jsonl``):

- ``curated``: names and typical values written for jixiao (``models/data/curated.tsv``);
- ``taxonomy``: the taxonomy's examples;
- ``seed`` / ``dev:<file>``: rows of the development gold whose table states a category;
- ``harvest:<source>``: real rows from public repositories (``corpus/train/harvest.jsonl``).

``python -m jixiao.models.train --bundled`` rebuilds ``training.jsonl`` (when ../shared is
present) and the bundled ``default.npz`` (exported for prediction without scikit-learn) from it,
reproducibly.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from jixiao.errors import JixiaoError, ModelError, ReadError

CODES = {"qty": "output.quantity", "qlt": "output.quality", "tim": "output.timeliness", "cst": "output.cost",
         "eco": "benefit.economic", "soc": "benefit.social", "env": "benefit.ecological",
         "sus": "benefit.sustainable", "sat": "satisfaction.service_object"}
# Curated rows also train without their value (indicator libraries and drafts often have none).
NO_VALUE_WEIGHT = 0.5


def data_dir() -> Path:
    return Path(str(resources.files("jixiao.models") / "data"))


def stated_id(level2: str | None, level1: str | None = None) -> str | None:
    """cz2020 id of a stated second-level label (cz2021 names map back); None when not a category."""
    from jixiao.pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    cid = tax.id_for_name(level2, level1)
    if cid is None:
        return None
    cid = tax.map_id(cid, "cz2020", level2 or "")
    return cid if cid in tax.parent["cz2020"] else None


# -- bundled sources --------------------------------------------------------------------------

def curated_rows() -> list[dict]:
    rows = []
    for line in (data_dir() / "curated.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, *rest = line.split("\t")
        rows.append({"level3": name.strip(), "value": (rest[0].strip() if rest else "") or None,
                     "id": CODES[code.strip()], "source": "curated"})
    return rows


def taxonomy_rows() -> list[dict]:
    from jixiao.pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    rows = []
    for cid, info in tax.categories.items():
        for ex in info.examples:
            rows.append({"level3": ex, "value": None, "id": tax.map_id(cid, "cz2020", ex), "source": "taxonomy"})
    return rows


def gold_rows(shared: Path) -> list[dict]:
    """Labeled rows of the development gold (seed + dev); rows without a stated level2 are skipped."""
    rows = []
    seed = shared / "corpus" / "seed" / "chengde_2021_yingji.gold.json"
    if seed.exists():
        d = json.loads(seed.read_text(encoding="utf-8"))
        for p in d["projects"]:
            for ind in p["indicators"]:
                cid = stated_id(ind.get("level2"), ind.get("level1"))
                if cid and ind.get("level3"):
                    rows.append({"level3": ind["level3"], "value": ind.get("value"), "id": cid, "source": "seed"})
    dev = shared / "corpus" / "dev" / "gold.jsonl"
    if dev.exists():
        for line in dev.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            cid = stated_id(r.get("level2"), r.get("level1"))
            if cid and r.get("level3"):
                rows.append({"level3": r["level3"], "value": r.get("value_raw"), "id": cid,
                             "source": f"dev:{r['file']}", "kind": r.get("kind")})
    return rows


def harvest_rows(shared: Path) -> list[dict]:
    """Real rows of ``corpus/train/harvest.jsonl`` under their stated categories, the older evaluation
    framework mapped onto today's (产出数量 → 数量指标, 环境效益 → 生态效益指标 …, by the taxonomy's
    synonyms); 预算管理/财务管理 process rows and rows without a second level are left out."""
    path = shared / "corpus" / "train" / "harvest.jsonl"
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r.get("level2") in ("预算管理", "财务管理") or r.get("level1") == "预算绩效":
            continue
        cid = stated_id(r.get("level2"), r.get("level1"))
        if cid and r.get("name"):
            rows.append({"level3": r["name"], "value": r.get("value"), "id": cid,
                         "source": f"harvest:{r.get('source') or 'unknown'}"})
    return rows


def build_training_file(shared: Path | None, path: Path | None = None) -> list[dict]:
    """Assemble training.jsonl from the curated list, the taxonomy and (if present) the gold and
    the harvested rows."""
    rows = curated_rows() + taxonomy_rows() + (gold_rows(shared) + harvest_rows(shared) if shared else [])
    path = path or data_dir() / "training.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return rows


def bundled_rows() -> list[dict]:
    p = data_dir() / "training.jsonl"
    if not p.exists():
        return curated_rows() + taxonomy_rows()
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- rows from documents -----------------------------------------------------------------------

def _rows_of_document(doc, where: str) -> Iterator[dict]:
    for _, ind in doc.indicators():
        cid = stated_id(ind.level2_raw or ind.level2, ind.level1_raw or ind.level1)
        if cid and (ind.level3 or ind.description):
            yield {"level3": ind.level3 or ind.description, "description": ind.description, "value": ind.value,
                   "id": cid, "source": where, "kind": doc.kind}


def document_rows(paths: Iterable[str], *, err=None) -> tuple[list[dict], int, list[str]]:
    """Labeled rows of documents (any format `parse` reads), parsed Documents (.jsonl/.json from
    `jixiao parse`) or row files (.jsonl of ``{"level3", "value", "level2"[, "level1"]}``).

    Returns (rows, files read, failures as messages). A bad file is reported and skipped.
    """
    from jixiao.pipeline.enrich import INPUT_SUFFIXES, Parser, iter_input_files

    err = err or sys.stderr
    parser = None
    rows: list[dict] = []
    failures: list[str] = []
    nfiles = 0
    for path in iter_input_files(paths, INPUT_SUFFIXES + (".jsonl", ".json")) if paths else []:
        try:
            if path.suffix.lower() in (".jsonl", ".json"):
                rows += list(_rows_of_json(path))
            else:
                if parser is None:
                    parser = Parser(classify=False)
                rows += list(_rows_of_document(parser.parse(path), str(path)))
            nfiles += 1
        except JixiaoError as e:
            failures.append(str(e))
            print(f"错误 Error: {e}", file=err)
    return rows, nfiles, failures


def _rows_of_json(path: Path) -> Iterator[dict]:
    from jixiao.document import Document

    from jixiao.corpus.readers import check_file
    from jixiao.corpus.text import decode

    check_file(path)
    text, _ = decode(path.read_bytes(), str(path))  # UTF-8, BOM or GB18030, like any text file
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
            records = data if isinstance(data, list) else [data]
        else:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as e:
        raise ReadError(f"not valid JSON ({e.msg}, line {e.lineno})", where=str(path)) from None
    for i, rec in enumerate(records, 1):
        if not isinstance(rec, dict):
            raise ReadError(f"record {i} is not a JSON object", where=str(path))
        if "projects" in rec and "source" in rec:
            try:
                doc = Document.from_dict(rec)
            except (TypeError, KeyError, ValueError, AttributeError) as e:
                raise ReadError(f"record {i} is not a jixiao Document ({type(e).__name__}: {e})",
                                where=str(path)) from None
            yield from _rows_of_document(doc, str(path))
        elif rec.get("level3"):
            cid = rec.get("id") or stated_id(rec.get("level2"), rec.get("level1"))
            if cid:
                yield {"level3": rec["level3"], "description": rec.get("description"),
                       "value": rec.get("value", rec.get("value_raw")), "id": cid, "source": str(path),
                       "kind": rec.get("kind")}


# -- fitting -----------------------------------------------------------------------------------

def fit_model(rows: list[dict], **params):
    """Fit an IndicatorClassifier on labeled rows (curated rows also train without their value)."""
    from jixiao.models.classifier import IndicatorClassifier

    X, y, w = [], [], []
    for r in rows:
        X.append({"level3": r["level3"], "value": r.get("value")})
        y.append(r["id"])
        w.append(1.0)
        if r.get("source") == "curated" and r.get("value") and NO_VALUE_WEIGHT:
            X.append({"level3": r["level3"], "value": None})
            y.append(r["id"])
            w.append(NO_VALUE_WEIGHT)
    if len(set(y)) < 2:
        raise ModelError(f"need labeled rows of at least two categories to train, found {len(set(y))}")
    return IndicatorClassifier(**params).fit(X, y, sample_weight=w)


def index_rows(index_dir: str) -> tuple[list[dict], int]:
    """Labeled rows of every document in the index (their stated categories), and the document count."""
    from jixiao.index.store import open_store

    store = open_store(index_dir)
    try:
        docs = store.documents()
    finally:
        store.close()
    rows: list[dict] = []
    for doc in docs:
        rows += list(_rows_of_document(doc, f"index:{doc.source.path}"))
    return rows, len(docs)


def run_train(paths: list[str], out_path: str, *, include_bundled: bool = True, index_dir: str | None = None,
              out=None, err=None) -> dict:
    """``jixiao train``: fit on documents' labeled rows (+ bundled rows) and save a stamped model.

    ``index_dir``: also learn from every document in that index (``jixiao train --from-index``).
    """
    from jixiao.models.persist import save_file

    out = out or sys.stdout
    doc_rows, nfiles, failures = document_rows(paths, err=err)
    if paths and not nfiles and not failures:  # like parse/ingest: PATHS that hold no document are a mistake
        raise ReadError(f"没有可训练的文件 no .txt/.docx/.xlsx/.pdf/.jsonl files found in {' '.join(map(str, paths))}")
    if index_dir is not None:
        if not os.path.isdir(index_dir):
            raise ModelError(f"没有索引 no index at {index_dir}: run `jixiao ingest PATH...` first")
        irows, ndocs = index_rows(index_dir)
        if not irows:
            raise ModelError(f"索引中没有带类别的指标 the {ndocs} document(s) in {index_dir} state no categories "
                             "(their tables have no 一级/二级指标 columns)")
        doc_rows += irows
        nfiles += ndocs
    rows = list(doc_rows)
    if include_bundled:
        rows += bundled_rows()
    if not rows:
        raise ModelError("no labeled rows: the documents state no categories (use the bundled data, "
                         "or documents whose tables have 一级/二级指标 columns)")
    model = fit_model(rows)
    counts = Counter(r["id"] for r in rows)
    meta = {"rows": len(rows), "document_rows": len(doc_rows), "files": nfiles,
            "bundled": include_bundled, "per_category": dict(sorted(counts.items()))}
    if index_dir is not None:
        meta["index"] = os.path.abspath(index_dir)
    save_file(model, out_path, meta=meta)
    from jixiao.pipeline.taxonomy import load_taxonomy

    tax = load_taxonomy()
    print(f"文件 files read: {nfiles}  失败 failed: {len(failures)}", file=out)
    print(f"训练行 labeled rows: {len(rows)} (from documents {len(doc_rows)}, bundled "
          f"{len(rows) - len(doc_rows)})", file=out)
    for cid, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {tax.name(cid)}: {n}", file=out)
    print(f"模型 model written: {out_path}", file=out)
    if failures:
        raise ReadError(f"{len(failures)} file(s) could not be read; the model was trained without them")
    return meta


def main(argv: list[str] | None = None) -> int:
    """``python -m jixiao.models.train --bundled [--shared DIR]``: rebuild the bundled model."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m jixiao.models.train", description=main.__doc__)
    ap.add_argument("--bundled", action="store_true", help="rebuild models/data/{training.jsonl,default.npz}")
    ap.add_argument("--shared", default=None, help="the ../shared folder with the development gold")
    args = ap.parse_args(argv)
    if not args.bundled:
        ap.error("nothing to do (use --bundled, or `jixiao train` for your own model)")
    from jixiao.models.persist import save_file

    shared = Path(args.shared) if args.shared else Path(__file__).resolve().parents[2] / "shared"
    if shared.exists():
        rows = build_training_file(shared)
        print(f"training.jsonl rebuilt from {shared}: {len(rows)} rows")
    else:
        rows = bundled_rows()
        print(f"{shared} not found: training from the existing training.jsonl ({len(rows)} rows)")
    model = fit_model(rows)
    counts = Counter(r["source"].split(":")[0] for r in rows)
    path = save_file(model, data_dir() / "default.npz",
                     meta={"rows": len(rows), "sources": dict(sorted(counts.items()))})
    print(f"wrote {path} ({os.path.getsize(path) / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
