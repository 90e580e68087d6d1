"""Weights of the confidence model (bot/decision.py): intercept first, then one per feature.

Written by `citebot fit` from training data generated from the knowledge base; do not edit by
hand. Features: score, coverage, score_lead,
similarity, similarity_lead, both_top (lexical: the first 3).
"""

LEXICAL = (-6.0461, 6.4890, -0.0761, 4.4337)
COMBINED = (-4.7884, -2.2468, 4.2476, 3.7447, 2.2532, 0.9979, 0.3100)
