"""jixiao (绩效): parse, normalize, classify, index and compare Chinese budget performance targets."""

__version__ = "0.1.0"
