"""Real-browser tests: headless Chromium (Debian's package) driven through Playwright.

1. A front end on a second origin (the static page in tests/browser/page, served on
   127.0.0.1 and another port: same site as the API, so the Lax session cookie goes along)
   logs in, submits a job and polls it to Succeed with credentialed `fetch` calls only: CORS
   with credentials works. The same page on a disallowed origin cannot read the replies.
2. The admin dashboard at /__admin/ui/ follows a job as the clock moves, and its fail
   button moves the job to Failed through the admin API.

Chromium must be installed (`tools/install_browser.sh`, run by `make test`): without it
these tests fail, they never skip. Playwright's own browser download is never used.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    Locator,
    Page,
    Playwright,
    Request,
    Route,
    expect,
    sync_playwright,
)

from linkis_mock.config import load_settings
from linkis_mock.testing import ROOT, Mock, free_port, serve_in_thread

pytestmark = pytest.mark.runs_long

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling home, which floods the closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGE_DIR = Path(__file__).resolve().parent / "page"
SCREENSHOT_COPY = ROOT / "build" / "dashboard.png"
WAIT_MS = 10_000  # every browser-side wait; well under the 15 s ceiling
SUCCESS_LINE = "Congratulations. Your job completed with status Success."
FAIL_ERROR = "Failed from the dashboard"
TOKEN_HEADERS = {"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}
VIAS_PROJECT = "0123456789abcdef0123456789abcdef"
VIAS_HEADERS = {"X-Auth-Token": "vias-dev-token"}
VIAS_TASK = {
    "name": "gate-cam-1",
    "input": {"type": "video_source", "data": [{"video_source_id": "vs-0001"}]},
    "output": {"webhook": {"url": "http://127.0.0.1:9000/hook", "headers": {"a": "a"}}},
    "config": {"common": {}},
    "service_version": "1.1",
}


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        # A failure, not a skip: CI must not go green without the browser tests.
        pytest.fail(f"{CHROMIUM} is missing: run tools/install_browser.sh (make test does)")
    expect.set_options(timeout=WAIT_MS)
    # launch() gives every run a fresh, temporary user data dir (and deletes it after).
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context (no cookies), that fails the test on an uncaught JS error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())  # a confirm() before a destructive click
    try:
        yield page
    finally:
        context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


# --- a second origin for the test page -------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve_page() -> Iterator[Callable[[str], str]]:
    """`serve_page(host)` serves tests/browser/page on host and a free port; returns its URL."""
    servers: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def serve(host: str) -> str:
        handler = functools.partial(_QuietHandler, directory=str(PAGE_DIR))
        server = http.server.ThreadingHTTPServer((host, 0), handler)
        thread = threading.Thread(target=server.serve_forever, name=f"page-{host}", daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://{host}:{server.server_address[1]}/index.html"

    try:
        yield serve
    finally:
        for server, thread in servers:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def text_of(page: Page, selector: str) -> str:
    return page.locator(selector).inner_text()


def wait_for_text(page: Page, selector: str, pattern: str) -> None:
    """Waits until the element's text matches the JS regex, or the page reports an error."""
    page.wait_for_function(
        """([selector, pattern]) =>
            new RegExp(pattern).test(document.querySelector(selector).textContent)
            || document.querySelector("#error").textContent.length > 0""",
        arg=[selector, pattern],
        timeout=WAIT_MS,
    )
    assert text_of(page, "#error") == "", "the page failed"
    expect(page.locator(selector)).to_have_text(re.compile(pattern))


def page_url_for(page_url: str, api_url: str) -> str:
    return f"{page_url}?{urlencode({'api': api_url})}"


# --- 1. CORS with credentials, from a second origin ------------------------------------------


def test_a_page_on_another_origin_runs_a_job_with_the_session_cookie(
    mock: Mock, page: Page, serve_page: Callable[[str], str]
) -> None:
    page_url = serve_page("127.0.0.1")
    assert not page_url.startswith(mock.base_url)  # another origin (port), the same site
    requests: list[Request] = []
    # A lambda: Playwright cannot register a builtin method (list.append) as a handler.
    page.on("request", lambda request: requests.append(request))  # noqa: PLW0108

    page.goto(page_url_for(page_url, mock.api_url))
    # The clock is frozen: the page polls an Inited job until the clock is moved from here.
    wait_for_text(page, "#statuses", "^Inited$")
    mock.advance(1.2)
    wait_for_text(page, "#statuses", "Running$")
    mock.advance(2)
    wait_for_text(page, "#state", "^Succeed$")

    assert text_of(page, "#user") == "alice"
    # The clock jumped from 0 to 1.2 s (Running, past Scheduled at 0.2 s) and on to 3.2 s.
    assert text_of(page, "#statuses").split() == ["Inited", "Running", "Succeed"]
    log = text_of(page, "#log")
    assert SUCCESS_LINE in log
    assert "Your job is Running now." in log
    # Only the cookie authenticated the calls after the login: no token header was ever sent.
    api_calls = [request for request in requests if "/rest_j/v1/" in request.url]
    headers = [request.all_headers() for request in api_calls if request.method != "OPTIONS"]
    assert len(headers) >= 5, [request.url for request in api_calls]  # login, submit, 2+ polls, log
    assert all("token-code" not in sent and "token-user" not in sent for sent in headers)
    assert "cookie" not in headers[0]  # the login
    assert all(
        "linkis_user_session_ticket_id_v1=" in sent.get("cookie", "") for sent in headers[1:]
    )

    # The server saw the job as alice's, submitted through a session.
    history = mock.as_token("alice").get("/jobhistory/1/get").json()
    assert history["data"]["task"]["status"] == "Succeed"
    assert history["data"]["task"]["umUser"] == "alice"


