"""Words for the insight pages: the department × technology pairs worth a sentence."""

from __future__ import annotations

import pandas as pd

from innovisits.data.config import SAMPLE_DATA_DIR
from innovisits.i18n import formatting, name_column, t

# The land outline the map draws (scripts/make_outline.py) and the follow-ups template: shipped with the
# code, whichever data directory is in use.
OUTLINE_FILE = SAMPLE_DATA_DIR / "geo" / "pearl_river_delta.csv"
FOLLOW_UPS_TEMPLATE = SAMPLE_DATA_DIR / "templates" / "follow_ups.csv"
# The follow-up funnel's stages, as columns of the follow_up_funnel query, widest first.
FUNNEL_STAGES = ["departments_exposed", "reached_idea", "reached_trial", "reached_pilot", "reached_adopted"]

# A pair needs this many exposed delegates before its lift is worth a sentence (tiny counts give silly
# lifts), and this lift: well above average, not noise around 1.
MIN_SUPPORT = 3
MIN_LIFT = 1.5
HIGHLIGHTS = 8


def affinity_highlights(affinity: pd.DataFrame, lang: str, limit: int = HIGHLIGHTS) -> list[str]:
    """Sentences for the most unusual department × category pairs (rows of `affinity` marked `is_unusual`),
    highest lift first: "Fire Services Department: 3.0× average exposure to robotics (6 of 6 delegates)";
    counts take the language's plural form ("1 of 1 delegate")."""
    unusual = affinity[affinity["is_unusual"]].sort_values(
        ["lift", "delegates_exposed", "department", "category_id"], ascending=[False, False, True, True]
    )
    department, category = name_column("department", lang), name_column("category", lang)
    return [
        t(
            "insight_highlight",
            lang,
            department=row[department],
            lift=formatting.number_text(row["lift"], lang, decimals=1),
            category=row[category],
            exposed=formatting.number_text(row["delegates_exposed"], lang),
            delegates=formatting.count_text(int(row["delegates"]), "delegate", lang),
        )
        for _, row in unusual.head(limit).iterrows()
    ]
