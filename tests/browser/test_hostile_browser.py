"""No markup from anyone else's text reaches the browser's DOM, on any page (issue #17).

One fresh server; every page of the registry and Home is opened with a hostile value in every
URL parameter the page reads (and a hostile parameter name): Markdown links and images, a bare
URL, HTML ``<a>`` and ``<img>``, all pointing at the host ``evil.example``. On the steppers a
CSV whose header and file name are hostile is uploaded too. After each step the test reads the
whole DOM (shadow roots and frames included): no element may carry a linking or loading
attribute naming ``evil.example`` (an ``<a href>``, ``<img src>``, SVG ``<a xlink:href>`` in a
Plotly title, ``<image href>``, a style's ``url(...)``), no ``<img>`` may load from another site (the app
hotlinks nothing: its pictures are data:, blob: or its own media), and the browser may never
have sent a request to ``evil.example`` (every such request is routed, recorded and refused).
The hostile values themselves may appear as text: that is what the escaping is for.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlparse

import pytest

from devtools.browser import (
    assert_no_exception,
    choose_option,
    open_app_page,
    wait_for_rerun,
)
from tests.pages.hostile_checks import csv_bytes, link_parameters
from ui import pages as registry

HOST = "evil.example"
VALUES = (
    f"[Re-login](https://{HOST}/p)",
    f"![](https://{HOST}/pixel.png)",
    f"https://{HOST}/bare",
    f"<a href='https://{HOST}/a'>click</a>",
    f"<img src='https://{HOST}/i.png'>",
)
HOSTILE_NAME = f"![](https://{HOST}/name.png)"
TO_EVIL = re.compile(rf"^[a-z][a-z0-9+.-]*://([^/?#]*\.)?{re.escape(HOST)}([:/?#]|$)", re.I)
SIDEBAR = '[data-testid="stSidebar"]'

# Every attribute that links or loads (href, src, style...), in the document, its shadow roots
# and its frames, that names the host; every <img>/<image> whose source is another site.
FOREIGN_SCRIPT = """
([host, origin]) => {
  const found = [];
  // Attributes that load or link something (text attributes such as aria-label, title or
  // Plotly's data-unformatted may hold the hostile text: that is text, not markup).
  const urlAttributes = new Set(['href', 'xlink:href', 'src', 'srcset', 'action', 'formaction',
    'poster', 'data', 'style', 'background', 'ping', 'cite', 'codebase', 'manifest']);
  const local = (url) => !url || url.startsWith('data:') || url.startsWith('blob:')
      || url.startsWith('#') || new URL(url, document.baseURI).origin === origin;
  const visit = (root) => {
    for (const element of root.querySelectorAll('*')) {
      const tag = element.tagName.toLowerCase();
      for (const attribute of element.attributes) {
        if (urlAttributes.has(attribute.name.toLowerCase())
            && attribute.value.toLowerCase().includes(host)) {
          found.push(`<${tag} ${attribute.name}="${attribute.value.slice(0, 160)}">`);
        }
      }
      if (tag === 'img' && !local(element.getAttribute('src'))) {
        found.push(`<img src="${element.getAttribute('src').slice(0, 160)}"> from another site`);
      }
      if (tag === 'image') {
        const href = element.getAttribute('href') || element.getAttribute('xlink:href');
        if (!local(href)) found.push(`<image href="${href.slice(0, 160)}"> from another site`);
      }
      if (element.shadowRoot) visit(element.shadowRoot);
    }
  };
  visit(document);
  return found;
}
"""


def hostile_query(page: registry.Page, turn: int) -> dict[str, str]:
    """Every parameter ``page`` reads with a hostile value (rotated by ``turn``), and a
    hostile parameter name."""
    names = link_parameters(page) or ("k",)
    query = {name: VALUES[(turn + j) % len(VALUES)] for j, name in enumerate(names)}
    query[HOSTILE_NAME] = VALUES[turn % len(VALUES)]
    return query


class Watch:
    """Opens pages as a student's browser would, each in a new context whose requests to the
    host are recorded and refused; reads the DOM of the page opened last."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.origin = f"{urlparse(base_url).scheme}://{urlparse(base_url).netloc}"
        self.requests: list[str] = []
        self.page = None

    def new_context(self, **options):
        """For ``open_app_page``: a context that routes every request to the host here
        before its first page exists."""
        context = self.browser.new_context(**options)
        context.route(TO_EVIL, self._refuse)
        context.on("request", self._seen)
        return context

    def _refuse(self, route) -> None:
        self.requests.append(route.request.url)
        route.abort()

    def _seen(self, request) -> None:
        if TO_EVIL.match(request.url):
            self.requests.append(request.url)

    def open(self, page: registry.Page, query: dict[str, str]) -> None:
        if self.page is not None:
            self.page.context.close()
        self.page = open_app_page(self, f"{self.base_url}/{page.url_path}?{urlencode(query)}")
        self.settle()

    def settle(self) -> None:
        """Give lazy widgets and images time to draw (and to load, if they would)."""
        self.page.wait_for_timeout(1_500)

    def foreign(self) -> list[str]:
        found = []
        for frame in self.page.frames:
            try:
                found += frame.evaluate(FOREIGN_SCRIPT, [HOST, self.origin])
            except Exception as error:  # a cross-origin frame cannot be read: say so
                found.append(f"frame {frame.url[:120]} not readable: {error}")
        return found

    def assert_clean(self, where: str) -> None:
        assert_no_exception(self.page)
        foreign = self.foreign()
        assert not foreign, f"{where}:\n" + "\n".join(foreign)
        assert not self.requests, f"{where}: requests to {HOST}: {self.requests}"


