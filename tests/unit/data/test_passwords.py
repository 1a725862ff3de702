"""The sign-in throttle's arithmetic, with the clock given: three free wrong attempts, then waits that double."""

from pathlib import Path

from innovisits.data import passwords


def test_the_first_wrong_attempts_are_free_then_the_wait_doubles_up_to_its_cap():
    assert [passwords.delay(n) for n in range(1, 7)] == [0, 0, 1, 2, 4, 8]
    assert passwords.delay(100) == passwords.MAX_WAIT


def test_a_shared_claim_counts_before_checking_and_refuses_within_the_wait(tmp_path: Path):
    shared = passwords.SharedBackoff(tmp_path / "sign-in.sqlite")
    assert [shared.claim("bob", now=t) for t in (100.0, 101.0, 102.0)] == [0, 0, 0]
    assert shared.claim("bob", now=102.5) == 0.5  # within the 1 s wait: refused, not counted
    assert shared.attempts("bob") == 3
    assert shared.claim("bob", now=103.0) == 0  # the wait is over: counted, and it sets 2 s
    assert shared.wait("bob", now=104.0) == 1.0
    shared.succeeded("bob")
    assert (shared.attempts("bob"), shared.wait("bob", now=104.0)) == (0, 0)
