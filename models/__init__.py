"""Learning: the indicator-category classifier, its training and its safe persistence."""
