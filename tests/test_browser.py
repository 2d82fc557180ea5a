"""The HTML timetable in a real browser: headless Chromium driven by Selenium.

Every talk must be visible inside its day's grid, in its room's column; printing gives
one landscape page per day. A screenshot of the whole page is saved as a test artifact
in $SESSIONPLAN_ARTIFACTS (default: the test's temporary folder) and its path printed.

Needs the Debian packages chromium and chromium-driver (.ci/run installs them). Outside
CI the test is skipped when they are missing; in CI (CI set) it fails instead.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import time
from pathlib import Path

import pytest

import sessionplan as sp
from sessionplan import export

from .conftest import write_book
from .export_cases import multi_room

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,900"]

# One call per page: for each talk block, what the browser shows.
PROBE = """
const out = [];
for (const el of document.querySelectorAll('[data-talk]')) {
  el.scrollIntoView({block: 'center'});
  const r = el.getBoundingClientRect();
  const table = el.closest('table.grid');
  const g = table ? table.getBoundingClientRect() : null;
  const head = table ? [...table.querySelectorAll('thead th[data-room]')]
      .find(th => th.dataset.room === el.dataset.room) : null;
  const h = head ? head.getBoundingClientRect() : null;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 10));
  const style = getComputedStyle(el);
  const cell = el.closest('td').getBoundingClientRect();
  out.push({talk: el.dataset.talk, room: el.dataset.room, day: table ? table.dataset.day : null,
            width: r.width, height: r.height, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            grid: g && {left: g.left, right: g.right, top: g.top, bottom: g.bottom},
            column: h && {left: h.left, right: h.right},
            cell_height: cell.height,
            on_top: !!hit && (hit === el || el.contains(hit)),
            shown: style.visibility === 'visible' && style.display !== 'none' && Number(style.opacity) > 0});
}
return out;
"""


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        message = f"headless browser missing: {', '.join(missing)} (apt-get install chromium chromium-driver)"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium must never download a driver or browser
    from selenium import webdriver

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        opts.add_argument(flag)
    driver = webdriver.Chrome(options=opts, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("SESSIONPLAN_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(driver, path: Path) -> list[dict]:
    driver.set_window_size(1400, 900)
    driver.get(path.resolve().as_uri())
    return driver.execute_script(PROBE)


def check_every_talk_visible(blocks: list[dict], assignments) -> None:
    assert sorted(b["talk"] for b in blocks) == sorted(a.talk for a in assignments)
    placed = {a.talk: a for a in assignments}
    for b in blocks:
        a = placed[b["talk"]]
        assert b["shown"] and b["on_top"], b
        assert b["width"] > 20 and b["height"] > 20, b
        assert b["day"] == a.day.isoformat() and b["room"] == a.room, b
        g, c = b["grid"], b["column"]
        assert g["left"] <= b["left"] and b["right"] <= g["right"] + 0.5, b
        assert g["top"] <= b["top"] and b["bottom"] <= g["bottom"] + 0.5, b
        assert c["left"] - 0.5 <= b["left"] and b["right"] <= c["right"] + 0.5, b  # in its room's column


def save_screenshot(driver, folder: Path, name: str, capsys) -> Path:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(int(height) + 40, 16000))
    driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.2)
    path = folder / name
    assert driver.save_screenshot(str(path)) and path.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def pdf_pages(driver) -> int:
    from selenium.webdriver.common.print_page_options import PrintOptions

    opts = PrintOptions()
    opts.orientation = "landscape"
    opts.background = True
    pdf = base64.b64decode(driver.print_page(opts))
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_workshop_timetable_in_chromium(browser, workshop, workshop_solution, tmp_path, artifacts, capsys):
    page = tmp_path / "workshop.html"
    export.write(workshop, workshop_solution.assignments, page, title="Research workshop")
    blocks = open_page(browser, page)
    check_every_talk_visible(blocks, workshop_solution.assignments)
    assert browser.title == "Research workshop"
    assert len({b["day"] for b in blocks}) == 5
    save_screenshot(browser, artifacts, "workshop-timetable.png", capsys)
    assert pdf_pages(browser) == 5  # one printed page per day


def test_two_rooms_and_a_two_slot_talk_in_chromium(browser, tmp_path, artifacts, capsys):
    inst = sp.load(write_book(tmp_path / "multi.xlsx", multi_room()))
    sol = sp.solve(inst, workers=1, time_limit=10)
    page = tmp_path / "multi.html"
    export.write(inst, sol.assignments, page)
    blocks = open_page(browser, page)
    check_every_talk_visible(blocks, sol.assignments)
    heights = {b["talk"]: b["cell_height"] for b in blocks}
    # its cell spans two rows: taller than the one-slot cells beside it (rows elsewhere may be
    # taller still, e.g. for a long title, so only the rows it spans are compared)
    t5 = next(a for a in sol.assignments if a.talk == "T5")
    beside = [heights[a.talk] for a in sol.assignments
              if a.talk != "T5" and a.day == t5.day and t5.start <= a.start < t5.end]
    assert heights["T5"] > max(beside or [min(h for t, h in heights.items() if t != "T5")]) + 10
    spans = browser.execute_script(
        "return [...document.querySelectorAll('td')].filter(td => /\\bT5\\b/.test(td.textContent)).map(td => td.rowSpan)")
    assert spans == [2]
    assert any("<script>" in t for t in browser.execute_script(
        "return [...document.querySelectorAll('.talk .title')].map(e => e.textContent)"))
    assert browser.execute_script("return document.scripts.length") == 0
    save_screenshot(browser, artifacts, "two-rooms-timetable.png", capsys)
