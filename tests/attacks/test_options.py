"""Options out of range: ``--workers 1000000`` (CP-SAT refuses more than 10,000 as an
invalid model), ``--seed 2147483648`` (beyond CP-SAT's 32-bit seed: a pybind11 TypeError),
``--time-limit nan`` or ``inf`` (which pass a plain range check), and the other numbers
of every command. Each is exit 2 naming the option, before any work.
"""

from __future__ import annotations

from .harness import Case, check_all, run_all


def test_options_out_of_range_are_refused(arena, workshop, solved):
    w, s = str(workshop), str(solved / "schedule.json")
    out = str(arena / "options-out")
    bad = [
        ("--workers 1000000", ["solve", w, "--workers", "1000000"], "--workers"),
        ("--workers 0", ["solve", w, "--workers", "0"], "--workers"),
        ("--workers 65", ["solve", w, "--workers", "65"], "--workers"),
        ("--seed 2147483648", ["solve", w, "--seed", "2147483648"], "--seed"),
        ("--seed -1", ["solve", w, "--seed", "-1"], "--seed"),
        ("--seed 10**30", ["solve", w, "--seed", "1" + "0" * 30], "--seed"),
        ("--time-limit nan", ["solve", w, "--time-limit", "nan"], "--time-limit"),
        ("--time-limit inf", ["solve", w, "--time-limit", "inf"], "--time-limit"),
        ("--time-limit -1", ["solve", w, "--time-limit", "-1"], "--time-limit"),
        ("--time-limit 1e300", ["solve", w, "--time-limit", "1e300"], "--time-limit"),
        ("--alternatives 1000000", ["solve", w, "--alternatives", "1000000"], "--alternatives"),
        ("--max-rows 0", ["solve", w, "--max-rows", "0"], "--max-rows"),
        ("--max-rows 10**12", ["check", w, "--max-rows", "1000000000000"], "--max-rows"),
        ("--min-diff 0", ["solve", w, "--alternatives", "2", "--min-diff", "0"], "--min-diff"),
        ("--within -5%", ["solve", w, "--alternatives", "2", "--within", "-5%"], "--within"),
        ("explain --time-limit nan", ["explain", w, "--time-limit", "nan"], "--time-limit"),
        ("explain --time-limit -5", ["explain", w, "--time-limit", "-5"], "--time-limit"),
        ("topics --clusters 0", ["topics", w, "--clusters", "0"], "--clusters"),
        ("topics --clusters -3", ["topics", w, "--clusters", "-3"], "--clusters"),
        ("export --timezone Mars/Olympus", ["export", w, s, "--out", out + "/x.ics", "--timezone", "Mars/Olympus"],
         "--timezone"),
        ("export --base-url javascript:", ["export", w, s, "--out", out + "/x.html", "--base-url", "javascript:x"],
         "--base-url"),
        ("export --format exe", ["export", w, s, "--out", out + "/x.exe"], "--format"),
        ("SESSIONPLAN_MAX_ROWS=-1", ["check", w], "SESSIONPLAN_MAX_ROWS"),
    ]
    cases = [Case(name, [*args, *(["--out", out] if args[0] == "solve" else [])], arena, (2,), (says,), (workshop,),
                  env={"SESSIONPLAN_MAX_ROWS": "-1"} if "SESSIONPLAN" in name else {})
             for name, args, says in bad]
    cases.append(Case("--workers 64 is fine", ["solve", w, "--workers", "64", "--out", out + "/many", "-q",
                                               "--time-limit", "5"], arena, (0,), ("hard violations: 0",)))
    results = run_all(cases)
    check_all(results)
    assert sorted(p.name for p in (arena / "options-out").iterdir()) == ["many"]
