"""The workshop demo: levers, the twin organisations, and the app in a real browser."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from conftest import ROOT

from cxsim.demo.levers import LEVERS, apply_levers, lever_defaults
from cxsim.demo.workshop import SCENARIO_ENV, Workshop, demo_scenario

SHOTS = ROOT / "results" / "screenshots"
SMALL_DEMO = ROOT / "tests" / "data" / "small_demo.yaml"


def test_every_lever_has_plain_words_and_changes_its_scenario_key() -> None:
    base = demo_scenario(str(SMALL_DEMO))
    start = lever_defaults(base)
    flipped = {"int": lambda lever, v: min(lever.high, v + lever.step),
               "bool": lambda lever, v: not v,
               "choice": lambda lever, v: next(c for c in lever.choices if c != v)}
    for lever in LEVERS:
        assert "_" not in lever.label and lever.tooltip.endswith(".")
        changed = apply_levers(base, {**start, lever.name: flipped[lever.kind](
            lever, start[lever.name])})
        assert changed != base, lever.name
        assert lever.current(changed) != start[lever.name], lever.name
    assert apply_levers(base, start) is base


def test_without_levers_the_two_organisations_are_identical() -> None:
    workshop = Workshop(scenario_path=str(SMALL_DEMO))
    for _ in range(30):
        workshop.step()
    assert workshop.day == 30
    assert workshop.today.series == workshop.changed.series


def test_a_lever_changes_only_the_right_hand_organisation() -> None:
    plain = Workshop(scenario_path=str(SMALL_DEMO))
    workshop = Workshop({"shared_record": True, "authority": 1000},
                        scenario_path=str(SMALL_DEMO))
    for _ in range(60):
        plain.step()
        workshop.step()
    assert workshop.today.series == plain.today.series  # same seed: the reference is today
    assert workshop.changed.series["escalations"][-1] < workshop.today.series["escalations"][-1]
    assert workshop.changed.series["effort"][-1] < workshop.today.series["effort"][-1]
    grid = workshop.today.loyalty_grid()
    assert grid.shape[0] == grid.shape[1] and set(grid[~(grid != grid)].ravel()) <= {0, 1, 2, 3}


# --- in the browser ------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        pytest.skip("no chromium on this machine (.ci/run installs Debian's chromium)")
    pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    port = _free_port()
    env = {**os.environ, SCENARIO_ENV: str(SMALL_DEMO)}
    server = subprocess.Popen([sys.executable, "-m", "cxsim", "demo", "--port", str(port),
                               "--no-open"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("cxsim demo did not start within 90 s")
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser_page(demo_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(demo_url)
        page.get_by_text("Pull a lever").first.wait_for(timeout=60_000)
        yield page
        browser.close()


def _day(page: object, day: int) -> None:
    page.locator(".cx-headline", has_text=f"Day {day}.").wait_for(timeout=30_000)


def _charts(page: object) -> bytes:
    """Screenshot of the live-charts image (the widest image on the page)."""
    widest = page.evaluate("""() => { const imgs = [...document.images];
        return imgs.indexOf(imgs.reduce((a, b) => b.naturalWidth > a.naturalWidth ? b : a)); }""")
    return page.locator("img").nth(widest).screenshot()


def _step(page: object, days: int, start: int) -> None:
    for day in range(start + 1, start + days + 1):
        page.get_by_role("button", name="Step").click()
        _day(page, day)


def test_page_loads_with_levers_charts_and_no_raw_names(browser_page: object) -> None:
    page = browser_page
    _day(page, 0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "demo_start.png"), full_page=True)
    text = page.inner_text("body")
    for lever in LEVERS:
        assert lever.label in text
    assert "empowerment_limit" not in text and "contact_centre" not in text
    assert page.locator("img").count() >= 3  # charts, customers, translation loss


def _settled_charts(page: object) -> bytes:
    page.mouse.move(1590, 990)  # no tooltip over the charts
    page.wait_for_timeout(1500)  # let the last render reach the browser
    return _charts(page)


def test_lever_and_steps_change_the_charts_and_reset_restores(browser_page: object) -> None:
    page = browser_page
    _step(page, 1, int(re.search(r"Day (\d+)\.", page.inner_text(".cx-headline")).group(1)))
    page.get_by_text("One shared customer record").click()  # restarts both at day 0
    _day(page, 0)
    start, headline = _settled_charts(page), page.inner_text(".cx-headline")
    _step(page, 8, 0)
    assert _settled_charts(page) != start
    changed = page.inner_text(".cx-headline").split("With your changes")[1]
    assert re.search(r"profit \S+ \(([^)]*)\)", changed).group(1) != "+0"  # lever shows
    page.screenshot(path=str(SHOTS / "demo_after_lever.png"), full_page=True)
    page.get_by_role("button", name="Reset").click()
    _day(page, 0)
    assert _settled_charts(page) == start
    assert page.inner_text(".cx-headline") == headline
