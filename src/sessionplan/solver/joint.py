"""Hard: the parts of a joint group back to back, in one room and session, in sheet order."""

from __future__ import annotations

from ..model import Placement
from .build import Build

NAME = "joint"


def prune(b: Build, places: dict[str, list[Placement]]) -> None:
    """Keep only placements that belong to a complete chain of their group."""
    for ids in b.instance.joint_groups.values():
        allowed = {i: set(map(_key, places[i])) for i in ids}
        chains = [
            c for c in b.instance.joint_chains(ids)
            if all(_key(p) in allowed[t] for t, p in zip(ids, c))
        ]
        keep = [{_key(c[k]) for c in chains} for k in range(len(ids))]
        for k, i in enumerate(ids):
            places[i] = [p for p in places[i] if _key(p) in keep[k]]


def _key(p: Placement) -> tuple:
    return (p.room, p.slots)


def add(b: Build) -> None:
    inst = b.instance
    for ids in inst.joint_groups.values():
        for prev, nxt in zip(ids, ids[1:]):
            nxt_by_start = {(p.room, p.slots[0]): x for p, x in b.candidates[nxt]}
            prev_by_last = {}
            for p, x in b.candidates[prev]:
                idxs = inst.sessions[(p.day, p.session)]
                pos = idxs.index(p.slots[-1])
                follow = nxt_by_start.get((p.room, idxs[pos + 1])) if pos + 1 < len(idxs) else None
                if follow is None:
                    b.model.add(x == 0)
                    continue
                b.model.add_implication(x, follow)
                prev_by_last[(p.room, idxs[pos + 1])] = x
            for (room, first), y in nxt_by_start.items():
                before = prev_by_last.get((room, first))
                if before is None:
                    b.model.add(y == 0)
                else:
                    b.model.add_implication(y, before)
