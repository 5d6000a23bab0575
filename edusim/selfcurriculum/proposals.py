"""A teacher's proposal: generator parameters in ``[0, 1]`` that become a problem set.

A SOAR-style teacher writes a dataset of problems; here it writes the parameters of the
arithmetic generator instead (:class:`~edusim.tasks.Spec`): the digit range of the numbers,
the composition depth, whether additions carry, and whether to reuse the hard training split
itself (what the Hard-Only baseline does). Every parameter is a number in ``[0, 1]``, so a
proposal is one row of a Gymnasium ``Box`` and any policy (uniform, Gaussian, categorical
over bins, a language model asked for numbers) can write one.

Example:
    >>> space = ProposalSpace(max_digits=4, max_depth=2)
    >>> space.describe(np.array([0.0, 0.6, 0.0, 1.0, 0.0]))
    'addition, 1-3 digits, 1 operation, with carries'
    >>> space.describe(np.array([0.0, 0.0, 0.0, 0.5, 1.0]))
    'the hard training problems themselves'
    >>> round(vendi_score(np.array([[0.0, 0, 0, 0, 0], [1.0, 1, 1, 1, 0]])), 3)
    2.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edusim.tasks import Spec

__all__ = ["PARAMETERS", "ProposalSpace", "vendi_score"]

#: The parameters of one proposal, in order (each in ``[0, 1]``).
PARAMETERS: tuple[str, ...] = ("digits_low", "digits_high", "depth", "carry", "use_hard")

_VARIANTS = ("no-carry", None, "carry")


@dataclass(frozen=True)
class ProposalSpace:
    """How a proposal's numbers map to generator parameters.

    Attributes:
        max_digits: Largest digit count a proposal can ask for.
        max_depth: Largest number of chained additions.
    """

    max_digits: int = 4
    max_depth: int = 2

    def __post_init__(self) -> None:
        if self.max_digits < 1 or self.max_depth < 1:
            raise ValueError("max_digits and max_depth must be >= 1")

    @property
    def size(self) -> int:
        """Numbers per proposal."""
        return len(PARAMETERS)

    def _level(self, x: float, top: int) -> int:
        return 1 + min(int(float(x) * top), top - 1)

    def digits(self, params: np.ndarray) -> tuple[int, int]:
        """``(low, high)`` digits of a proposal (high is raised to low when below it)."""
        low = self._level(params[0], self.max_digits)
        return low, max(low, self._level(params[1], self.max_digits))

    def uses_hard(self, params: np.ndarray) -> bool:
        """Whether the proposal asks for the hard training problems themselves."""
        return bool(params[4] >= 0.5)

    def spec(self, params: np.ndarray, n: int, wrong_rate: float = 0.0) -> Spec:
        """The generator :class:`~edusim.tasks.Spec` of one proposal (not for ``use_hard``)."""
        params = self.check(params)
        variant = _VARIANTS[min(int(params[3] * 3), 2)]
        depth = self._level(params[2], self.max_depth)
        if depth > 1 or self.digits(params) == (1, 1):
            variant = None  # carries are labelled on single additions of longer numbers only
        return Spec("add", n, digits=self.digits(params), variant=variant, depth=depth,
                    wrong_rate=wrong_rate)

    def check(self, params: np.ndarray) -> np.ndarray:
        """``params`` as a float array of this space; anything else raises ``ValueError``."""
        params = np.asarray(params, dtype=np.float64)
        if params.shape != (self.size,) or not np.isfinite(params).all():
            raise ValueError(f"a proposal is {self.size} finite numbers "
                             f"({', '.join(PARAMETERS)}), got {params!r}")
        if (params < 0).any() or (params > 1).any():
            raise ValueError(f"proposal parameters must lie in [0, 1], got {params.tolist()}")
        return params

    def describe(self, params: np.ndarray) -> str:
        """The proposal in words (for logs and language-model teachers)."""
        params = self.check(params)
        if self.uses_hard(params):
            return "the hard training problems themselves"
        spec = self.spec(params, 1)
        low, high = spec.digits
        if low == high:
            digits = f"{low} digit" + ("s" if high > 1 else "")
        else:
            digits = f"{low}-{high} digits"
        ops = f"{spec.depth} operation" + ("s" if spec.depth > 1 else "")
        carry = {"carry": ", with carries", "no-carry": ", without carries", None: ""}
        return f"addition, {digits}, {ops}{carry[spec.variant]}"


def vendi_score(points: np.ndarray, bandwidth: float = 0.25) -> float:
    """The Vendi diversity score of proposals (rows of ``points``): the exponential of the
    entropy of the eigenvalues of their similarity matrix over ``n`` (Friedman & Dieng 2023).
    It is the effective number of distinct proposals: 1 for ``n`` copies of one, ``n`` for
    ``n`` proposals far apart. Similarity is a Gaussian kernel on the parameters.
    """
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or len(points) == 0:
        raise ValueError("vendi_score needs a non-empty 2-d array of proposals")
    dist2 = ((points[:, None, :] - points[None, :, :]) ** 2).sum(-1)
    kernel = np.exp(-dist2 / (2 * bandwidth**2)) / len(points)
    eig = np.linalg.eigvalsh(kernel)
    eig = eig[eig > 1e-12]
    return float(np.exp(-(eig * np.log(eig)).sum()))
