"""benchmarks/record.py: which figures the benchmarks report as worse than the committed ones."""

from __future__ import annotations

from typing import Any

from benchmarks.record import Figure, compare, spread


def committed(value: float, noise: float = 0.0) -> dict[str, Any]:
    return {"sections": {"engine": {"figures": {"up s": {"value": value, "noise": noise}}}}}


def test_a_figure_worse_by_more_than_the_noise_is_reported() -> None:
    lines = compare("engine", {"up s": Figure(13.0, "s", noise=0.1)}, committed(10.0, 0.1))
    assert len(lines) == 1
    assert "up s: 10 -> 13 s (+30%, noise 10%)" in lines[0]


def test_a_change_within_the_noise_of_either_run_is_not_reported() -> None:
    assert compare("engine", {"up s": Figure(13.0, "s", noise=0.4)}, committed(10.0)) == []
    assert compare("engine", {"up s": Figure(13.0, "s")}, committed(10.0, noise=0.4)) == []


def test_a_drop_of_a_higher_is_better_figure_is_worse() -> None:
    now = {"up s": Figure(8.0, "ops", lower_is_better=False)}
    assert len(compare("engine", now, committed(10.0))) == 1


def test_figures_absent_from_the_committed_file_are_not_compared() -> None:
    assert compare("engine", {"new s": Figure(1.0, "s")}, committed(10.0)) == []
    assert compare("program", {"up s": Figure(99.0, "s")}, committed(10.0)) == []


def test_noise_is_the_spread_of_the_repetitions_over_their_median() -> None:
    assert spread([9.0, 10.0, 12.0]) == 0.3
