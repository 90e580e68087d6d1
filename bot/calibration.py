"""Weights of the confidence model (bot/decision.py): intercept first, then one per feature.

Written by `citebot fit` from training data generated from the knowledge base; do not edit by
hand. Features: score, coverage, score_lead,
similarity, similarity_lead, both_top (lexical: the first 3).
"""

LEXICAL = (-5.9580, 7.0371, -0.6440, 4.3091)
COMBINED = (-4.7660, -1.4949, 3.4921, 3.7657, 2.3369, 0.8581, 0.2862)
