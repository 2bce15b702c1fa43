"""Every page in headless Chromium: one demo site and one browser per test session.

The site is a real HTTP server on loopback running `endwatch init --demo` data, so pages show what a new
user sees. Each check opens one page and asserts no horizontal overflow, a label for every control and no
serious or critical axe-core violation; a full-page screenshot goes to test-artifacts/screenshots/.
axe-core comes from npm (`.ci/run` installs it into .ci/npm); without it the checks skip off CI and fail
on CI.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyotp
import pytest
from click.testing import CliRunner

from endwatch import db, keyring
from endwatch.app import create_app
from endwatch.cli import command_line
from endwatch.config import load_config
from endwatch.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests import services
from tests.conftest import BACKEND, CHEAP

AXE = services.AXE
SHOTS = services.SCREENSHOTS
WIDTHS = {"wide": 1280, "narrow": 390}
# The test submits and mistypes receipts on every page pass; the real limits are tested elsewhere.
LIMITS = {"intake_limit": "1000 per hour", "followup_limit": "1000 per hour", "login_limit": "100 per hour",
          "login_client_limit": "1000 per hour"}


@dataclass
class DemoSite:
    url: str
    receipts: dict[str, str]  # language -> a demo report's receipt
    app: Any
    logins: dict[str, Any] = field(default_factory=dict)  # role -> storage state of a logged-in browser

    def session(self):  # type: ignore[no-untyped-def]
        return db.get_database(self.app).factory()


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if BACKEND == "postgresql":
        services.require(services.postgres_available(), "PostgreSQL is not reachable")
        with services.scratch_postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('demo-db') / 'demo.db'}"


@pytest.fixture(scope="session")
def demo_site(demo_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    from werkzeug.serving import make_server

    home = tmp_path_factory.mktemp("demo-home")
    settings = load_config(environ={}, overrides={"home": str(home)})
    keyring.ensure_home(settings)
    keyring.ensure_file_secrets(settings)
    app = create_app(
        {"home": str(home), "database_url": demo_database_url, "scheduler": "off", **CHEAP, **LIMITS},
        environ={},
    )
    result = CliRunner().invoke(command_line(), ["init", "--demo"], obj={"app": app}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    receipts = dict(re.findall(r"C-\w+ \((\w\w)\): ([0-9a-z ]+)\n", result.output))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield DemoSite(f"http://127.0.0.1:{server.server_port}", receipts, app)
    finally:
        server.shutdown()
        db.get_database(app).engine.dispose()


@pytest.fixture(scope="session")
def axe_source() -> str:
    services.require(AXE.is_file(), f"axe-core is not installed at {AXE} (.ci/run installs it with npm)")
    return AXE.read_text(encoding="utf-8")


def open_page(browser: Any, width: str, language: str, state: Any = None) -> Any:
    """A new page in a fresh context at the given width, asking for the given language."""
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900},
        locale={"en": "en-GB", "ar": "ar-EG"}[language],
        extra_http_headers={"Accept-Language": language},
        storage_state=state,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def staff_state(browser: Any, site: DemoSite, role: str) -> Any:
    """The cookies of a demo member of `role`, logged in once per test session."""
    if role not in site.logins:
        page = open_page(browser, "wide", "en")
        email = f"{role}@demo.endwatch.example"
        page.goto(f"{site.url}/staff/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.fill("input[name=code]", pyotp.TOTP(DEMO_TOTP_SECRET).now())
        page.click("button[type=submit]:has-text('Log in')")
        assert "/staff/login" not in page.url, page.locator("main").inner_text()
        site.logins[role] = page.context.storage_state()
        page.context.close()
    return site.logins[role]


# -- what every page must pass -------------------------------------------------------------------

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    let clipped = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== 'visible') { clipped = true; break; }
    }
    if (!clipped && (box.right > width + 1 || box.left < -1)) {
      const name = el.tagName.toLowerCase() + '.' + String(el.className).replaceAll(' ', '.');
      wide.push(name + ' ' + Math.round(box.left) + '..' + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""

UNLABELLED = """() => {
  const missing = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden') continue;
    const labelled = [...el.labels].some(l => l.textContent.trim())
      || (el.getAttribute('aria-label') || '').trim()
      || (el.getAttribute('aria-labelledby') || '').split(' ').some(id => document.getElementById(id));
    if (!labelled) missing.push(el.outerHTML.slice(0, 120));
  }
  return missing;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ': ' + n.failureSummary.replaceAll('\\n', ' ')),
  }));
}"""


def check_page(page: Any, axe_source: str, name: str) -> None:
    """No horizontal overflow, a label for every control, no serious axe violation; save a screenshot."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    overflow = page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= overflow["width"], f"{name} is wider than the window: {overflow}"
    assert overflow["wide"] == [], f"{name}: elements outside the window: {overflow['wide']}"
    assert page.evaluate(UNLABELLED) == [], f"{name}: controls without a label"
    page.evaluate(axe_source)
    violations = page.evaluate(AXE_RUN)
    assert violations == [], f"{name}: axe-core found {violations}"
