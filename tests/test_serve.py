"""The live preview: debounce, overlay and recovery, reload notification, request safety.

Everything is driven directly (a fake clock, the request handler called as a function): no
sockets and no sleeps.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from glossator.serve import POLL_PATH, LiveState, PreviewApp, Rebuilder, inject, is_watched


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make_rebuilder(results: list[list[str] | None], debounce: float = 0.1):
    state, clock, calls, logs = LiveState(), FakeClock(), [], []

    def build(paths: frozenset[str]) -> list[str]:
        calls.append(clock.now)
        return results.pop(0) if results else []
    return Rebuilder(build, state, debounce=debounce, clock=clock, log=logs.append), state, \
        clock, calls, logs


def test_a_burst_of_events_is_one_rebuild_after_the_quiet_window():
    rebuilder, state, clock, calls, _ = make_rebuilder([])
    for _ in range(5):  # an editor's save-all / atomic save: several events in a few ms
        rebuilder.changed("sources/a.md")
        clock.now += 0.01
    assert not rebuilder.run_pending()  # still inside the window after the last event
    clock.now += 0.1
    assert rebuilder.run_pending()
    assert len(calls) == 1 and state.version == 1
    assert not rebuilder.run_pending()  # nothing pending any more


def test_no_rebuild_without_events():
    rebuilder, state, clock, calls, _ = make_rebuilder([])
    clock.now += 10
    assert not rebuilder.run_pending()
    assert calls == [] and state.version == 0


def test_a_broken_edit_keeps_the_version_and_reports_problems_then_recovers():
    problem = "annotations/a.yaml:3:12: error: quote \"x\" not found in sources/a.md"
    rebuilder, state, clock, _, logs = make_rebuilder([[], [problem], []])
    rebuilder.rebuild()
    assert state.snapshot() == {"version": 1, "problems": []}
    rebuilder.rebuild()
    assert state.snapshot() == {"version": 1, "problems": [problem]}
    assert problem in logs and any("last good build" in line for line in logs)
    rebuilder.rebuild()
    assert state.snapshot() == {"version": 2, "problems": []}


def test_builds_are_serialised_in_the_loop_thread():
    active, overlaps = [], []
    state = LiveState()

    def build(paths: frozenset[str]) -> list[str]:
        active.append(1)
        overlaps.append(len(active))
        active.pop()
        return []
    rebuilder = Rebuilder(build, state, debounce=0.0, log=lambda _: None)
    stop = threading.Event()
    thread = threading.Thread(target=rebuilder.loop, args=(stop,))
    thread.start()
    for _ in range(20):
        rebuilder.changed("sources/a.md")
    with state._changed:
        state._changed.wait_for(lambda: state.version >= 1, timeout=5)
    stop.set()
    rebuilder._wake.set()
    thread.join(timeout=5)
    assert state.version >= 1 and max(overlaps) == 1


def test_waiting_browsers_are_woken_by_a_new_version():
    state = LiveState()
    result = {}

    def wait() -> None:
        result.update(state.wait_for_change(0, [], timeout=5))
    thread = threading.Thread(target=wait)
    thread.start()
    state.succeeded()
    thread.join(timeout=5)
    assert result == {"version": 1, "problems": []}


def test_an_unchanged_state_answers_after_the_timeout():
    state = LiveState()
    assert state.wait_for_change(0, [], timeout=0) == {"version": 0, "problems": []}


# The request handler ---------------------------------------------------------------------

@pytest.fixture
def site_output(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    (out / "doc").mkdir(parents=True)
    (out / "index.html").write_text("<!DOCTYPE html><html><body><p>home</p></body></html>")
    (out / "doc" / "index.html").write_text("<html><body><p>doc</p></body></html>")
    (out / "404.html").write_text("<html><body><p>not here</p></body></html>")
    (out / "assets").mkdir()
    (out / "assets" / "style.css").write_text("p{}")
    (tmp_path / "secret.txt").write_text("do not serve")
    return out


def app_for(out: Path, **kwargs) -> tuple[PreviewApp, LiveState]:
    state = LiveState()
    return PreviewApp(out, state, port=8000, **kwargs), state


HOST = {"Host": "127.0.0.1:8000"}


def test_serves_pages_with_the_live_reload_client_injected(site_output):
    app, _ = app_for(site_output)
    response = app.respond("GET", "/doc/", HOST)
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    body = response.body.decode()
    assert "<p>doc</p>" in body and 'data-glossator-live="1"' in body
    assert body.index("data-glossator-live") < body.index("</body>")
    # output/ itself is untouched: injection happens at serve time only
    assert "glossator" not in (site_output / "doc" / "index.html").read_text()


def test_static_files_are_served_as_they_are(site_output):
    app, _ = app_for(site_output)
    response = app.respond("GET", "/assets/style.css", HOST)
    assert response.status == 200 and response.body == b"p{}"
    assert response.headers["Content-Type"] == "text/css"


def test_the_overlay_is_in_every_page_served_while_problems_last(site_output):
    app, state = app_for(site_output)
    state.failed(["sources/a.md:4:8: error: YAML syntax error: <oops>"])
    body = app.respond("GET", "/", HOST).body.decode()
    assert 'id="glossator-overlay"' in body
    assert "sources/a.md:4:8: error: YAML syntax error: &lt;oops&gt;" in body  # escaped
    state.succeeded()
    assert 'id="glossator-overlay"' not in app.respond("GET", "/", HOST).body.decode()


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000",
                                  "LOCALHOST:8000"])
def test_loopback_host_names_are_accepted(site_output, host):
    app, _ = app_for(site_output)
    assert app.respond("GET", "/", {"Host": host}).status == 200


@pytest.mark.parametrize("host", ["evil.example:8000", "127.0.0.1:9999", "", "attacker"])
def test_other_host_names_get_421(site_output, host):
    app, _ = app_for(site_output)
    assert app.respond("GET", "/", {"Host": host}).status == 421


def test_host_option_and_allowed_names(site_output):
    app, _ = app_for(site_output, host="192.168.1.5", allow_hosts=("preview.lan",))
    assert app.respond("GET", "/", {"Host": "192.168.1.5:8000"}).status == 200
    assert app.respond("GET", "/", {"Host": "preview.lan:8000"}).status == 200
    assert app.respond("GET", "/", {"Host": "other.lan:8000"}).status == 421


@pytest.mark.parametrize("target", ["/../secret.txt", "/%2e%2e/secret.txt", "/doc/../../secret.txt",
                                    "/%2E%2E%2Fsecret.txt", "/..%5csecret.txt", "/doc%00.html",
                                    "/nothing-here.html"])
def test_nothing_outside_the_output_folder_is_served(site_output, target):
    app, _ = app_for(site_output)
    response = app.respond("GET", target, HOST)
    assert response.status == 404
    assert b"do not serve" not in response.body
    assert b"not here" in response.body  # the site's own 404 page


def test_a_symlink_out_of_the_output_folder_is_not_followed(site_output):
    os.symlink(site_output.parent / "secret.txt", site_output / "link.txt")
    app, _ = app_for(site_output)
    response = app.respond("GET", "/link.txt", HOST)
    assert response.status == 404 and b"do not serve" not in response.body


def test_no_cors_headers_and_only_get_or_head(site_output):
    app, _ = app_for(site_output)
    response = app.respond("GET", "/", {**HOST, "Origin": "https://evil.example"})
    assert not any(k.lower().startswith("access-control") for k in response.headers)
    assert app.respond("POST", "/", HOST).status == 405


def test_poll_returns_the_current_state_when_it_differs(site_output):
    app, state = app_for(site_output)
    state.succeeded()
    response = app.respond("GET", f"{POLL_PATH}?version=0&problems=%5B%5D", HOST)
    assert json.loads(response.body) == {"version": 1, "problems": []}


def test_inject_escapes_state_for_a_script_element():
    page = inject(b"<html><body></body></html>", {"version": 3, "problems": ["</script><b>"]})
    text = page.decode()
    assert "</script><b>" not in text.split('data-glossator-live="1">', 1)[1].split("</script>")[0]
    assert text.count("</script>") == 1


def test_only_site_inputs_trigger_rebuilds(tmp_path):
    assert is_watched(tmp_path, str(tmp_path / "sources" / "a.md"))
    assert is_watched(tmp_path, str(tmp_path / "site_config.yaml"))
    assert is_watched(tmp_path, str(tmp_path / "theme" / "static" / "x.css"))
    assert not is_watched(tmp_path, str(tmp_path / "output" / "index.html"))
    assert not is_watched(tmp_path, str(tmp_path / ".glossator-staging" / "a"))
    assert not is_watched(tmp_path, "/etc/passwd")


def test_index_requests_during_a_run_start_one_more_run_and_nothing_overlaps():
    from glossator.serve import BackgroundIndexer
    started, release, ready = [], threading.Event(), []
    running = []

    def make_index() -> dict:
        running.append(1)
        assert len(running) == 1  # never two at once
        started.append(1)
        release.wait(timeout=5)
        running.pop()
        return {"pagefind/pagefind.js": b"x"}
    indexer = BackgroundIndexer(make_index, ready.append, log=lambda _: None)
    indexer.request()
    while not started:
        pass
    indexer.request()  # during the run: one more run afterwards…
    indexer.request()  # …not two
    release.set()
    assert indexer.wait_idle(timeout=5)
    assert len(started) == 2 and len(ready) == 2


def test_a_waiting_index_is_published_between_rebuilds_not_during_edits():
    rebuilder, state, clock, calls, _ = make_rebuilder([])
    published = []
    rebuilder.publish_index = lambda files: published.append(files) or []
    rebuilder.changed("sources/a.md")
    rebuilder.index_ready({"pagefind/pagefind.js": b"old"})
    assert not rebuilder.publish_pending_index()  # an edit is waiting: pages first
    clock.now += 1
    assert rebuilder.run_pending()
    assert rebuilder.publish_pending_index()
    assert published == [{"pagefind/pagefind.js": b"old"}]
    assert not rebuilder.publish_pending_index()  # published once


def test_a_malformed_poll_is_answered_with_the_current_state(site_output):
    app, state = app_for(site_output)
    state.succeeded()
    response = app.respond("GET", f"{POLL_PATH}?version=x&problems=%5Bnot-json", HOST)
    assert response.status == 200
    assert json.loads(response.body) == {"version": 1, "problems": []}


def test_an_edit_that_changes_no_page_reloads_nothing_unless_it_clears_problems():
    problem = "annotations/a.yaml:3:12: error: quote \"x\" not found in sources/a.md"
    rebuilder, state, _, _, _ = make_rebuilder([[], None, [problem], None])
    rebuilder.rebuild()
    rebuilder.rebuild()  # an editor's swap file, or a save of the same bytes
    assert state.snapshot() == {"version": 1, "problems": []}
    rebuilder.rebuild()
    assert state.snapshot() == {"version": 1, "problems": [problem]}
    rebuilder.rebuild()  # the mistake undone: the published files were already right
    assert state.snapshot() == {"version": 2, "problems": []}
