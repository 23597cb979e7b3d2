"""The API's docs page (Swagger UI from our static files) draws the schema under the public
Content-Security-Policy, loading nothing from another host (ADR 0102, ADR 0414)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TRAP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || "inline"}`);
});
"""


def test_the_docs_page_draws_the_schema_without_a_policy_violation(page, live_server):
    console, foreign = [], []
    page.add_init_script(TRAP)
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else foreign.append(r.url))

    response = page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector("text=/api/v1/gifts/")

    policy = response.headers["content-security-policy"]
    assert response.status == 200 and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.evaluate("window.__cspViolations") == []
    assert [line for line in console if "Content Security Policy" in line] == []
    assert foreign == []
