"""AppTest checks of the home page (app.py)."""

from streamlit.source_util import page_icon_and_name

from tests.conftest import REPO_ROOT
from ui import pages


def test_home_page_runs_without_exception(run_app):
    at = run_app("app.py")
    assert not at.exception
    assert [title.value for title in at.title] == ["The EM algorithm for Gaussian mixtures"]
    assert "lecturers" in at.markdown[0].value and "students" in at.markdown[0].value


def test_the_registry_lists_every_page_file_with_the_url_streamlit_gives_it():
    on_disk = {path.relative_to(REPO_ROOT).as_posix() for path in (REPO_ROOT / "pages").glob("*.py")}
    assert {page.file for page in pages.PAGES} == on_disk
    for page in pages.PAGES:
        _icon, name = page_icon_and_name(REPO_ROOT / page.file)
        assert page.url_path == name, page.file


def test_the_navigation_says_home_and_follows_the_lecture(run_app):
    at = run_app("app.py")
    navigation = [link.proto.label for link in at.sidebar.get("page_link")]
    assert navigation[0] == "Home" and "app" not in navigation
    assert navigation[1:] == [page.title for page in pages.PAGES]
    assert pages.PAGES[0] is pages.MIXTURE_MODEL  # the lecture starts with the model


def test_every_page_has_a_link_with_its_label_and_description(run_app):
    at = run_app("app.py")
    links = at.main.get("page_link")
    assert [link.proto.label for link in links] == [f"**{page.title}**" for page in pages.PAGES]
    assert [link.proto.icon for link in links] == [page.icon for page in pages.PAGES]
    shown_text = [markdown.value for markdown in at.markdown]
    for page in pages.PAGES:
        assert page.description in shown_text


def test_lecture_expander_explains_links_keys_and_presentation(run_app):
    at = run_app("app.py")
    (expander,) = [e for e in at.expander if e.label == "How to use it in a lecture"]
    text = expander.markdown[0].value
    for topic in ("bookmark", "keyboard shortcuts", "presentation mode"):
        assert topic in text
