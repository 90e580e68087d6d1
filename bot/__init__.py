"""citebot: cited answers about one news article."""

__version__ = "0.1.0"