@pytest.mark.browser
def test_no_foreign_link_or_image_on_any_page_opened_by_a_hostile_link(browser, fresh_server):
    watch = Watch(browser, fresh_server())
    for turn, page in enumerate((registry.HOME, *registry.PAGES)):
        query = hostile_query(page, turn)
        watch.open(page, query)
        watch.assert_clean(f"{page.url_path or 'Home'} with {query}")


def _upload(watch: Watch, file_name: str, content: bytes) -> None:
    page = watch.page
    choose_option(page, page.locator(f'{SIDEBAR} [data-testid="stSelectbox"]').filter(
        has_text="Data set"), "Upload a CSV file…")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": file_name, "mimeType": "text/csv", "buffer": content}])
    wait_for_rerun(page)
    watch.settle()


@pytest.mark.browser
@pytest.mark.parametrize("stepper", [registry.EM_1D, registry.EM_2D],
                         ids=lambda page: page.url_path)
def test_a_csv_with_a_hostile_header_and_file_name_adds_no_link_or_image(browser, fresh_server,
                                                                        stepper):
    watch = Watch(browser, fresh_server())
    watch.open(stepper, {"k": "2"})
    watch.assert_clean(f"{stepper.url_path} before the upload")
    header = [VALUES[0], VALUES[3]] if stepper == registry.EM_2D else [VALUES[1]]
    rows = [[repr(float((i * 7) % 13) + 0.1 * d) for i in range(40)] for d in range(len(header))]
    _upload(watch, f"{VALUES[4]} {VALUES[0]}.csv", csv_bytes(header, rows))
    watch.assert_clean(f"{stepper.url_path} after the upload")
    # The column names reached the figure (escaped, as text): the axis titles say them.
    titles = watch.page.locator(".plotly .g-xtitle, .plotly .g-ytitle").all_text_contents()
    assert any("Re-login" in title or "![]" in title for title in titles), titles
    # Step once: the names are drawn again with the new half-step.
    watch.page.get_by_role("button").filter(
        has=watch.page.get_by_text("EM iteration", exact=True)).first.click()
    wait_for_rerun(watch.page)
    watch.settle()
    watch.assert_clean(f"{stepper.url_path} after a step")
