"""citebot: cited answers about one news article."""
