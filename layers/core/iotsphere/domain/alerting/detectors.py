"""The anomaly detectors: a robust z-score of a value against the window before it, or of the
value's change from the previous reading against the window's changes (``robust_z_of_change``).

``z = 0.6745 * (x - median) / MAD``, MAD being the median absolute deviation; for normal data
0.6745 makes z comparable with the ordinary z-score, but one spike in the window moves neither the
median nor the MAD, so the detector is not blinded by the outliers it is looking for. When more
than half the window is one value (MAD = 0) the mean absolute deviation (scaled by 1.2533) stands
in; when every value is the same, any different value scores infinite.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from statistics import fmean, median

MAD_TO_SIGMA = 0.6745
MEAN_AD_TO_SIGMA = 1.2533


def robust_z(value: float, window: Sequence[float]) -> float:
    center = median(window)
    deviations = [abs(x - center) for x in window]
    mad = median(deviations)
    if mad > 0:
        return MAD_TO_SIGMA * (value - center) / mad
    mean_ad = fmean(deviations)
    if mean_ad > 0:
        return (value - center) / (MEAN_AD_TO_SIGMA * mean_ad)
    if value == center:
        return 0.0
    return math.copysign(math.inf, value - center)


def robust_z_of_change(value: float, window: Sequence[float]) -> float:
    """The change ``value - window[-1]`` scored against the changes between consecutive values of
    the window (first differences): a jump or a burst of jitter that stays inside the usual range
    of the level is still far outside the usual size of a change. ``window``: 2 values at least."""
    changes = [after - before for before, after in pairwise(window)]
    return robust_z(value - window[-1], changes)


def spread(values: Sequence[float]) -> float | None:
    """``max - min``: how far the values move. None for no values (no verdict); 0 for one value,
    so a rule asking for a small spread must ask for enough points (``min_points``)."""
    if not values:
        return None
    return max(values) - min(values)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), ``q`` in [0, 100]."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)
