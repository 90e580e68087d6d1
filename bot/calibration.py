"""Weights of the confidence model (bot/decision.py): intercept first, then one per feature.

Written by `citebot fit` from training data generated from the knowledge base; do not edit by
hand. Features: score, coverage, score_lead,
similarity, similarity_lead, both_top (lexical: the first 3).
"""

LEXICAL = (-5.7409, 5.9176, -0.0382, 4.9936)
COMBINED = (-4.7028, -2.5873, 4.3548, 4.1575, 2.2268, 1.0948, 0.3730)
