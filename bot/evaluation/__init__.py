"""`citebot eval`: accuracy, declines, threshold sweep and baselines on a question set."""
