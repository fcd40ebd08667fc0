"""AppTest checks of the home page (app.py)."""

import ast

from streamlit.source_util import page_sort_key

from tests.conftest import REPO_ROOT


def _page_list() -> tuple[tuple[str, str, str, str], ...]:
    """app.PAGES, read from the source (a literal), without running the script."""
    tree = ast.parse((REPO_ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(target, ast.Name) and target.id == "PAGES" for target in targets):
                return ast.literal_eval(node.value)
    raise AssertionError("app.py must define PAGES as a literal tuple")


def test_home_page_runs_without_exception(run_app):
    at = run_app("app.py")
    assert not at.exception
    assert [title.value for title in at.title] == ["The EM algorithm for Gaussian mixtures"]
    assert "lecturers" in at.markdown[0].value and "students" in at.markdown[0].value


def test_page_list_matches_the_page_files():
    listed = [file for file, _label, _icon, _description in _page_list()]
    on_disk = [path.relative_to(REPO_ROOT).as_posix()
               for path in sorted((REPO_ROOT / "pages").glob("*.py"), key=page_sort_key)]
    assert listed == on_disk, "app.PAGES must list every file in pages/, in sidebar order"


def test_every_page_has_a_link_with_its_label_and_description(run_app):
    at = run_app("app.py")
    links = at.get("page_link")
    pages = _page_list()
    assert [link.proto.label for link in links] == [f"**{label}**" for _f, label, _i, _d in pages]
    assert [link.proto.icon for link in links] == [icon for _file, _label, icon, _d in pages]
    shown_text = [markdown.value for markdown in at.markdown]
    for _file, _label, _icon, description in pages:
        assert description in shown_text


def test_lecture_expander_explains_links_keys_and_presentation(run_app):
    at = run_app("app.py")
    (expander,) = [e for e in at.expander if e.label == "How to use it in a lecture"]
    text = expander.markdown[0].value
    for topic in ("bookmark", "keyboard shortcuts", "presentation mode"):
        assert topic in text
