"""How large one variable can get under A x = b, x >= 0: a small two-phase simplex (Bland's rule).

Suppression asks this of systems of a few hundred counts at most, so a dense tableau is plenty and
avoids a dependency on a full solver. Phase one runs once per system; each question then starts from
that feasible basis.
"""

from __future__ import annotations

import math

import numpy as np

TOLERANCE = 1e-9
MAX_PIVOTS = 100_000


def _pivot(tableau: np.ndarray, basis: list[int], row: int, column: int) -> None:
    tableau[row] /= tableau[row, column]
    factors = tableau[:, column].copy()
    factors[row] = 0.0
    tableau -= np.outer(factors, tableau[row])
    basis[row] = column


def _optimise(tableau: np.ndarray, basis: list[int], columns: int) -> bool:
    """Maximise the objective whose reduced costs are the last row; False when it is unbounded."""
    for _ in range(MAX_PIVOTS):
        negative = np.flatnonzero(tableau[-1, :columns] < -TOLERANCE)
        if negative.size == 0:
            return True
        entering = int(negative[0])
        column = tableau[:-1, entering]
        candidates = np.flatnonzero(column > TOLERANCE)
        if candidates.size == 0:
            return False
        ratios = tableau[candidates, -1] / column[candidates]
        ties = candidates[ratios <= ratios.min() + TOLERANCE]
        _pivot(tableau, basis, int(min(ties, key=lambda row: basis[row])), entering)
    raise RuntimeError("The simplex did not converge.")


class Polytope:
    """{x : matrix @ x == rhs, x >= 0}, made ready to maximise one coordinate at a time."""

    def __init__(self, matrix: np.ndarray, rhs: np.ndarray) -> None:
        rows, self.columns = matrix.shape
        signs = np.where(rhs < 0, -1.0, 1.0)
        a, b = matrix * signs[:, None], rhs * signs
        tableau = np.zeros((rows + 1, self.columns + rows + 1))
        tableau[:rows, : self.columns] = a
        tableau[:rows, self.columns : self.columns + rows] = np.eye(rows)
        tableau[:rows, -1] = b
        tableau[-1, : self.columns] = -a.sum(axis=0)
        tableau[-1, -1] = -b.sum()
        basis = list(range(self.columns, self.columns + rows))
        _optimise(tableau, basis, self.columns)
        self.feasible = rows == 0 or -tableau[-1, -1] <= 1e-7
        keep = []
        for row in range(rows):
            if basis[row] >= self.columns:
                column = next((c for c in range(self.columns) if abs(tableau[row, c]) > TOLERANCE), None)
                if column is None:
                    continue  # a redundant equation
                _pivot(tableau, basis, row, column)
            keep.append(row)
        self.tableau = np.zeros((len(keep) + 1, self.columns + 1))
        self.tableau[:-1, : self.columns] = tableau[keep, : self.columns]
        self.tableau[:-1, -1] = tableau[keep, -1]
        self.basis = [basis[row] for row in keep]

    def maximise(self, variable: int) -> tuple[float, np.ndarray | None]:
        """The largest value of x[variable], and a point that reaches it (None when unbounded or infeasible)."""
        if not self.feasible:
            return -math.inf, None
        tableau, basis = self.tableau.copy(), list(self.basis)
        tableau[-1] = 0.0
        tableau[-1, variable] = -1.0
        for row, column in enumerate(basis):
            if abs(tableau[-1, column]) > TOLERANCE:
                tableau[-1] -= tableau[-1, column] * tableau[row]
        if not _optimise(tableau, basis, self.columns):
            return math.inf, None
        point = np.zeros(self.columns)
        for row, column in enumerate(basis):
            point[column] = tableau[row, -1]
        return float(tableau[-1, -1]), point


def max_value(matrix: np.ndarray, rhs: np.ndarray, variable: int) -> float:
    """max x[variable] subject to matrix @ x == rhs and x >= 0; -inf when infeasible, inf when unbounded."""
    return Polytope(matrix, rhs).maximise(variable)[0]
