"""forking.Beside: work done in a forked copy, or here when the copy cannot do it."""

from __future__ import annotations

import os
import threading

import pytest

from glossator import forking

pytestmark = pytest.mark.skipif(not forking.can_fork(), reason="forks only on Linux")


def where() -> int:
    return os.getpid()


def test_the_work_is_done_in_a_forked_copy():
    beside = forking.Beside(where)
    assert beside.forked
    assert beside.result() not in (os.getpid(), None)


def test_without_fork_the_work_is_done_here_when_asked():
    done = []
    beside = forking.Beside(lambda: done.append(os.getpid()) or len(done), fork=False)
    assert not beside.forked and done == []  # nothing before the result is asked for
    assert beside.result() == 1 and done == [os.getpid()]


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forking.can_fork()
        beside = forking.Beside(where)
        assert not beside.forked
        assert beside.result() == os.getpid()
    finally:
        stop.set()
        thread.join()


def test_a_copy_that_fails_leaves_the_work_to_this_process():
    parent = os.getpid()

    def fails_apart() -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the copy")
        return parent
    assert forking.Beside(fails_apart).result() == parent


def test_a_result_that_does_not_pickle_is_made_here():
    parent = os.getpid()

    def unpicklable():
        return (lambda: None) if os.getpid() != parent else "made here"
    assert forking.Beside(unpicklable).result() == "made here"


def test_a_copy_that_dies_leaves_the_work_to_this_process():
    parent = os.getpid()

    def dies_apart() -> str:
        if os.getpid() != parent:
            os._exit(3)
        return "made here"
    assert forking.Beside(dies_apart).result() == "made here"


def test_a_large_result_comes_back_whole():
    data = os.urandom(3_000_000)  # far more than a pipe holds
    assert forking.Beside(lambda: data).result() == data


def test_discard_stops_the_copy_and_reaps_it():
    read, write = os.pipe()

    def wait_forever() -> None:
        os.read(read, 1)  # never written: the copy waits until it is killed
    beside = forking.Beside(wait_forever)
    pid = beside._pid
    beside.discard()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no such child any more
    os.close(read)
    os.close(write)
