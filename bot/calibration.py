"""Weights of the confidence model (bot/decision.py): intercept first, then one per feature.

Written by `citebot fit` from training data generated from the knowledge base; do not edit by
hand. Features: score, coverage, score_lead,
similarity, similarity_lead, both_top (lexical: the first 3).
"""

LEXICAL = (-6.0017, 7.0644, -0.5712, 4.2759)
COMBINED = (-4.8524, -1.4827, 3.5704, 3.6606, 2.3431, 0.8139, 0.3991)
