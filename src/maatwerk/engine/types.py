"""The engine's type aliases: numbers in, numbers out (scenario axes first, time last; scalars work too)."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: An array of floats.
FloatArray: TypeAlias = NDArray[np.float64]
#: What a vectorised function returns: an array over the scenario axes, or a float where every input was a scalar.
Floats: TypeAlias = "NDArray[np.float64] | float"

__all__ = ["ArrayLike", "FloatArray", "Floats"]
