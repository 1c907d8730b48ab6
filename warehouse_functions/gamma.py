"""The gamma quantile, engine-free: numpy arrays in, numpy array out (NaN for null). The DuckDB UDF
(udfs.py) and the Spark UDF (spark.py) both call it, so both engines compute the same numbers."""

from __future__ import annotations

import numpy as np
from scipy import stats


def gamma_quantiles(p: np.ndarray, k: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Quantile function of the gamma distribution, as R's qgamma(p, shape, scale = scale).

    - A null (NaN) argument gives NaN.
    - shape <= 0 gives 0: the gamma distribution degenerates to a point mass at 0 as the shape
      goes to 0, which is what the Garwood lower bound for 0 events (qgamma(alpha/2, 0)) needs.
    - probability outside [0, 1], or scale <= 0, gives NaN (R would give NaN with a warning).
    - probability 1 gives +infinity when shape > 0.
    """
    result = np.full(p.shape, np.nan)
    with np.errstate(invalid="ignore"):
        is_valid = (p >= 0) & (p <= 1) & (theta > 0) & ~np.isnan(k)
        is_degenerate = is_valid & (k <= 0)
        is_regular = is_valid & (k > 0)
    result[is_degenerate] = 0.0
    if is_regular.any():
        result[is_regular] = stats.gamma.ppf(p[is_regular], k[is_regular], scale=theta[is_regular])
    return result
