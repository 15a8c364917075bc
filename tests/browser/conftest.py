"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Playwright cannot download its own browsers here, so it is pointed at
/usr/bin/chromium. Without Chromium the tests are skipped with a plain reason
on a developer's machine, and fail in CI (CI=true), where .ci/run installs it.

One browser serves the whole session; each test opens its own contexts (one per
person of the story). Three helpers serve every test:
- `audit(page, name)` runs axe-core on the page, fails on a serious or critical
  violation and keeps the others for the summary printed at the end;
- `shoot(page, name)` saves a small PNG in docs/screenshots/ when SCREENSHOTS=1;
- every page fails its test if the browser's console reports an error (a
  Content-Security-Policy violation, a JavaScript error, a resource that failed).
"""

import io
import os
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOT_MAX_BYTES = 150_000
# WCAG 2.1 A and AA (what EN 301 549 asks), plus axe's best practices, which
# are only reported.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make there (reading the outbox, creating the cast) are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`"
        )
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium`"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, settings):
    """Open a page on the live server; `new_page(locale="fr", viewport=PHONE)`.

    Each call is a new browser context: a separate person with their own cookies.
    """
    contexts = []
    problems = []

    def make(locale="en", viewport=None):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport=viewport or DESKTOP,
            extra_http_headers={"Accept-Language": locale},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()

        def on_console(message):
            # A clean console: no error at all (a CSP refusal, a failed script or image...).
            # Only the page's own status is left aside: a 400 for a form sent wrong or
            # a 404 for what is not yours is what some tests ask for.
            if message.type != "error":
                return
            own_status = message.text.startswith("Failed to load resource: the server") and (
                message.location.get("url", "").split("#")[0] == page.url.split("#")[0]
            )
            if not own_status:
                problems.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture
def reference_data(db):
    """France's authority, a French control body and one valid operator, as loaded in production."""
    from entities.tests.factories import AuthorityFactory, ControlBodyFactory, OperatorFactory

    inao = AuthorityFactory(
        name="Institut national de l'origine et de la qualité", short_name="INAO", country="FR"
    )
    ControlBodyFactory(name="Ecocert France", code="FR-BIO-01")
    OperatorFactory(name="Bio Import Lyon", country="FR", city="Lyon")
    return inao


@pytest.fixture
def page(new_page):
    return new_page()


def path_of(url: str) -> str:
    """The path and query of a link, so that it opens on the live server.

    E-mailed links say https (ACCOUNT_DEFAULT_HTTP_PROTOCOL with DEBUG off);
    the live server speaks http.
    """
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def emails_to(outbox, to: str) -> list:
    return [m for m in outbox if to in m.to]


def link_in_last_email(outbox, to: str) -> str:
    """The first portal link in the newest e-mail sent to `to`, as a path."""
    messages = emails_to(outbox, to)
    assert messages, f"no e-mail was sent to {to}"
    match = re.search(r"https?://\S+", messages[-1].body)
    assert match, messages[-1].body
    return path_of(match.group(0))


# --- axe-core ---------------------------------------------------------------


