"""Record through the real proxy, replay on a fresh mock: a client's session (three jobs
and a VIAS task) goes through `linkis-mock proxy` in front of a second mock, and a mock
started from the recording answers the same polls at the same instants alike.

Both clocks are frozen at one instant and moved together by the test, so that the
proxy's stamps (its own clock) and the upstream's times agree: no sleeps."""

from __future__ import annotations

from typing import Any

from linkis_mock.testing import LocalMock, in_process, proxy_of
from tests.helpers.session_flow import (
    VIAS,
    Clients,
    linkis,
    load,
    polls,
    replay_clients,
    run_session,
)


def recorded_through_proxy(upstream: LocalMock) -> tuple[Any, ...]:
    """The session through a recording proxy: its flow, answers, scenario, what could not
    be mapped and the violations report."""
    upstream.reset()
    upstream.freeze()
    proxy = proxy_of(upstream.base_url, upstream.base_url, record=True)
    try:
        # The proxy's clock at the upstream's instant, frozen: no offset between the two.
        proxy.admin("PUT", "/snapshot", json=upstream.admin("GET", "/snapshot"))

        def advance(seconds: float) -> None:
            upstream.advance(seconds)
            proxy.advance(seconds)

        hadoop = proxy.client()
        linkis(hadoop.post("/user/login", json={"userName": "hadoop", "password": "hadoop"}))
        clients = Clients(proxy.as_token("alice"), hadoop, proxy.client(VIAS))
        flow, answers = run_session(clients, advance)
        recorder = proxy.app.context.recorder
        assert recorder is not None
        report = proxy.admin("GET", "/violations")
        return flow, answers, recorder.scenario(), recorder.unmapped(), report
    finally:
        proxy.stop()
        upstream.reset()


def test_a_session_recorded_through_the_proxy_replays_alike(upstream: LocalMock) -> None:
    flow, answers, scenario, unmapped, report = recorded_through_proxy(upstream)
    assert report["violations"] == [] and report["exchanges"] > 100, report
    assert unmapped == []
    assert [job["ident"]["task_id"] for job in scenario["jobs"]] == [3, 2, 1]
    fresh = in_process()
    try:
        load(fresh, scenario)
        replayed = polls(fresh.advance, replay_clients(fresh), flow, act=False)
    finally:
        fresh.stop()
    for number, (seen, again) in enumerate(zip(answers, replayed, strict=True)):
        assert again == seen, f"round {number}"
    # The premises: the jobs and the task went through their states while recorded.
    last = answers[-2]
    assert [job[0] for job in last[:3]] == ["Succeed", "Failed", "Running"]
    assert last[3][0] == "RUNNING"
    assert len(answers[-1][3]) == 4  # the result table's rows
