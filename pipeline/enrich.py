"""The parse pipeline: read → layout → targets → categories, over one file or a batch.

``Parser`` holds what is expensive to load (the classifier) and is reused across files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from jixiao.document import Category, Document

# What folders are searched for: every format the readers read (legacy ones included).
INPUT_SUFFIXES = (".txt", ".text", ".csv", ".docx", ".xlsx", ".xlsm", ".pdf", ".html", ".htm", ".doc", ".xls",
                  ".wps", ".et")
DISAGREE_P = 0.9  # model probability above which a differing stated category earns a warning


def iter_input_files(paths: Iterable[str | os.PathLike], suffixes: tuple[str, ...] = INPUT_SUFFIXES) -> Iterator[Path]:
    """Files named directly, and files with ``suffixes`` under folders (recursive, sorted, hidden skipped)."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                rel = sub.relative_to(p).parts
                if sub.is_file() and not any(part.startswith(".") for part in rel) \
                        and sub.suffix.lower() in suffixes and not sub.name.startswith("~$"):
                    yield sub
        else:
            yield p


class Parser:
    """Parse files into enriched Documents.

    Args:
        year, region, department: override what is inferred from the text.
        taxonomy (str | None): cz2020|cz2021 for model categories; None follows each document.
        model_path (str | None): a trained model; None uses the bundled one.
        classify (bool): fill categories with the model (rows without stated ones, narrative).
    """

    def __init__(self, *, year=None, region=None, department=None, taxonomy=None, model_path=None,
                 classify=True):
        self.year, self.region, self.department = year, region, department
        self.taxonomy_version = taxonomy
        self.model_path = model_path
        self.classify = classify
        self._model = None

    @property
    def model(self):
        if self._model is None:
            from jixiao.models.predict import load_model

            self._model = load_model(self.model_path)
        return self._model

    def parse(self, path: str | os.PathLike, data: bytes | None = None) -> Document:
        """``data``: the file's bytes when the caller has already read them (ingest hashes them first)."""
        from jixiao.corpus.layout import build_document
        from jixiao.corpus.readers import read

        raw = read(path, data)
        doc = build_document(raw)
        if self.year is not None:
            doc.year = self.year
        if self.region is not None:
            doc.region = self.region
        from jixiao.corpus.metadata import region_levels

        doc.region_levels = region_levels(doc.region, raw.text if self.region is None else "")
        if doc.region is None and doc.region_levels:
            lv = doc.region_levels
            doc.region = lv["county"] or lv["city"] or lv["province"]
        if self.department is not None:
            doc.department = self.department
        self.enrich(doc)
        return doc

    def enrich(self, doc: Document) -> Document:
        """Fill targets (every row and narrative clause) and categories."""
        from jixiao.pipeline.extract import narrative_targets, parse_value
        from jixiao.pipeline.taxonomy import load_taxonomy

        tax = load_taxonomy()
        version = self.taxonomy_version or tax.detect_version(
            [i.level1_raw for _, i in doc.indicators()], [i.level2_raw for _, i in doc.indicators()])
        for _, ind in doc.indicators():
            unit = getattr(ind, "unit", None)  # a separate 单位/计量单位 column, when the table has one
            if ind.target is None:
                ind.target = parse_value(ind.value, name=ind.level3, level2=ind.level2, year=doc.year, unit=unit)
            if ind.actual and ind.actual_target is None:
                ind.actual_target = parse_value(ind.actual, name=ind.level3, level2=ind.level2, year=doc.year,
                                                unit=unit)
        for s in doc.sections:
            if s.indicator_text and not s.targets:
                s.targets = narrative_targets(s.indicator_text, year=doc.year)
        if self.classify:
            self._classify(doc, tax, version)
        else:
            for _, ind in doc.indicators():
                if ind.category is None and ind.level2:
                    ind.category = Category(ind.level1, ind.level2, "document", 1.0)
        return doc

    def _classify(self, doc: Document, tax, version: str) -> None:
        rows = [ind for _, ind in doc.indicators()]
        narr = [t for s in doc.sections for t in s.targets]
        # A stated first level without a second keeps the model to the categories under it.
        items = [{"level3": i.level3, "description": i.description, "value": i.value,
                  "level1": None if i.level2 else (i.level1 or i.level1_raw)} for i in rows]
        items += [{"level3": t.text, "value": t.target.raw if t.target else None} for t in narr]
        preds = self.model.predict_categories(items) if items else []
        for ind, pred in zip(rows, preds[: len(rows)]):
            l1, l2 = tax.label(pred["id"], version, ind.level3 or "")
            if ind.level2:
                stated = tax.id_for_name(ind.level2, ind.level1)
                if stated and self.taxonomy_version:  # an explicit framework: print the stated category in it
                    s1, s2 = tax.label(stated, version, ind.level3 or "")
                else:
                    s1, s2 = (ind.level1 or (tax.level1_of(stated, version) if stated else None)), ind.level2
                ind.category = Category(s1, s2, "document", 1.0)
                if stated and pred["id"] != stated and pred["confidence"] >= DISAGREE_P \
                        and tax.map_id(stated, "cz2020") != tax.map_id(pred["id"], "cz2020"):
                    doc.warn("W-CATEGORY", f"「{ind.level3}」 is filed under {ind.level2} but reads as {l2} "
                             f"(p={pred['confidence']:.2f})", where=ind.level3)
            else:
                ind.category = Category(l1, l2, "model", round(float(pred["confidence"]), 3))
        for t, pred in zip(narr, preds[len(rows):]):
            l1, l2 = tax.label(pred["id"], version, t.text)
            t.level1, t.level2, t.confidence = l1, l2, round(float(pred["confidence"]), 3)
