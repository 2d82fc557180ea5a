"""Hard: the parts of a joint group back to back, in one room and session, in sheet order."""

from __future__ import annotations

from ...model import Placement
from ..build import Build
from .base import Base


class Joint(Base):
    def prune(self, b: Build, places: dict[str, list[Placement]]) -> None:
        """Keep only placements that belong to a complete chain of their group."""
        for ids in b.instance.joint_groups.values():
            allowed = {i: set(map(_key, places[i])) for i in ids}
            chains = [
                c for c in b.instance.joint_chains(ids)
                if all(_key(p) in allowed[t] for t, p in zip(ids, c, strict=True))
            ]
            keep = [{_key(c[k]) for c in chains} for k in range(len(ids))]
            for k, i in enumerate(ids):
                places[i] = [p for p in places[i] if _key(p) in keep[k]]

    def add(self, b: Build) -> None:
        for ids in b.instance.joint_groups.values():
            add_group(b, ids)


def _key(p: Placement) -> tuple:
    return (p.room, p.slots)


def add_group(b: Build, ids: list[str], enforce=None) -> None:
    """Chain the parts of one group; with ``enforce``, only when that literal is true."""
    inst = b.instance

    def implies(x, y) -> None:
        if enforce is None:
            b.model.add_implication(x, y)
        else:
            b.model.add_bool_or([~x, y]).only_enforce_if(enforce)

    def never(x) -> None:
        if enforce is None:
            b.model.add(x == 0)
        else:
            b.model.add(x == 0).only_enforce_if(enforce)

    for prev, nxt in zip(ids, ids[1:], strict=False):
        nxt_by_start = {(p.room, p.slots[0]): x for p, x in b.candidates[nxt]}
        prev_by_next = {}
        for p, x in b.candidates[prev]:
            idxs = inst.sessions[(p.day, p.session)]
            pos = idxs.index(p.slots[-1])
            follow = nxt_by_start.get((p.room, idxs[pos + 1])) if pos + 1 < len(idxs) else None
            if follow is None:
                never(x)
                continue
            implies(x, follow)
            prev_by_next[(p.room, idxs[pos + 1])] = x
        for key, y in nxt_by_start.items():
            before = prev_by_next.get(key)
            if before is None:
                never(y)
            else:
                implies(y, before)