def test_a_page_on_a_disallowed_origin_cannot_read_the_replies(
    mock: Mock, page: Page, serve_page: Callable[[str], str]
) -> None:
    # 127.0.0.2 is loopback too, but not among the allowed origins (localhost, 127.0.0.1).
    page_url = serve_page("127.0.0.2")
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    page.goto(page_url_for(page_url, mock.api_url))
    expect(page.locator("#state")).to_have_text("error")

    assert "Failed to fetch" in text_of(page, "#error")
    assert text_of(page, "#user") == ""  # the login's reply never reached the script
    assert any("CORS policy" in line for line in console), console
    assert mock.admin("GET", "/jobs")["jobs"] == []  # nothing was submitted


# --- 2. the admin dashboard --------------------------------------------------------------------


def progress_of(row: Locator) -> float:
    """The job's progress bar width, in percent (its inline style, e.g. `40%`)."""
    width = row.locator("div.progress > div.bar").evaluate("bar => bar.style.width")
    match = re.fullmatch(r"\s*([0-9.]+)%\s*", str(width))
    assert match, f"progress bar width {width!r} is not a percentage"
    return float(match.group(1))


def wait_for_progress_above(page: Page, row_selector: str, floor: float) -> float:
    """Waits (across the dashboard's refreshes) until the bar is wider than `floor` percent."""
    page.wait_for_function(
        """([row, floor]) => {
            const bar = document.querySelector(row + " div.progress > div.bar");
            return bar !== null && parseFloat(bar.style.width) > floor;
        }""",
        arg=[row_selector, floor],
        timeout=WAIT_MS,
    )
    return progress_of(page.locator(row_selector))


def test_the_dashboard_follows_a_job_and_fails_it(mock: Mock, page: Page, tmp_path: Path) -> None:
    api = mock.client(headers=TOKEN_HEADERS)
    submitted = api.post(
        "/entrance/submit",
        json={
            "executionContent": {"code": "select 1\n--@mock duration=20", "runType": "sql"},
            "labels": {"engineType": "spark-2.4.3"},
        },
    ).json()
    assert submitted["status"] == 0, submitted
    task_id = submitted["data"]["taskID"]
    vias = httpx.Client(
        base_url=f"{mock.base_url}/v2/{VIAS_PROJECT}", headers=VIAS_HEADERS, timeout=10
    )
    mock.clients.append(vias)  # closed with the mock
    created = vias.post("/services/c-intrusion-detection-cloud/tasks", json=VIAS_TASK)
    assert created.status_code == 200, created.text
    vias_id = created.json()["tasks"][0]["id"]

    page.goto(f"{mock.base_url}/__admin/ui/")
    row_selector = f'table#jobs tbody tr[data-task-id="{task_id}"]'
    row = page.locator(row_selector)
    state = row.locator('td[data-field="state"]')
    fail = row.locator('button[data-action="fail"]')
    expect(row).to_have_count(1)
    expect(state).to_have_text(re.compile(r"^\s*(Inited|Scheduled)\s*$"))
    expect(row.locator('td[data-field="user"]')).to_have_text(re.compile(r"^\s*alice\s*$"))
    expect(fail).to_have_count(1)

    mock.advance(1.2)
    expect(state).to_have_text(re.compile(r"^\s*Running\s*$"))
    widths = [progress_of(row)]
    for _ in range(2):
        mock.advance(5)
        widths.append(wait_for_progress_above(page, row_selector, widths[-1]))
    assert widths == sorted(set(widths)), f"progress not strictly rising: {widths}"
    assert 0 < widths[-1] < 100, widths
    expect(row.locator('pre[data-field="log"]')).to_contain_text("Stage-0")
    expect(page.locator("table#journal tbody tr").first).to_be_visible()
    replica = mock.admin("GET", "/journal")["replica"]
    expect(page.locator("#replica")).to_have_text(
        f"replica {replica['instance']}, process {replica['pid']}"
    )
    vias_state = vias.get(f"/tasks/{vias_id}").json()["state"]
    expect(
        page.locator(f'table#tasks tbody tr[data-task-id="{vias_id}"] td[data-field="state"]')
    ).to_have_text(re.compile(rf"^\s*{vias_state}\s*$"))

    running_shot = tmp_path / "dashboard-running.png"
    page.screenshot(path=str(running_shot), full_page=True)
    SCREENSHOT_COPY.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(running_shot, SCREENSHOT_COPY)

    fail.click()
    expect(state).to_have_text(re.compile(r"^\s*Failed\s*$"))
    expect(fail).to_have_count(0)  # the job is no longer live
    page.screenshot(path=str(tmp_path / "dashboard-failed.png"), full_page=True)

    task = api.get(f"/jobhistory/{task_id}/get").json()["data"]["task"]
    assert task["status"] == "Failed", task
    assert task["errDesc"] == FAIL_ERROR, task
    status = api.get(f"/entrance/{submitted['data']['execID']}/status").json()
    assert status["data"]["status"] == "Failed", status

    # The reset button clears the mock: the rows go away.
    page.locator("button#reset").click()
    expect(page.locator("table#jobs tbody tr, table#tasks tbody tr")).to_have_count(0)
    assert mock.admin("GET", "/jobs")["jobs"] == []


