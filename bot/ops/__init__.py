"""Running citebot for real: reports on what readers asked, health and metrics, reloads."""

# rapidfuzz ratio at or above which two questions are "the same question": "how big is the ftz"
# and "how large is the ftz" (84) group, "who wrote the article" and "who wrote hamlet" (76) do
# not. A question of two words or more whose words all occur in another ("weather urumqi",
# "what is the weather in urumqi") joins it too. (Here, not in bot/ops/reports.py: every start
# of the command line names it in its options, and should not import the reports for it.)
DEFAULT_SIMILARITY = 80
