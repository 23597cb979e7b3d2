"""The cap on requests waiting for the provider holds exactly: slots cannot leak or drift
(issue 10, "Rate limits behind a proxy"; ADR 0010)."""

import contextlib

import pytest

from payments.donations import protection
from payments.donations.protection import Overloaded, provider_slot


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch, settings):
    settings.PAYMENTS_MAX_IN_FLIGHT = 2
    settings.PAYMENTS_PROVIDER_SLOT_SECONDS = 120
    fake = Clock()
    monkeypatch.setattr(protection, "_clock", fake)
    return fake


def refused() -> bool:
    try:
        with provider_slot():
            return False
    except Overloaded:
        return True


def test_past_the_cap_a_request_is_refused_and_a_slot_given_back_lets_one_in(clock):
    with contextlib.ExitStack() as held:
        held.enter_context(provider_slot())
        second = held.enter_context(contextlib.ExitStack())
        second.enter_context(provider_slot())

        assert refused()
        second.close()  # one request ends
        assert not refused()
        assert not refused()  # the slot ``refused`` took was given back


def test_slots_still_held_are_counted_after_the_old_counter_would_have_expired(clock):
    # given a slot taken and given back at t=0 (the old counter's key was created then, to
    # expire at t=120), and two requests that took slots at t=100 and still wait on the provider
    with provider_slot():
        pass
    clock.now += 100
    with provider_slot(), provider_slot():
        # when a request comes at t=121, after the old counter's expiry
        clock.now += 21
        # then it is refused: the two slots are still held (the counter had forgotten them)
        assert refused()
    # and once they are given back, exactly the cap is admitted again
    with provider_slot(), provider_slot():
        assert refused()


def test_giving_back_a_slot_that_already_expired_frees_no_one_elses(clock):
    # given a slot whose request outlived its slot time (it expired and was dropped)
    stuck = contextlib.ExitStack()
    stuck.enter_context(provider_slot())
    clock.now += 121
    with provider_slot(), provider_slot():
        # when that request finally ends and gives its slot back
        stuck.close()
        # then the two slots taken since still count (no negative drift)
        assert refused()


def test_a_slot_whose_process_died_is_dropped_after_its_own_time(clock):
    # given two slots never given back (their processes were killed)
    leaked = [provider_slot() for _ in range(2)]
    for slot in leaked:
        slot.__enter__()
    assert refused()

    # when their slot time has passed, then the cap is free again; not a second before
    clock.now += 119
    assert refused()
    clock.now += 2
    assert not refused()


def test_a_slot_is_given_back_when_the_request_fails(clock):
    with pytest.raises(RuntimeError), provider_slot():
        raise RuntimeError("provider exploded")
    with provider_slot(), provider_slot():
        assert refused()
    assert not refused()
