"""Retrieval: the full-text index, search, and cross-year comparison reports."""
