"""The Data Docs' page views, as GX's but with one Jinja environment per process.

GX makes a new view, so a new Jinja environment, for every section of every Data Docs build, and
compiles its ~34 templates again each time: about half of a build's CPU. These views share the
environment of the first one made with the same folders (a view holds nothing else: its filters
read only those folders), so a template is compiled once per process. GX imports this module by
name from the site's configuration (expectations/engine.py); nothing else imports it, so the run's
process never loads GX through it.
"""

from __future__ import annotations

from typing import Any

from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView

_ENVIRONMENTS: dict[tuple[type, Any, Any], Any] = {}


def _reused(view: Any, styles: Any, views: Any) -> bool:
    """Give `view` the environment of its class and folders, if one was made; False if not."""
    env = _ENVIRONMENTS.get((type(view), styles, views))
    if env is None:
        return False
    view.custom_styles_directory, view.custom_views_directory, view.env = styles, views, env
    return True


def _kept(view: Any) -> None:
    # Two threads making the first view at once each make one and either is kept: a Jinja
    # environment, once made, renders from any thread.
    _ENVIRONMENTS.setdefault(
        (type(view), view.custom_styles_directory, view.custom_views_directory), view.env
    )


class PageView(DefaultJinjaPageView):
    def __init__(self, custom_styles_directory: Any = None, custom_views_directory: Any = None) -> None:
        if not _reused(self, custom_styles_directory, custom_views_directory):
            super().__init__(custom_styles_directory, custom_views_directory)
            _kept(self)


class IndexPageView(DefaultJinjaIndexPageView):
    def __init__(self, custom_styles_directory: Any = None, custom_views_directory: Any = None) -> None:
        if not _reused(self, custom_styles_directory, custom_views_directory):
            super().__init__(custom_styles_directory, custom_views_directory)
            _kept(self)
