"""A lower bound on ``topic_clash`` that no other bound sees.

``topic_clash`` charges, at each slot start of each day, a subject area's talks running
then beyond the first (similarity.clash_clusters). So over a schedule it is the number
of (clustered talk, start) incidences less the number of (area, start) pairs with at
least one of its talks running. Both ends can be bounded without a search:

* the incidences are at least those of a min-cost matching of talks to (room, day,
  start) cells that places every talk, a clustered talk's place costing the starts it
  runs over (relaxation.Matching: every schedule is such a matching);
* the (area, start) pairs are at most a maximum flow from the areas to the starts: an
  area reaches a start where one of its talks can run, carries at most its talks' most
  incidences, and a start takes at most as many areas as it has rooms open.

The difference, times the term's coefficient, is a lower bound on the term. Every other
term is non-negative, and neither the assignment relaxation nor the session model counts
this one, so the floor adds to their bounds. On a tight grid (every room busy at every
start) it is about one unit per start and area beyond the rooms' count of areas.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow

from ..model import DAY_MINUTES, Placement
from ..similarity import clash_clusters
from .build import Build


def clash_floor(b: Build, places: dict[str, list[Placement]]) -> int:
    """Objective units every schedule pays for ``topic_clash`` at least (0: none known)."""
    inst = b.instance
    weight = inst.weights["topic_clash"]
    if not weight or len(inst.rooms) < 2:
        return 0
    clusters = [c for c in clash_clusters(inst) if len(c) > 1]
    if not clusters or any(not places.get(t.id) for t in inst.talks):
        return 0
    from .relaxation import Matching

    stride = 2 * DAY_MINUTES   # (day, minute) as one number: slots lie within their day
    starts = np.array(sorted({s.day.toordinal() * stride + s.start for s in inst.slots}), dtype=np.int64)

    def spans(ps: list[Placement]) -> tuple[np.ndarray, np.ndarray]:
        day = np.array([p.day.toordinal() * stride for p in ps], dtype=np.int64)
        lo = np.searchsorted(starts, day + np.array([p.start for p in ps], dtype=np.int64))
        hi = np.searchsorted(starts, day + np.array([p.end for p in ps], dtype=np.int64))
        return lo, hi

    clustered = {t for c in clusters for t in c}
    span_of = {t: spans(ps) for t, ps in sorted(places.items()) if t in clustered}
    costs = {t: ((span_of[t][1] - span_of[t][0]).tolist() if t in span_of else [0] * len(ps))
             for t, ps in sorted(places.items())}
    matched = Matching(places, costs).solve()
    if matched is None:
        return 0
    least = matched[0]
    # rooms open at each start: a talk running then is in one of them
    open_at = np.zeros(len(starts) + 1, dtype=np.int64)
    for s in inst.slots:
        lo, hi = np.searchsorted(starts, [s.day.toordinal() * stride + s.start, s.day.toordinal() * stride + s.end])
        open_at[lo] += len(s.rooms)
        open_at[hi] -= len(s.rooms)
    open_at = np.cumsum(open_at)[:-1]
    flow = max_flow.SimpleMaxFlow()
    source, sink, first = 0, 1, 2 + len(clusters)
    for n, cluster in enumerate(clusters):
        reach = np.zeros(len(starts) + 1, dtype=np.int64)
        most = 0
        for t in cluster:
            lo, hi = span_of[t]
            np.add.at(reach, lo, 1)
            np.add.at(reach, hi, -1)
            most += int((hi - lo).max())
        flow.add_arc_with_capacity(source, 2 + n, most)
        for k in np.flatnonzero(np.cumsum(reach)[:-1] > 0).tolist():
            flow.add_arc_with_capacity(2 + n, first + k, 1)
    for k, rooms in enumerate(open_at.tolist()):
        if rooms > 0:
            flow.add_arc_with_capacity(first + k, sink, rooms)
    if flow.solve(source, sink) != flow.OPTIMAL:
        return 0
    return b.coefficient(weight, 1) * max(0, least - flow.optimal_flow())
