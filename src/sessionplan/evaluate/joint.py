"""Evaluator twin of solver/joint.py: joint groups back to back in one room and session."""

from __future__ import annotations

from .base import Context


def check(ctx: Context) -> None:
    inst = ctx.instance
    for label, ids in inst.joint_groups.items():
        placed = [i for i in ids if i in ctx.placed]
        for a, b in zip(placed, placed[1:], strict=False):
            pa, pb = ctx.placed[a], ctx.placed[b]
            problems = []
            if pa.room != pb.room:
                problems.append("not in the same room")
            if (pa.day, pa.session) != (pb.day, pb.session):
                problems.append("not in the same session")
            elif not pa.slots or not pb.slots:
                problems.append("not on the slot grid")
            else:
                idxs = inst.sessions[(pa.day, pa.session)]
                pos = idxs.index(pa.slots[-1])
                if pos + 1 >= len(idxs) or idxs[pos + 1] != pb.slots[0]:
                    problems.append(f"{b} does not directly follow {a}")
            if problems:
                ctx.violate("joint", f"joint group {label!r}: {a} and {b} are " + ", ".join(problems), a, b)
