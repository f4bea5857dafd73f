"""A spaCy pipeline for 绩效 text: jixiao's segmentation, clause boundaries, targets and categories.

For users who work in spaCy (and for long narrative text): ``make_nlp()`` returns a
``spacy.blank("zh")`` whose tokenizer is jixiao's private ``Segmenter`` (never spaCy's jieba
segmenter, which uses jieba's global dictionary), followed by three components:

- ``jixiao_clauses``: sentence boundaries at clause punctuation (，。；; and line breaks);
- ``jixiao_targets``: ``doc.spans["targets"]``, one span per normalized target, ``span._.target``;
- ``jixiao_categories``: ``span._.category`` on each target's clause, and ``doc.cats``.

jixiao's own commands do not go through spaCy: its import alone costs about 0.8 s and the
regex finder and the classifier work on raw strings, so the hot paths stay lean. spaCy is an
optional extra: ``pip install 'jixiao[spacy]'``.
"""

from __future__ import annotations

from typing import Any

CLAUSE_PUNCT = set("，,。；;！!？?\n")


class SegmenterTokenizer:
    """spaCy tokenizer over ``jixiao.pipeline.segment.Segmenter`` (whitespace kept as tokens)."""

    def __init__(self, vocab, segmenter=None):
        from jixiao.pipeline.segment import default_segmenter

        self.vocab = vocab
        self.segmenter = segmenter or default_segmenter()

    def __call__(self, text: str):
        from spacy.tokens import Doc

        from jixiao.pipeline.segment import fold_width

        folded = fold_width(text)  # same length; offsets index ``text``
        words = [text[s:e] for _, s, e in self.segmenter.raw_tokenize(folded)]
        return Doc(self.vocab, words=words, spaces=[False] * len(words))


def _register() -> None:
    from spacy.language import Language
    from spacy.tokens import Span

    if not Span.has_extension("target"):
        Span.set_extension("target", default=None)
    if not Span.has_extension("category"):
        Span.set_extension("category", default=None)
    if "jixiao_clauses" in Language.factories:
        return

    @Language.component("jixiao_clauses")
    def jixiao_clauses(doc):
        """Clause boundaries: a token after clause punctuation starts a new sentence."""
        for i, tok in enumerate(doc):
            tok.is_sent_start = i == 0 or doc[i - 1].text in CLAUSE_PUNCT
        return doc

    @Language.component("jixiao_targets")
    def jixiao_targets(doc):
        """``doc.spans["targets"]``: normalized targets found in the text (contract §3)."""
        from jixiao.document import target_from_dict
        from jixiao.pipeline.extract import extract_targets

        spans = []
        for t in extract_targets(doc.text):
            s, e = t["span"]
            span = doc.char_span(s, e, label=t["kind"], alignment_mode="expand")
            if span is None:
                continue
            span._.target = target_from_dict({k: v for k, v in t.items() if k != "span"})
            spans.append(span)
        doc.spans["targets"] = spans
        return doc

    @Language.factory("jixiao_categories", default_config={"model_path": None, "taxonomy": None})
    def make_categories(nlp, name, *, model_path: str | None, taxonomy: str | None):
        return CategoryComponent(model_path=model_path, taxonomy=taxonomy)


class CategoryComponent:
    """Classify each target's clause (``span._.category``); ``doc.cats`` keeps each second level's best p."""

    def __init__(self, *, model_path: str | None = None, taxonomy: str | None = None):
        self.model_path = model_path
        self.taxonomy = taxonomy
        self._model = None

    def __call__(self, doc):
        from jixiao.pipeline.taxonomy import load_taxonomy

        spans = list(doc.spans.get("targets", []))
        if not spans:
            return doc
        if self._model is None:
            from jixiao.models.predict import load_model

            self._model = load_model(self.model_path)
        tax = load_taxonomy()
        clauses = [span.sent for span in spans]
        preds = self._model.predict_categories(
            [{"level3": c.text, "value": s._.target.raw if s._.target else None} for c, s in zip(clauses, spans)])
        cats: dict[str, float] = {}
        for span, clause, pred in zip(spans, clauses, preds):
            l1, l2 = tax.label(pred["id"], self.taxonomy, clause.text)
            span._.category = {"level1": l1, "level2": l2, "confidence": pred["confidence"]}
            cats[l2] = max(cats.get(l2, 0.0), float(pred["confidence"]))
        doc.cats = cats
        return doc


def make_nlp(*, segmenter=None, categories: bool = True, model_path: str | None = None,
             taxonomy: str | None = None) -> Any:
    """A ``spacy.blank("zh")`` pipeline with jixiao's tokenizer and components (no model download)."""
    try:
        import spacy
    except ImportError:
        raise ImportError("jixiao's spaCy pipeline needs spaCy, an optional extra: "
                          "pip install 'jixiao[spacy]'") from None

    _register()
    nlp = spacy.blank("zh")
    nlp.tokenizer = SegmenterTokenizer(nlp.vocab, segmenter)
    nlp.add_pipe("jixiao_clauses")
    nlp.add_pipe("jixiao_targets")
    if categories:
        nlp.add_pipe("jixiao_categories", config={"model_path": model_path, "taxonomy": taxonomy})
    return nlp
