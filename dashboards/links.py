"""Check the site's internal links: every relative href/src in every page must point to a file.

The site is a folder of static files opened from disk or any web server, so a link is only
right if the file it names exists in the folder. External links (http:, mailto:, …) are not
followed — the site should have none, and the tests check that separately. A fragment
(`page.html#kop`) is checked for its page part only; a bare `#kop` points into the page itself.

    >>> broken_links(Path("var/site"))
    []
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ATTRIBUTES = {"href", "src"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ATTRIBUTES and value is not None:
                self.targets.append(value.strip())


def _links(page: Path) -> list[str]:
    collector = _Collector()
    collector.feed(page.read_text(encoding="utf-8", errors="replace"))
    return collector.targets


def broken_links(site_dir: Path) -> list[str]:
    """Every relative link or asset reference in `site_dir`'s HTML pages that names no existing file.

    Returns "page: target" strings (page relative to `site_dir`), sorted; [] when all is well.
    A target that leaves `site_dir` (../ beyond the root) counts as broken.
    """
    site_dir = Path(site_dir).resolve()
    problems: list[str] = []
    for page in sorted(site_dir.rglob("*.html")):
        for target in _links(page):
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith("//"):
                continue  # external (http:, mailto:, data:, javascript:): not a file in the site
            path = unquote(parts.path)
            if not path:
                continue  # "#anchor" or "?query": the page itself
            resolved = (site_dir / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
            resolved = resolved.resolve()
            if path.endswith("/"):
                resolved = resolved / "index.html"
            inside = resolved == site_dir or site_dir in resolved.parents
            if not inside or not resolved.exists():
                problems.append(f"{page.relative_to(site_dir).as_posix()}: {target}")
    return sorted(problems)
