"""Up next's reading segment walked in guide order (study.READING_WALK_FROM: catalogues with
many resources being read) must give exactly the ranking's pages: the paging test's random
guides, run with the walk forced for every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_study_upnext_paging import test_pages_and_counts_match_the_ranking as pages_match

from tuiguide.core.study import upnext as study


@pytest.mark.parametrize("seed", range(6))
def test_walked_reading_pages_match_the_ranking(
    tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked: list[int] = []
    walk = study._walk

    def counting_walk(catalogue, guide_id, tier, counts, status, limit, skip):  # type: ignore[no-untyped-def]
        if status == "reading":
            walked.append(limit)
        return walk(catalogue, guide_id, tier, counts, status, limit, skip)

    monkeypatch.setattr(study, "READING_WALK_FROM", 0)
    monkeypatch.setattr(study, "READING_WALK_DEPTH", 10**9)
    monkeypatch.setattr(study, "_walk", counting_walk)
    pages_match(tmp_path, seed)
    assert walked  # the reading segment really was walked
