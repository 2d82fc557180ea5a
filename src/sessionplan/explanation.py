"""Why a workbook has no schedule, in the workbook's own terms.

Cheap checks come first (a talk longer than every session, a joint group that fits
nowhere, more talk-slots than room-slots, a talk whose own rules leave it no place, two
talks whose rules leave them only clashing places). When they find nothing, a CP-SAT
model with one assumption literal per restricting workbook row (a speaker's
unavailability, a hard Constraints row, a required or pinned room, a joint group) is
solved without objective on one worker; its infeasible core is reduced to a minimal
set by deletion. Every reason names its sheet, row and column, and says what the row
means.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import islice, product

from ortools.sat.python import cp_model

from .baseline import Baseline, Place
from .budget import now
from .model import Instance, PairRow, Placement, Talk, TalkRow
from .rules import unavailable
from .solver.build import Build
from .solver.families import joint as joint_family
from .solver.families import people as people_family
from .solver.families import speakers as speaker_family
from .solver.families import tracks as track_family
from .structure import (
    attendee_pairs_of,
    cell_matches,
    chair_pairs,
    chairs_of,
    conflict_rules,
    ordered_tracks,
    presenter_pairs_of,
    presenters_default,
    talks_of_track,
    track_flags,
)

PAIR_CHECK_MAX_PLACES = 4


@dataclass(frozen=True)
class Reason:
    sheet: str
    row: int | None
    column: str | None
    text: str

    def to_json(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "text": self.text}


@dataclass
class Explanation:
    summary: str
    reasons: list[Reason]
    method: str  # "counting", "core" or "none"
    seconds: float = 0.0

    @property
    def found(self) -> bool:
        return bool(self.reasons)

    def to_json(self) -> list[dict]:
        return [r.to_json() for r in self.reasons]

    def render(self) -> str:
        return "\n".join([self.summary] + [f"  - {r.text}" for r in self.reasons])


@dataclass(frozen=True)
class Rule:
    """A workbook row that restricts where talks may go."""

    reason: Reason
    talks: tuple[str, ...]
    kind: str  # "single", "joint" or "pair"
    forbids: Callable[[Talk, Placement], bool] = field(default=lambda talk, p: False, compare=False)
    row: PairRow | None = field(default=None, compare=False)
    # kind "family": posts the rule on a build, only where the literal is true
    post: Callable[[Build, cp_model.IntVar], None] | None = field(default=None, compare=False)


def _rows_text(given: list[int | None]) -> str:
    rows = [r for r in given if r is not None]
    if not rows:
        return ""
    if rows == list(range(rows[0], rows[-1] + 1)) and len(rows) > 2:
        return f"rows {rows[0]}-{rows[-1]}"
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(map(str, rows))


def rules_of(instance: Instance, baseline: Baseline | None = None) -> list[Rule]:
    out: list[Rule] = []
    for s in instance.speakers:
        talks = tuple(instance.talks_of_speaker.get(s.name, []))
        if s.unavailable and talks:
            text = f"Speakers row {s.row}: {s.name} unavailable {'; '.join(p.text for p in s.unavailable)}"
            name = s.name

            def forbids(talk: Talk, p: Placement, name=name) -> bool:
                return any(n == name for n, _ in unavailable(instance, talk, p.day, p.start, p.end, p.session))

            out.append(Rule(Reason("Speakers", s.row, "unavailable", text), talks, "single", forbids))
    for t in instance.talks:
        if t.room:
            out.append(Rule(Reason("Talks", t.row, "room", f"Talks row {t.row}: {t.id} must be in {t.room}"),
                            (t.id,), "single", _not_in_room(t.room)))
        if t.pinned and baseline is not None and t.id in baseline.places:
            base = baseline.places[t.id]
            out.append(Rule(Reason("Talks", t.row, "pinned", f"Talks row {t.row}: {t.id} pinned at {base.text()}"),
                            (t.id,), "single", _not_at(base)))
    for c in instance.constraints:
        if not c.hard:
            continue
        reason = Reason("Constraints", c.row, "target", f"Constraints row {c.row}: {c.describe()}")
        if isinstance(c, TalkRow):
            out.append(Rule(reason, (c.talk,), "single", _breaking(c)))
        else:
            out.append(Rule(reason, (c.talk, c.other), "pair", row=c))
    for label, ids in instance.joint_groups.items():
        if len(ids) > 1:
            rows = [instance.talk_by_id[i].row for i in ids]
            text = f"Talks {_rows_text(rows)}: joint group {label!r} ({', '.join(ids)}) back to back in one session"
            out.append(Rule(Reason("Talks", rows[0], "joint", text), tuple(ids), "joint"))
    return out + structure_rules(instance)


def structure_rules(instance: Instance) -> list[Rule]:
    """The hard rules of the Tracks, CellCosts, People and Conflicts sheets, one per row
    (a person's conflicts, a track's rule, a forbidden cell)."""
    out: list[Rule] = []
    of_track = talks_of_track(instance)
    tracked = [t for t in instance.talks if t.track]
    for c in instance.cell_costs:
        if c.hard:
            talks = tuple(t.id for t in instance.talks if (c.talk == t.id if c.talk else c.track in (None, t.track)))
            out.append(Rule(Reason("CellCosts", c.row, "penalty", f"CellCosts row {c.row}: {c.describe()}"), talks,
                            "single", _in_cell(instance, c)))
    if not tracked:
        return out + _conflict_rules(instance)
    rows = [t.row for t in tracked]
    out.append(Rule(Reason("Talks", rows[0], "track", f"Talks {_rows_text(rows)}: a session cell holds talks of one "
                                                      "track only (column 'track')"),
                    tuple(t.id for t in tracked), "family", post=lambda b, a: track_family.add_one_track_per_cell(b, a)))
    for track in instance.tracks:
        talks = tuple(of_track.get(track.name, []))
        for column, term, flag in track_flags(track):
            if flag.hard:
                text = f"Tracks row {track.row}: track {track.name!r} {TRACK_PHRASES[column]}"
                out.append(Rule(Reason("Tracks", track.row, column, text), talks, "family",
                                post=partial(_post_track_rule, track, column, term, flag)))
        for other, flag in track.similar:
            if flag.hard:
                text = f"Tracks row {track.row}: track {track.name!r} never in parallel with {other!r} (similar)"
                out.append(Rule(Reason("Tracks", track.row, "similar", text), talks + tuple(of_track.get(other, [])),
                                "family", post=partial(_post_similar, track.name, other, flag)))
        if track.order.hard and track.name in ordered_tracks(instance):
            ordered = [instance.talk_by_id[t] for t in talks if instance.talk_by_id[t].order is not None]
            text = (f"Tracks row {track.row}: the talks of {track.name!r} at their positions "
                    f"({', '.join(f'{t.id} {t.order}' for t in ordered)}; Talks column 'order')")
            out.append(Rule(Reason("Tracks", track.row, "order", text), talks, "family",
                            post=partial(_post_order, track.name, track.order)))
    return out + _conflict_rules(instance)


TRACK_PHRASES = {"one_room": "stays in one room", "consecutive": "runs in consecutive session blocks",
                 "not_parallel": "never runs in two cells of one session block"}


def _post_track_rule(track, column, term, flag, b: Build, a) -> None:
    track_family.add_track_rule(b, track, column, term, flag, enforce=a)


def _post_similar(name: str, other: str, flag, b: Build, a) -> None:
    track_family.add_cell_pairs(b, name, other, flag, "track_similar", 0, "similar", enforce=a)


def _post_order(name: str, flag, b: Build, a) -> None:
    track_family.add_order(b, name, flag, enforce=a)


def _post_pairs(rule, pairs, b: Build, a) -> None:
    people_family.add_rule(b, rule, pairs, enforce=a)


def _post_chairs(rule, pairs, b: Build, a) -> None:
    people_family.add_chair_rule(b, rule, pairs, enforce=a)


def _in_cell(instance: Instance, c) -> Callable[[Talk, Placement], bool]:
    return lambda talk, p: cell_matches(instance, c, p.session_key)


def _rule_text(rule) -> str:
    where = f"Conflicts row {rule.row}" if rule.row is not None else "by default"
    return f"no conflict at {rule.level} level ({where})"


def _conflict_rules(instance: Instance) -> list[Rule]:
    """Hard conflicts, one rule per person (People row) or chair (Tracks row) that causes them."""
    out: list[Rule] = []
    order = {t.id: n for n, t in enumerate(instance.talks)}

    def add(reason: Reason, pairs: set, rule) -> None:
        ps = sorted(pairs, key=lambda ab: (order[ab[0]], order[ab[1]]))
        if ps:
            talks = tuple(dict.fromkeys(t for ab in ps for t in ab))
            out.append(Rule(reason, talks, "family", post=partial(_post_pairs, rule, ps)))

    for rule in (r for r in conflict_rules(instance, "presenters") if r.hard):
        if presenters_default(instance):
            for track in instance.tracks:
                for chair in chairs_of(instance).get(track.name, ()):
                    pairs = presenter_pairs_of(instance, chair, [track.name])
                    add(Reason("Tracks", track.row, "chairs", f"Tracks row {track.row}: {chair} chairs {track.name!r} "
                               f"and presents elsewhere: {_rule_text(rule)}"), pairs, rule)
            continue
        for s in instance.speakers:
            pairs = presenter_pairs_of(instance, s.name)
            add(Reason("Speakers", s.row, "name", f"Speakers row {s.row}: {s.name} presents (or chairs) several talks: "
                       f"{_rule_text(rule)}"), pairs, rule)
    for rule in (r for r in conflict_rules(instance, "attendees") if r.hard):
        for person in instance.people:
            add(Reason("People", person.row, "attends", f"People row {person.row}: {person.name} attends "
                       f"{'; '.join([*person.attends, *person.attends_tracks])}: {_rule_text(rule)}"),
                attendee_pairs_of(instance, person), rule)
    if any(t.track for t in instance.talks):
        of_track = talks_of_track(instance)
        rows = {t.name: t.row for t in instance.tracks}
        for rule in (r for r in conflict_rules(instance, "chairs") if r.hard):
            for first, second in chair_pairs(instance):
                shared = sorted(set(chairs_of(instance)[first]) & set(chairs_of(instance)[second]))
                text = (f"Tracks rows {rows[first]}, {rows[second]}: {first!r} and {second!r} share the chair "
                        f"{shared[0]}: {_rule_text(rule)}")
                out.append(Rule(Reason("Tracks", rows[first], "chairs", text), tuple(of_track[first] + of_track[second]),
                                "family", post=partial(_post_chairs, rule, [(first, second)])))
    return out


def _not_in_room(room: str) -> Callable[[Talk, Placement], bool]:
    return lambda talk, p: p.room != room


def _not_at(base: Place) -> Callable[[Talk, Placement], bool]:
    return lambda talk, p: Place.of(p) != base


def _breaking(row: TalkRow) -> Callable[[Talk, Placement], bool]:
    return lambda talk, p: row.breaks(p)


def minimal(items: list, infeasible: Callable[[list], bool]) -> list:
    """Deletion-based reduction: drop every item the infeasibility does not need."""
    keep = list(items)
    for item in list(keep):
        trial = [x for x in keep if x is not item]
        if infeasible(trial):
            keep = trial
    return keep


# -- cheap checks ---------------------------------------------------------------------

def counting_checks(instance: Instance, baseline: Baseline | None = None) -> Explanation | None:
    """The first conflict the cheap checks find, or None."""
    return next(findings(instance, baseline), None)


def findings(instance: Instance, baseline: Baseline | None = None) -> Iterator[Explanation]:
    """Every conflict the cheap checks find, one explanation each, cheapest first."""
    structural = False
    for talk in instance.talks:
        if not any(instance.templates(talk.duration, r.name) for r in instance.rooms):
            longest = max((instance.slots[i[-1]].end - instance.slots[i[0]].start for i in instance.sessions.values()),
                          default=0)
            structural = True
            yield Explanation(
                f"{talk.id} lasts {talk.duration} minutes, longer than every session ({longest} minutes at most).",
                [Reason("Talks", talk.row, "duration", f"Talks row {talk.row}: {talk.id} lasts {talk.duration} minutes")],
                "counting")
        elif talk.room and not instance.templates(talk.duration, talk.room):
            structural = True
            yield Explanation(
                f"{talk.id} must be in {talk.room}, where no run of slots is long enough for it.",
                [Reason("Talks", talk.row, "room", f"Talks row {talk.row}: {talk.id} must be in {talk.room}"),
                 Reason("Talks", talk.row, "duration", f"Talks row {talk.row}: {talk.id} lasts {talk.duration} minutes")],
                "counting")
    for label, ids in instance.joint_groups.items():
        if all(instance.min_slots(instance.talk_by_id[i]) for i in ids) and not instance.has_joint_chain(ids):
            structural = True
            rows = [instance.talk_by_id[i].row for i in ids]
            need = sum(instance.min_slots(instance.talk_by_id[i]) for i in ids)
            longest = max((len(i) for i in instance.sessions.values()), default=0)
            yield Explanation(
                f"Joint group {label!r} needs {need} consecutive slots in one room and one session; "
                f"the longest session has {longest}.",
                [Reason("Talks", rows[0], "joint",
                        f"Talks {_rows_text(rows)}: joint group {label!r} ({', '.join(ids)}) back to back in one session")],
                "counting")
    need = sum(instance.min_slots(t) for t in instance.talks)
    have = sum(len(s.rooms) for s in instance.slots)
    if need > have:
        structural = True
        talk_rows = _rows_text([t.row for t in instance.talks])
        slot_rows = _rows_text([s.row for s in instance.slots])
        yield Explanation(
            f"The talks need {need} room-slots but the grid has {have}: {need - have} too many.",
            [Reason("Talks", None, None, f"Talks {talk_rows}: {len(instance.talks)} talks need {need} room-slots"),
             Reason("Slots", None, None, f"Slots {slot_rows}: {len(instance.slots)} slots offer {have} room-slots")],
            "counting")
    if structural:
        return
    rules = rules_of(instance, baseline)
    singles: dict[str, list[Rule]] = {}
    for r in rules:
        if r.kind == "single":
            for t in r.talks:
                singles.setdefault(t, []).append(r)
    remaining: dict[str, list[Placement]] = {}
    for talk in instance.talks:
        own = singles.get(talk.id, [])
        if not own:
            continue  # every grid place is open to it, and there is one (checked above)
        # only whether a place is left, and the places of talks with few, are needed
        remaining[talk.id] = places_left(instance, talk, own, limit=PAIR_CHECK_MAX_PLACES + 1)
        if not remaining[talk.id]:
            core = minimal(own, _no_place_left(instance, talk))
            yield Explanation(f"{talk.id} ({talk.title}) has no possible place.", [r.reason for r in core], "counting")
    few = [t for t in instance.talks if 0 < len(remaining.get(t.id, ())) <= PAIR_CHECK_MAX_PLACES]
    for i, a in enumerate(few):
        for b in few[i + 1:]:
            if not all(_clash(instance, pa, pb) for pa, pb in product(remaining[a.id], remaining[b.id])):
                continue
            own = singles.get(a.id, []) + [r for r in singles.get(b.id, []) if r not in singles.get(a.id, [])]

            def all_clash(rs, a=a, b=b):
                return all(_clash(instance, pa, pb) for pa, pb in
                           product(places_left(instance, a, rs), places_left(instance, b, rs)))

            core = minimal(own, all_clash)
            yield Explanation(f"{a.id} and {b.id} can only be placed where they clash.",
                               [r.reason for r in core], "counting")


def _no_place_left(instance: Instance, talk: Talk) -> Callable[[list[Rule]], bool]:
    return lambda rules: not places_left(instance, talk, rules, limit=1)


def places_left(instance: Instance, talk: Talk, rules: list[Rule], limit: int | None = None) -> list[Placement]:
    """The grid places of ``talk`` (any room) that none of ``rules`` forbids (the first
    ``limit`` of them: a large conference has hundreds of thousands per talk)."""
    own = [r for r in rules if talk.id in r.talks]
    allowed = (p for p in instance.iter_placements(talk, any_room=True) if not any(r.forbids(talk, p) for r in own))
    return list(islice(allowed, limit))


def _clash(instance: Instance, pa: Placement, pb: Placement) -> bool:
    a, b = instance.talk_by_id[pa.talk], instance.talk_by_id[pb.talk]
    if pa.room == pb.room and pa.overlaps(pb, own_time=False):
        return True
    return presenters_default(instance) and bool(set(a.speakers) & set(b.speakers)) and pa.overlaps(pb)


# -- CP-SAT core ----------------------------------------------------------------------

class _CoreModel:
    """All grid placements; the basic rules always on; each workbook rule behind a literal."""

    def __init__(self, instance: Instance, rules: list[Rule], guard_talks: bool):
        self.b = b = Build(instance)
        for talk in instance.talks:
            b.candidates[talk.id] = [(p, b.model.new_bool_var(f"x[{talk.id},{k}]"))
                                     for k, p in enumerate(instance.placements(talk, any_room=True))]
        self.lits: list[tuple[cp_model.IntVar, Reason]] = []
        for talk in instance.talks:
            xs = [x for _, x in b.candidates[talk.id]]
            if guard_talks:
                a = b.model.new_bool_var(f"talk[{talk.id}]")
                b.model.add_at_most_one(xs)
                b.model.add_bool_or(xs).only_enforce_if(a)
                reason = Reason("Talks", talk.row, "id", f"Talks row {talk.row}: {talk.id} ({talk.title}) is to be scheduled")
                self.lits.append((a, reason))
            else:
                b.model.add_exactly_one(xs)
        rooms = {p.room for c in b.candidates.values() for p, _ in c}
        for room in sorted(rooms):
            for lits in b.covering([t.id for t in instance.talks], own_time=False, room=room).values():
                b.model.add_at_most_one(lits)
        speaker_family.add_overlaps(b)
        for rule in rules:
            a = b.model.new_bool_var(f"rule[{rule.reason.text}]")
            self.lits.append((a, rule.reason))
            if rule.kind == "single":
                for t in rule.talks:
                    talk = instance.talk_by_id[t]
                    for p, x in b.candidates[t]:
                        if rule.forbids(talk, p):
                            b.model.add_implication(a, ~x)
            elif rule.kind == "joint":
                joint_family.add_group(b, list(rule.talks), enforce=a)
            elif rule.kind == "family":
                assert rule.post is not None
                rule.post(b, a)
            else:
                violated = b.model.new_bool_var(f"off[{rule.reason.text}]")
                b.model.add(violated + a == 1)
                assert rule.row is not None
                rule.row.spec.add(b, rule.row.talk, rule.row.other, violated)

    def infeasible(self, subset: list[int], seconds: float) -> bool | None:
        """True/False when decided within ``seconds``, None when not."""
        m = self.b.model
        m.clear_assumptions()
        m.add_assumptions([self.lits[i][0] for i in subset])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.catch_sigint_signal = False  # Ctrl-C stays the command's
        status = solver.solve(m)
        self.last_core = [i for i, (a, _) in enumerate(self.lits) if a.index in
                          set(solver.sufficient_assumptions_for_infeasibility())] if status == cp_model.INFEASIBLE else []
        if status == cp_model.INFEASIBLE:
            return True
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        return None


def core_explanation(instance: Instance, baseline: Baseline | None, deadline: float) -> Explanation:
    rules = rules_of(instance, baseline)
    for guard_talks in (False, True):
        cm = _CoreModel(instance, rules, guard_talks)
        everything = list(range(len(cm.lits)))
        verdict = cm.infeasible(everything, deadline - now())
        if verdict is None:
            return Explanation("The search ran out of time before it could prove which rows conflict.", [], "none")
        if verdict is False:
            if guard_talks:
                return Explanation("No conflict among the workbook's rows was found.", [], "none")
            continue
        core = cm.last_core or everything
        if not core:
            continue  # the basic rules alone conflict: retry with one literal per talk

        def still(subset: list[int], cm: _CoreModel = cm) -> bool:
            left = deadline - now()
            return left > 0 and cm.infeasible(subset, min(left, 10.0)) is True

        core = minimal(core, still)
        reasons = [cm.lits[i][1] for i in core]
        what = "these talks cannot all be placed together" if guard_talks and all(
            r.sheet == "Talks" and r.column == "id" for r in reasons) else "these rows cannot all hold together"
        return Explanation(f"No schedule exists: {what} (a minimal conflicting set).", reasons, "core")
    return Explanation("No conflict among the workbook's rows was found.", [], "none")


def explain(instance: Instance, baseline: Baseline | None = None, time_limit: float = 30.0) -> Explanation:
    """The reasons why ``instance`` has no schedule (empty reasons when none is found)."""
    t0 = now()
    found = counting_checks(instance, baseline)
    if found is None:
        found = core_explanation(instance, baseline, t0 + time_limit)
    found.seconds = now() - t0
    return found
