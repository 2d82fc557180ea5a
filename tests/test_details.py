"""Details organizers meet: the Score sheet, export languages, problem counts, exit codes,
the README sheet's commands, and commands that do not load what they do not use."""

from __future__ import annotations

import json
import subprocess
import sys

from openpyxl import load_workbook
from typer.testing import CliRunner

import sessionplan as sp
from sessionplan import export
from sessionplan.cli import app

from .conftest import write_book

runner = CliRunner()


def test_score_sheet_shows_the_gap_as_a_percentage_and_a_total_row(workshop, workshop_solution, tmp_path):
    sp.write_outputs(workshop_solution, tmp_path)
    ws = load_workbook(tmp_path / "schedule.xlsx")["Score"]
    rows = {r[0].value: r for r in ws.iter_rows() if r and r[0].value is not None}
    assert "%" in rows["gap"][1].number_format
    total = rows["total"]
    assert total[3].value == round(workshop_solution.evaluation.total, 6)
    assert total[3].value == sum(r[3].value for key, r in rows.items()
                                 if key in workshop_solution.evaluation.terms) != 0


def two_languages(mini):
    mini["Talks"][0][5] = "Wir zeigen, wie die Verfahren der konvexen Optimierung in der Praxis arbeiten und was sie leisten."
    mini["Talks"][1][5] = "We show how stochastic gradient methods work in practice and what they can do for you."
    mini["Talks"][2][1] = "Mittelalterliche Handschriften und ihre Schreiber"
    return mini


def test_exports_carry_each_talks_language_unless_one_is_given(mini, book, tmp_path):
    path = book(two_languages(mini))
    inst = sp.load(path)
    sol = sp.solve(inst, workers=1, time_limit=10)
    doc = export.to_frab_json(inst, sol.assignments)
    langs = {ev["title"]: ev["language"] for day in doc["schedule"]["conference"]["days"]
             for evs in day["rooms"].values() for ev in evs}
    assert langs["Convex optimisation methods"] == "de"            # its abstract is German
    assert langs["Stochastic gradient methods"] == "en"
    assert langs["Mittelalterliche Handschriften und ihre Schreiber"] == "de"   # a German title alone
    xml = export.to_frab_xml(inst, sol.assignments).decode()
    assert xml.count("<language>de</language>") == 2 and xml.count("<language>en</language>") == 2
    html = export.to_html(inst, sol.assignments)
    assert html.count('lang="de"') == 2   # the page says en (a tie goes to English), German talks say so
    forced = export.to_frab_json(inst, sol.assignments, language="fr")
    assert {ev["language"] for day in forced["schedule"]["conference"]["days"]
            for evs in day["rooms"].values() for ev in evs} == {"fr"}
    sp.write_outputs(sol, tmp_path)
    res = runner.invoke(app, ["export", str(tmp_path / "schedule.xlsx"), "--out", str(tmp_path / "x.xml"),
                              "--language", "it"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "x.xml").read_text().count("<language>it</language>") == 4


def test_check_counts_one_conflict_as_one_problem(mini, book):
    mini["Constraints"] = [["pin", "T1", "Mon-1", None, None], ["forbid", "T1", "Mon-1", None, None]]
    res = runner.invoke(app, ["check", str(book(mini))])
    assert res.exit_code == 2
    assert "1 problem found" in res.output, res.output
    assert "row 2" in res.output and "row 3" in res.output   # both rows of the conflict are named


def test_score_and_compare_exit_1_on_hard_violations(mini, book, tmp_path):
    path = book(mini)
    sol = sp.solve(path, workers=1, time_limit=10)
    good = tmp_path / "good.json"
    sp.write_outputs(sol, tmp_path, stem="good")
    doc = json.loads(good.read_text())
    doc["assignments"][1].update({k: doc["assignments"][0][k] for k in ("day", "start", "end", "room", "session")})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    assert runner.invoke(app, ["score", str(path), str(good)]).exit_code == 0
    assert runner.invoke(app, ["score", str(path), str(bad)]).exit_code == 1
    assert runner.invoke(app, ["compare", str(path), str(good), str(good)]).exit_code == 0
    res = runner.invoke(app, ["compare", str(path), str(good), str(bad), "--out", str(tmp_path / "c.xlsx")])
    assert res.exit_code == 1 and (tmp_path / "c.xlsx").exists()


def test_init_readme_names_the_file_written(tmp_path):
    path = tmp_path / "camp 2027.xlsx"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    text = "\n".join(str(c.value) for row in load_workbook(path)["README"].iter_rows() for c in row if c.value)
    assert 'sessionplan check "camp 2027.xlsx"' in text and "this.xlsx" not in text


def _loaded_after(args: list[str], cwd) -> dict[str, bool]:
    code = ("import sys\nfrom sessionplan.cli import app\ntry:\n    app(%r)\nexcept SystemExit:\n    pass\n"
            "print({m: m in sys.modules for m in ('sklearn', 'ortools', 'pandas', 'scipy')})" % args)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=120)
    return eval(proc.stdout.strip().splitlines()[-1])


def test_help_and_export_do_not_load_the_solver_or_scikit_learn(workshop, workshop_solution, tmp_path):
    assert not any(_loaded_after(["--help"], tmp_path).values())
    sp.write_outputs(workshop_solution, tmp_path)
    loaded = _loaded_after(["export", "schedule.xlsx", "--out", "p.html"], tmp_path)
    assert (tmp_path / "p.html").exists()
    assert not loaded["sklearn"] and not loaded["ortools"], loaded
