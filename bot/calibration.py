"""Weights of the confidence model (bot/decision.py): intercept first, then one per feature.

Written by `citebot fit` from training data generated from the knowledge base; do not edit by
hand. Features: score, coverage, score_lead,
similarity, similarity_lead, both_top (lexical: the first 3).
"""

LEXICAL = (-6.0573, 6.6262, -0.1987, 4.4560)
COMBINED = (-4.8107, -2.0383, 4.0611, 3.7809, 2.2786, 0.9908, 0.2817)
