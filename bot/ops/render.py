"""Reports as plain text (terminal and Telegram admin chats), JSON objects, and a YAML snippet."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.ops.reports import FactFeedback, Group, Nearest, Stats, suggested_alternates

OUTCOME_NAMES = {
    "answer": "answered",
    "did_you_mean": "suggested",
    "decline": "declined",
    "small_talk": "small talk",
}


def _period(since_days: int | None) -> str:
    return f"last {since_days} day(s)" if since_days is not None else "everything recorded"


def _nearest(nearest: Nearest | None) -> str:
    return f"{nearest.fact} — {nearest.question}" if nearest else "(no fact is near)"


def _outcomes(pairs: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{OUTCOME_NAMES.get(o, o)} {n}" for o, n in pairs)


def unanswered_text(groups: Sequence[Group], *, since_days: int | None, limit: int) -> str:
    total = sum(g.count for g in groups)
    lines = [f"Unanswered questions ({_period(since_days)}): {total} in {len(groups)} group(s)"]
    if not groups:
        lines.append("Nothing declined or left as 'did you mean'.")
    for g in groups[:limit]:
        lines.append("")
        lines.append(f"{g.count:>4}  {g.question}   [{_outcomes(g.outcomes)}]")
        others = g.variants[1:]
        if others:
            shown = " · ".join(f"{q} ({n})" for q, n in others[:4])
            more = f" · +{len(others) - 4} more" if len(others) > 4 else ""
            lines.append(f"      also: {shown}{more}")
        if g.answered_now:
            lines.append(f"      answered now by: {_nearest(g.nearest)}")
        else:
            lines.append(f"      nearest: {_nearest(g.nearest)}")
    if len(groups) > limit:
        lines.append(f"\n... and {len(groups) - limit} smaller group(s) (--limit)")
    return "\n".join(lines)


def _group_json(g: Group) -> dict[str, Any]:
    return {
        "question": g.question,
        "count": g.count,
        "variants": [{"question": q, "count": n} for q, n in g.variants],
        "outcomes": dict(g.outcomes),
        "nearest": {"fact": g.nearest.fact, "question": g.nearest.question}
        if g.nearest else None,
        "answered_now": g.answered_now,
        "last_asked": g.last_asked.isoformat(),
    }


def unanswered_json(groups: Sequence[Group], *, since_days: int | None) -> str:
    return json.dumps(
        {"since_days": since_days, "questions": sum(g.count for g in groups),
         "groups": [_group_json(g) for g in groups]},
        ensure_ascii=False,
    )


def alternates_yaml(groups: Sequence[Group], *, generated: datetime) -> str:
    """fact id -> questions readers asked, for review; every string is JSON-quoted (valid
    YAML), counts are comments."""
    lines = [
        f"# Suggested alternate questions, from `citebot unanswered --yaml` "
        f"({generated:%Y-%m-%d %H:%M} UTC).",
        "# Review before use: nothing is added to the knowledge base automatically. Copy the",
        "# questions that fit into the fact's `questions:` list, run `citebot check`, then",
        "# reload the bot (/reload or SIGHUP).",
    ]
    by_fact = suggested_alternates(groups)

    def items(fact: str | None) -> list[str]:
        return [f"  - {json.dumps(q, ensure_ascii=False)}  # asked {n}x" for q, n in by_fact[fact]]

    for fact in sorted(f for f in by_fact if f is not None):
        lines.append(f"{json.dumps(fact)}:")
        lines += items(fact)
    if None in by_fact:
        lines.append("# No fact is near these: new facts, or questions the article cannot answer.")
        lines.append("null:")
        lines += items(None)
    if not by_fact:
        lines.append("{}")
    return "\n".join(lines)


def stats_text(s: Stats, *, since_days: int | None, limit: int = 10) -> str:
    lines = [f"Questions ({_period(since_days)}): {s.total}"]
    if s.total:
        lines.append("  " + " · ".join(
            f"{OUTCOME_NAMES[o]} {s.share(o):.0%}" for o in OUTCOME_NAMES))
        lines.append("")
        lines.append("Per day:          total  answered  suggested  declined  small talk")
        for day, counts in s.per_day:
            lines.append(
                f"  {day.isoformat()}  {sum(counts.values()):>10}  {counts['answer']:>8}"
                f"  {counts['did_you_mean']:>9}  {counts['decline']:>8}  {counts['small_talk']:>10}"
            )
    if s.top_facts:
        lines.append("")
        lines.append("Top facts:")
        lines += [f"  {n:>4}  {_nearest(f)}" for f, n in s.top_facts[:limit]]
    if s.top_unanswered:
        lines.append("")
        lines.append("Top unanswered groups:")
        for g in s.top_unanswered[:limit]:
            nearest = g.nearest.fact if g.nearest else "-"
            lines.append(f"  {g.count:>4}  {g.question}   (nearest: {nearest})")
    if s.votes_up or s.votes_down:
        lines.append("")
        lines.append(f"Feedback: {s.votes_up} 👍, {s.votes_down} 👎 (citebot feedback)")
    return "\n".join(lines)


def stats_json(s: Stats, *, since_days: int | None) -> str:
    return json.dumps(
        {
            "since_days": since_days,
            "questions": s.total,
            "outcomes": s.outcomes,
            "shares": {o: round(s.share(o), 4) for o in s.outcomes},
            "per_day": [{"date": d.isoformat(), **counts} for d, counts in s.per_day],
            "top_facts": [{"fact": f.fact, "question": f.question, "count": n}
                          for f, n in s.top_facts],
            "top_unanswered": [_group_json(g) for g in s.top_unanswered],
            "chat_types": s.chat_types,
            "votes": {"up": s.votes_up, "down": s.votes_down},
        },
        ensure_ascii=False,
    )


def feedback_text(rows: Sequence[FactFeedback], *, since_days: int | None) -> str:
    lines = [f"Feedback per fact, worst first ({_period(since_days)}):"]
    if not rows:
        lines.append("No votes yet.")
    else:
        lines.append(f"  {'👎':>4}  {'👍':>4}  fact")
        lines += [f"  {r.down:>4}  {r.up:>4}  {r.fact} — {r.question}" for r in rows]
    return "\n".join(lines)


def feedback_json(rows: Sequence[FactFeedback], *, since_days: int | None) -> str:
    return json.dumps(
        {"since_days": since_days,
         "facts": [{"fact": r.fact, "question": r.question, "up": r.up, "down": r.down}
                   for r in rows]},
        ensure_ascii=False,
    )
