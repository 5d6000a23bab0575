"""The grid report's figures on results that lack what they draw."""

from __future__ import annotations

import warnings

import pandas as pd

from edusim.experiments.plots import mastery_figure


def test_mastery_figure_without_curves_says_so_instead_of_an_empty_legend():
    """DataGen runs record no mastery per step: the figure warned ("No artists with labels")
    and was saved blank."""
    results = pd.DataFrame({"teacher": ["a", "b"], "seed": [0, 0],
                            "mastery_curve": [[], []]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = mastery_figure(results)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts == ["these runs record no mastery per step"]
    assert figure.axes[0].get_legend() is None
