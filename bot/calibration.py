"""Weights of the confidence model (bot/decision.py): intercept first, then one per feature.

Written by `citebot fit` from training data generated from the knowledge base; do not edit by
hand. Features: score, coverage, score_lead,
similarity, similarity_lead, both_top (lexical: the first 3).
"""

LEXICAL = (-6.1071, 6.6037, -0.1526, 4.3135)
COMBINED = (-4.7906, -2.0161, 4.0150, 3.6471, 2.2721, 1.0332, 0.2571)