class AxeReport:
    """What axe found on each page, kept for the summary at the end of the run."""

    def __init__(self):
        self.pages: dict[str, list[dict]] = {}
        self.source = None

    def run(self, page, name: str) -> list[dict]:
        if self.source is None:
            self.source = AXE.read_text(encoding="utf-8")
        # page.evaluate goes through the DevTools protocol, which the page's
        # Content-Security-Policy does not govern: no need to weaken the CSP.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(self.source)
        result = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                            resultTypes: ["violations"]})""",
            AXE_TAGS,
        )
        violations = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [", ".join(map(str, n["target"])) for n in v["nodes"]][:5],
                "count": len(v["nodes"]),
            }
            for v in result["violations"]
        ]
        self.pages[name] = violations
        return violations

    def summary_lines(self) -> list[str]:
        lines = []
        totals = defaultdict(int)
        for name, violations in sorted(self.pages.items()):
            if not violations:
                lines.append(f"{name}: none")
                continue
            for v in violations:
                totals[v["impact"]] += 1
                lines.append(
                    f"{name}: [{v['impact']}] {v['id']} ({v['count']}×) {v['help']}"
                    f" — {'; '.join(v['targets'])}"
                )
        lines.append(
            f"{len(self.pages)} pages scanned; "
            + (", ".join(f"{k}: {n}" for k, n in sorted(totals.items())) or "no violation")
        )
        return lines


_AXE_REPORT = AxeReport()


@pytest.fixture
def audit(html_checker):
    """`audit(page, "name")`: no serious or critical axe violation on this page, and no
    error from the Nu HTML Checker."""

    def check(page, name: str):
        page.wait_for_load_state("load")
        violations = _AXE_REPORT.run(page, name)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe on {name} ({page.url}):\n" + "\n".join(
            f"  [{v['impact']}] {v['id']}: {v['help']} — {v['targets']}" for v in blocking
        )
        errors = html_checker.errors(page.content(), name)
        assert not errors, f"Nu HTML Checker on {name} ({page.url}):\n" + "\n".join(
            f"  line {e.get('lastLine')}: {e['message']} — {e.get('extract', '')!r}" for e in errors
        )

    return check


# --- The Nu HTML Checker ----------------------------------------------------


class HtmlChecker:
    """The Nu HTML Checker (vnu.jar, from `npm pack vnu-jar`) as a local HTTP service,
    started once for the session: each page's HTML is posted to it and its errors read."""

    def __init__(self, jar: Path | None):
        self.jar, self.process, self.port = jar, None, None
        self.pages: dict[str, int] = {}
        self._ready = None

    def start(self):
        """Start the service in the background: it reads its schemas for a minute or so
        on a busy machine, while the first tests run."""
        import threading

        if self.jar is None or self._ready is not None:
            return
        self._ready = threading.Thread(target=self._start, daemon=True)
        self._ready.start()

    def _start(self):
        import socket
        import subprocess
        import time
        import urllib.request

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command of our own
            [
                "java",
                "-Xss8m",  # its schema expansion recurses deeply
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(self.jar),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5)  # noqa: S310
                self.up = True
                return
            except OSError:
                time.sleep(1)
        self.up = False

    def errors(self, html: str, name: str) -> list[dict]:
        import json
        import urllib.request

        if self.jar is None:
            return []
        self.start()
        self._ready.join()
        if not getattr(self, "up", False):
            raise RuntimeError("the Nu HTML Checker did not start within ten minutes")
        request = urllib.request.Request(  # noqa: S310 - loopback only
            f"http://127.0.0.1:{self.port}/?out=json",
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            messages = json.load(answer)["messages"]
        errors = [m for m in messages if m["type"] == "error"]
        self.pages[name] = len(errors)
        return errors

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


def _vnu_jar() -> Path | None:
    import shutil

    jars = sorted((Path(__file__).resolve().parents[2] / "var").glob("vnu-*.jar"))
    if jars and shutil.which("java"):
        return jars[-1]
    if os.environ.get("CI"):
        raise pytest.UsageError(
            "the Nu HTML Checker is missing: `make test` fetches var/vnu-*.jar with npm, "
            "and Java runs it"
        )
    return None


_HTML_CHECKER: list[HtmlChecker] = []


@pytest.fixture(scope="session")
def html_checker():
    checker = HtmlChecker(_vnu_jar())
    checker.start()
    _HTML_CHECKER.append(checker)
    yield checker
    checker.stop()


def pytest_terminal_summary(terminalreporter):
    for checker in _HTML_CHECKER:
        terminalreporter.section("Nu HTML Checker")
        if checker.jar is None:
            terminalreporter.write_line(
                "not run: var/vnu-*.jar or java is missing (`make test` fetches the jar)"
            )
        else:
            terminalreporter.write_line(
                f"{len(checker.pages)} pages checked; "
                f"{sum(checker.pages.values())} errors (each fails its test)"
            )
    if not _AXE_REPORT.pages:
        return
    terminalreporter.section("axe-core: violations per page (none serious or critical)")
    for line in _AXE_REPORT.summary_lines():
        terminalreporter.write_line(line)


# --- screenshots ------------------------------------------------------------


def _save_small_png(png: bytes, target: Path) -> None:
    """A 256-colour palette keeps interface screenshots sharp and small."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    if buffer.tell() > SCREENSHOT_MAX_BYTES:
        small = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        buffer = io.BytesIO()
        small.save(buffer, format="PNG", optimize=True)
    target.write_bytes(buffer.getvalue())


@pytest.fixture
def shoot():
    """`shoot(page, "name")`: docs/screenshots/name.png, only when SCREENSHOTS=1."""
    enabled = os.environ.get("SCREENSHOTS") == "1"

    def save(page, name: str):
        if not enabled:
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.wait_for_load_state("load")
        # No blinking caret nor focus ring caught half-way.
        _save_small_png(
            page.screenshot(animations="disabled", caret="hide"), SCREENSHOTS / f"{name}.png"
        )

    return save


@pytest.fixture(scope="session", autouse=True)
def _html_checker_starts_early(html_checker):
    """The checker starts with the first browser test, not with the first audit."""
    return html_checker
