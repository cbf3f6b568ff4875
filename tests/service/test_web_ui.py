"""The web UI in a real headless Chromium (Debian's, driven by Playwright): submit a fixture repo,
watch it finish, open the report, enter human scores, export them; pages fit a phone's width."""

from __future__ import annotations

import csv
import io
import shutil
import threading
import time

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

sync_api = pytest.importorskip("playwright.sync_api")
if not shutil.which("chromium"):
    pytest.skip("needs Debian's chromium: apt-get install -y chromium", allow_module_level=True)


@pytest.fixture
def server(settings):
    import uvicorn

    from grader.service.app import create_app

    app = create_app(settings, workers=1)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not (server.started and server.servers):
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def fits_width(page) -> bool:
    """No sideways scrolling at this viewport, and every form control has a label (accessible name)."""
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll(
        'input:not([type=hidden]), select, textarea, button')).filter(el => {
            const byLabel = el.labels && el.labels.length > 0;
            const byAria = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            const byText = el.tagName === 'BUTTON' && el.textContent.trim();
            return !(byLabel || byAria || byText);
        }).map(el => el.outerHTML)""")
    assert not unlabelled, unlabelled
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_submit_watch_report_score_export(server, browser, good_app_tgz, tmp_path):
    archive = tmp_path / "good_app.tar.gz"
    archive.write_bytes(good_app_tgz)
    context = browser.new_context(viewport={"width": 375, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)

    page.goto(server + "/")
    assert page.get_by_role("heading", name="Jobs").is_visible() and fits_width(page)
    page.get_by_role("link", name="Submit").first.click()
    page.get_by_label("Archive").set_input_files(str(archive))
    page.get_by_label("Rubric").select_option("rails-rubyllm-v2")
    assert not page.get_by_label("Run the app in Docker").is_checked()
    page.get_by_role("button", name="Submit").click()

    page.wait_for_url("**/jobs/*")
    assert page.get_by_role("status").inner_text() == "Submitted."
    # live.js reloads the page when the job leaves queued/running.
    page.get_by_role("link", name="Report", exact=True).wait_for(timeout=120_000)
    assert page.locator('[data-field="status"]').inner_text() == "done"
    assert fits_width(page)

    page.get_by_role("link", name="Report", exact=True).click()
    assert page.get_by_role("heading", name="Report: good_app").is_visible()
    assert page.get_by_role("table").filter(has_text="Dimensions").is_visible() and fits_width(page)

    page.get_by_role("link", name="Score by hand").first.click()
    assert page.get_by_text("Are reply tokens pushed to the page as they arrive").is_visible()
    assert page.get_by_text("per-chunk broadcast to the right target").is_visible()  # an anchor
    assert fits_width(page)
    page.get_by_label("Your name (rater)").fill("ann")
    page.get_by_label("Your score for streaming_is_real").fill("3")
    page.get_by_label("Your score for payload_sent_once").fill("4")
    page.get_by_role("button", name="Save scores").click()
    assert page.get_by_role("status").inner_text() == "Saved 2 scores."
    assert page.get_by_label("Your score for streaming_is_real").input_value() == "3"
    # A score above the criterion's maximum is refused with the reason.
    page.get_by_label("Your score for streaming_is_real").evaluate("el => el.removeAttribute('max')")
    page.get_by_label("Your score for streaming_is_real").fill("9")
    page.get_by_role("button", name="Save scores").click()
    assert "above its maximum 4" in page.get_by_role("alert").inner_text()

    page.get_by_role("link", name="Leaderboard").click()
    assert page.get_by_role("link", name="good_app").is_visible() and fits_width(page)
    with page.expect_download() as got:
        page.get_by_role("link", name="Export human scores (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(open(got.value.path(), encoding="utf-8").read())))
    assert sorted((r["item"], r["criterion"], r["score"], r["rater"], r["dimension"]) for r in rows) == [
        ("good_app", "payload_sent_once", "4", "ann", "payload"),
        ("good_app", "streaming_is_real", "3", "ann", "streaming")]

    page.goto(server + "/")
    assert page.locator('[data-field="status"]').first.inner_text() == "done"
    context.close()


def test_login_page_when_tokens_are_required(settings, browser):
    import uvicorn

    from grader.service.app import create_app
    from grader.service.auth import create_token
    from grader.service.db import Database

    db = Database(settings)
    with db.session() as s:
        token = create_token(s, "ui-user")
    db.dispose()
    settings.require_auth = True
    server = uvicorn.Server(uvicorn.Config(create_app(settings, workers=0), host="127.0.0.1", port=0,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not (server.started and server.servers):
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        page = browser.new_page()
        page.goto(base + "/leaderboard")
        assert "/login" in page.url
        page.get_by_label("Token").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
        assert "Unknown or revoked token" in page.get_by_role("alert").inner_text()
        page.get_by_label("Token").fill(token)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/leaderboard")
        assert page.get_by_role("heading", name="Leaderboard").is_visible()
    finally:
        server.should_exit = True
        thread.join(10)