# --- 3. the dashboard of a mock with an admin token (issue 25) -------------------------------

ADMIN_TOKEN = "dash-admin-token-7"


@pytest.fixture
def guarded_mock() -> Iterator[Mock]:
    port = free_port()
    mock = serve_in_thread(load_settings(port=port, admin_token=ADMIN_TOKEN), port=port)
    try:
        yield mock
    finally:
        mock.stop()


def test_the_dashboard_asks_for_the_token_once_and_keeps_it_for_the_tab(
    guarded_mock: Mock, page: Page, browser: Browser
) -> None:
    mock = guarded_mock
    task_id = (
        mock.client(headers=TOKEN_HEADERS)
        .post(
            "/entrance/submit",
            json={
                "executionContent": {"code": "select 1", "runType": "sql"},
                "labels": {"engineType": "spark-2.4.3"},
            },
        )
        .json()["data"]["taskID"]
    )
    page.goto(f"{mock.base_url}/__admin/ui/")
    form = page.locator("#token-form")
    expect(form).to_be_visible()
    expect(page.locator("table#jobs tbody tr")).to_have_count(0)  # nothing without it

    page.fill("#token", "not-the-token")
    page.locator("#token-form button").click()
    expect(form).to_be_visible()  # refused: asked again, and told so
    expect(page.locator("#token-refused")).to_be_visible()

    page.fill("#token", ADMIN_TOKEN)
    page.locator("#token-form button").click()
    expect(form).to_be_hidden()
    row = page.locator(f'table#jobs tbody tr[data-task-id="{task_id}"]')
    expect(row).to_have_count(1)
    page.locator("button#freeze").click()  # a change, sent with the token
    expect(page.locator("button#freeze")).to_have_text("Run")
    assert mock.admin("GET", "/clock")["frozen"] is True

    page.reload()  # the same tab keeps it
    expect(row).to_have_count(1)
    expect(form).to_be_hidden()

    other = browser.new_context()  # another tab's session has none
    try:
        fresh = other.new_page()
        fresh.goto(f"{mock.base_url}/__admin/ui/")
        expect(fresh.locator("#token-form")).to_be_visible()
    finally:
        other.close()


def test_a_late_refusal_of_a_wrong_token_keeps_the_token_entered_after_it(
    guarded_mock: Mock, page: Page
) -> None:
    """A refresh sent with a wrong token gets its first 401 back (the form asks again)
    while its other answers are still on the way; they arrive, held back here, after the
    right token was entered. The tab keeps the right one, and a change goes through."""
    wrong = "not-the-token"
    sent_with_wrong: list[Route] = []

    def hold_all_but_the_first_refusal(route: Route) -> None:
        if route.request.headers.get("authorization") == f"Bearer {wrong}":
            sent_with_wrong.append(route)
            if len(sent_with_wrong) > 1:
                return  # answered at the end
        route.continue_()

    page.route("**/__admin/**", hold_all_but_the_first_refusal)
    page.goto(f"{guarded_mock.base_url}/__admin/ui/")
    form = page.locator("#token-form")
    expect(form).to_be_visible()
    page.fill("#token", wrong)
    page.locator("#token-form button").click()
    expect(form).to_be_visible()  # one 401 came back: asked again
    page.fill("#token", ADMIN_TOKEN)
    page.locator("#token-form button").click()
    expect(form).to_be_hidden()
    held = sent_with_wrong[1:]
    assert held, "no answer to the wrong token was held back"
    for route in held:  # the late 401s of the wrong token
        route.continue_()
    page.wait_for_timeout(300)  # their answers reach the page
    page.locator("button#freeze").click()
    expect(page.locator("button#freeze")).to_have_text("Run")
    expect(form).to_be_hidden()
    assert guarded_mock.admin("GET", "/clock")["frozen"] is True
