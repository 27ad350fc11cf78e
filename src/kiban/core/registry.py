"""What each app adds to the shell from its ready(): its navigation entries, its demo loader and, for a part
of the API with an error format of its own, that format."""

from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.urls import reverse
from django.utils.module_loading import import_string


# --- navigation
@dataclass(frozen=True)
class NavEntry:
    """One link of the main navigation, shown to the users who may open the page it leads to.

    `permission` names the django-rules permission the page itself checks; `predicate` (a rules predicate or
    any callable taking the user) is for pages that check something else. Give exactly one.
    """

    url_name: str
    label: str
    permission: str | None = None
    predicate: Callable | None = None
    order: int = 100

    def visible_to(self, user) -> bool:
        if self.permission is not None:
            return user.has_perm(self.permission)
        return self.predicate.test(user)


_navigation: dict[str, NavEntry] = {}


def register_navigation(
    url_name: str,
    label: str,
    *,
    permission: str | None = None,
    predicate: Callable | None = None,
    order: int = 100,
) -> None:
    """Adds (or, when ready() runs again, replaces) the entry for this URL name."""
    if (permission is None) == (predicate is None):
        raise ValueError(f"Navigation entry {url_name}: give either a permission or a predicate.")
    if predicate is not None and not isinstance(predicate, rules.Predicate):
        predicate = rules.Predicate(predicate)
    _navigation[url_name] = NavEntry(url_name, label, permission, predicate, order)


def navigation_entries() -> list[NavEntry]:
    return sorted(_navigation.values(), key=lambda entry: (entry.order, entry.url_name))


def navigation_for(user) -> list[tuple[str, str]]:
    """(URL, label) of every entry the user may open, in the registered order."""
    return [(reverse(e.url_name), e.label) for e in navigation_entries() if e.visible_to(user)]


# --- demo data
@dataclass(frozen=True)
class DemoLoader:
    """One app's demo data: `load` is the dotted path of a function that creates or updates it and changes
    nothing when run again; `after` names the loaders whose data it uses. A loader that `reports` takes
    `say` (a line of progress) and `progress` (records done, of total) keywords."""

    name: str
    label: str
    load: str
    after: tuple[str, ...] = ()
    reports: bool = False

    def run(self, *, say: Callable[[str], None], progress: Callable | None = None) -> None:
        function = import_string(self.load)
        if self.reports:
            function(say=say, progress=progress)
        else:
            function()


_demo_loaders: dict[str, DemoLoader] = {}


def register_demo_loader(
    name: str, label: str, load: str, *, after: tuple[str, ...] = (), reports: bool = False
) -> None:
    _demo_loaders[name] = DemoLoader(name, label, load, tuple(after), reports)


def demo_loaders(*names: str) -> list[DemoLoader]:
    """The named loaders (all, when none is named) with the loaders they depend on, each after its
    dependencies; otherwise in the order the apps registered them (INSTALLED_APPS)."""
    unknown = [name for name in names if name not in _demo_loaders]
    if unknown:
        raise KeyError(f"No demo loader named {', '.join(unknown)}; known: {', '.join(_demo_loaders)}.")
    wanted: set[str] = set()
    pending = list(names or _demo_loaders)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            missing = [d for d in _demo_loaders[name].after if d not in _demo_loaders]
            if missing:
                raise KeyError(f"Demo loader {name} needs {', '.join(missing)}, which no app registered.")
            pending.extend(_demo_loaders[name].after)
    ordered: list[DemoLoader] = []
    done: set[str] = set()
    while len(ordered) < len(wanted):
        ready = [
            loader
            for name, loader in _demo_loaders.items()
            if name in wanted and name not in done and set(loader.after) <= done
        ]
        if not ready:
            cycle = sorted(wanted - done)
            raise ValueError(f"The demo loaders {', '.join(cycle)} depend on each other in a cycle.")
        ordered.append(ready[0])
        done.add(ready[0].name)
    return ordered


def load_demo(
    *names: str, say: Callable[[str], None] = lambda line: None, progress: Callable | None = None
) -> None:
    """Runs the named demo loaders (all, when none is named) and those they depend on."""
    for loader in demo_loaders(*names):
        loader.run(say=say, progress=progress)


# --- error formats of their own
# Path prefix -> the body of an error answer (status, message) for a part of /api/ that has its own format
# (the GA4GH Beacon's beaconErrorResponse); the rest of the API answers {"detail", "code"}.
_error_bodies: dict[str, Callable[[int, str], dict]] = {}


def register_error_body(prefix: str, body: Callable[[int, str], dict]) -> None:
    _error_bodies[prefix] = body


def error_body(path: str, status: int, detail: str, code: str) -> dict:
    """The body of an error answer at this path: its part's own format, else {"detail", "code"}."""
    for prefix, body in _error_bodies.items():
        if path.startswith(prefix):
            return body(status, detail)
    return {"detail": detail, "code": code}
