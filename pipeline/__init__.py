"""Enrichment: segmentation, target extraction, categories, applied to parsed Documents."""
