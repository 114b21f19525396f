"""Every word a screen shows has its English and Latvian label; breakdowns read by size."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mentorcli.core import due
from mentorcli.core.casework import BUILTIN_ACTIVITY_TYPES, GOAL_STATES, PLAN_AREAS, ROLES
from mentorcli.core.clients import ROUTES, SEXES
from mentorcli.core.counting import DECISIONS
from mentorcli.core.eligibility import ELIGIBILITY_ENDED, EXIT_REASONS, TRANSFERRED
from mentorcli.core.legal import STATUSES
from mentorcli.render.labels import LABELS
from mentorcli.render.screen import figures_screen

DATA_WORDS = {
    *SEXES,
    *ROUTES,
    *STATUSES,
    *DECISIONS,
    *EXIT_REASONS,
    ELIGIBILITY_ENDED,
    TRANSFERRED,
    *ROLES,
    *PLAN_AREAS,
    *GOAL_STATES,
    *BUILTIN_ACTIVITY_TYPES,
    due.ELIGIBILITY_END,
    due.MUCENIEKI_EXIT,
    due.UNASSIGNED,
    due.GOAL_OVERDUE,
    due.ELIGIBLE_NOT_SERVED,
    "over-maximum",
    "under-minimum",
    "yes",
    "no",
}


def test_every_data_word_has_both_labels() -> None:
    missing = sorted(w for w in DATA_WORDS if w not in LABELS)
    assert not missing, f"no label for {missing}"
    for key, (en, lv) in LABELS.items():
        assert en.strip() and lv.strip(), key


@given(st.dictionaries(st.sampled_from(BUILTIN_ACTIVITY_TYPES), st.integers(0, 500), min_size=1))
def test_a_breakdown_reads_by_size_without_empty_rows(counts: dict[str, int]) -> None:
    screen = figures_screen({"served": 1, "activities": counts}, "lv")
    shown = next((s.rows for s in screen.sections if s.title == "Aktivitātes"), [])
    numbers = [int(n) for _, n in shown]
    assert numbers == sorted((n for n in counts.values() if n), reverse=True)
    assert len({label for label, _ in shown}) == len(shown)
