"""Least-cost assignment of the rows of a cost matrix to its columns (OR-Tools' linear
sum assignment; a rectangular matrix is padded with free dummy rows or columns, so every
row is assigned when there are at least as many columns, as scipy's function does)."""

from __future__ import annotations

import numpy as np
from ortools.graph.python import linear_sum_assignment


def least_cost_assignment(cost: np.ndarray) -> list[tuple[int, int]]:
    """(row, column) pairs of a least-cost assignment of ``min(rows, columns)`` pairs;
    costs must be whole numbers (they are rounded)."""
    rows, cols = cost.shape
    n = max(rows, cols)
    if n == 0:
        return []
    square = np.zeros((n, n), dtype=np.int64)
    square[:rows, :cols] = np.rint(cost).astype(np.int64)
    square -= square.min()   # the solver wants costs it can scale without overflow
    left, right = np.divmod(np.arange(n * n, dtype=np.int64), n)
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    solver.add_arcs_with_cost(left, right, square.ravel())
    if solver.solve() != solver.OPTIMAL:
        raise RuntimeError("the assignment could not be solved")
    return [(r, c) for r in range(rows) if (c := solver.right_mate(r)) < cols]
