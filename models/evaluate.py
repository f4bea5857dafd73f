"""``jixiao evaluate``: score the classifier against the categories documents state.

Only rows whose table states a second-level category count; the model sees the third-level
name and value alone. Scores are computed on cz2020 ids (a cz2021 document's 经济成本指标 is the
same slot as 产出/成本指标); names are printed in ``--taxonomy``.
"""

from __future__ import annotations

import sys
from collections import Counter

from jixiao.errors import ReadError


def scores(gold: list[str], pred: list[str]) -> dict:
    """Accuracy and macro-F1 (over the labels present in gold or predictions), plus per-label P/R/F1."""
    labels = sorted(set(gold) | set(pred))
    tp = Counter(g for g, p in zip(gold, pred) if g == p)
    ng, npred = Counter(gold), Counter(pred)
    per = {}
    for lab in labels:
        prec = tp[lab] / npred[lab] if npred[lab] else 0.0
        rec = tp[lab] / ng[lab] if ng[lab] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"support": ng[lab], "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4)}
    n = len(gold)
    return {"n": n, "accuracy": round(sum(tp.values()) / n, 4) if n else None,
            "macro_f1": round(sum(v["f1"] for v in per.values()) / len(per), 4) if per else None,
            "per_label": per}


def _short(name: str | None) -> str:
    if not name:
        return "?"
    s = name.replace("服务对象", "").replace("指标", "")
    return s.replace("效益", "") if s.endswith("效益") and len(s) > 2 else s


def run_evaluate(paths: list[str], *, model_path: str | None = None, taxonomy: str | None = None,
                 fmt: str = "table", out=None, err=None) -> dict:
    """Print accuracy, macro-F1 (level1, level2) and a confusion table for the documents' rows."""
    from jixiao.models.predict import load_model
    from jixiao.models.train import document_rows
    from jixiao.output import dumps
    from jixiao.pipeline.taxonomy import load_taxonomy

    out = out or sys.stdout
    rows, nfiles, failures = document_rows(paths, err=err)
    if not rows:
        if failures and not nfiles:  # each bad file was already named on stderr
            raise ReadError(f"没有可评估的文件 none of the {len(failures)} file(s) could be read")
        raise ReadError("no rows with a stated second-level category (二级指标) to evaluate against",
                        where=", ".join(map(str, paths))[:200])
    tax = load_taxonomy()
    version = taxonomy or tax.default_version
    preds = load_model(model_path).predict_categories(
        [{"level3": r["level3"], "value": r.get("value")} for r in rows])
    gold2 = [r["id"] for r in rows]
    pred2 = [p["id"] for p in preds]
    name2 = {cid: tax.label(cid, version)[1] for cid in set(gold2) | set(pred2)}
    l2 = scores([name2[c] for c in gold2], [name2[c] for c in pred2])
    l1 = scores([tax.label(c, version)[0] for c in gold2], [tax.label(c, version)[0] for c in pred2])
    labels = [name2[c] for c in tax.ids(version) if c in name2] or sorted(set(name2.values()))
    labels += sorted({v for v in name2.values() if v not in labels})
    conf = [[sum(1 for g, p in zip(gold2, pred2) if name2[g] == a and name2[p] == b) for b in labels] for a in labels]
    result = {"files": nfiles, "rows": len(rows), "taxonomy": version, "level1": l1, "level2": l2,
              "labels": labels, "confusion": conf, "failed_files": len(failures)}
    if fmt == "json":
        out.write(dumps(result) + "\n")
    else:
        from jixiao.output import print_table

        out.write(f"文件 files: {nfiles}  行 rows: {len(rows)}  指标体系 taxonomy: {version}\n")
        out.write(f"一级指标 level1: accuracy {l1['accuracy']:.3f}  macro-F1 {l1['macro_f1']:.3f}\n")
        out.write(f"二级指标 level2: accuracy {l2['accuracy']:.3f}  macro-F1 {l2['macro_f1']:.3f}\n")
        print_table([[a] + row + [sum(row)] for a, row in zip(labels, conf)],
                    ["文档 stated \\ 模型 model"] + [_short(b) for b in labels] + ["合计"],
                    title="混淆表 confusion (rows: stated, columns: predicted)", file=out)
    if failures:
        raise ReadError(f"{len(failures)} file(s) could not be read; scores cover the others")
    return result
