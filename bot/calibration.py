"""Weights of the confidence model (bot/decision.py): intercept first, then one per feature.

Written by `citebot fit` from training data generated from the knowledge base; do not edit by
hand. Features: score, coverage, score_lead,
similarity, similarity_lead, both_top (lexical: the first 3).
"""

LEXICAL = (-6.0332, 6.5973, -0.2022, 4.4819)
COMBINED = (-4.7806, -2.0487, 4.0359, 3.8125, 2.2799, 0.9828, 0.2778)
