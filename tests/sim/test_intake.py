"""A job's intake keeps its log in parts (the lines around the code it shows, and that
code as one text), so that jobs whose code differs hold no log lines of their own; the
log it gives back is the one it was made from, whatever that log is."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from linkis_mock.sim.linkis import messages
from linkis_mock.sim.linkis.jobs import COMMON_INTAKE_LINES, Intake, LogEntry, SharedIntakes

BANNER: LogEntry = (None, messages.SCRIPT_CODE_BANNER)

entries = st.one_of(
    st.sampled_from([*COMMON_INTAKE_LINES, BANNER, (None, ""), (None, "a\nb")]),
    st.tuples(st.sampled_from([None, "INFO", "WARN"]), st.text(max_size=12)),
)


@given(st.lists(entries, max_size=14).map(tuple), st.text(max_size=12))
@example(log=(BANNER, (None, "a\nb"), BANNER), submitted="a\nb")  # one entry, two lines
def test_any_log_comes_back_as_it_was(log: tuple[LogEntry, ...], submitted: str) -> None:
    intake = Intake.of("final", log, submitted)
    assert intake.log == log
    assert SharedIntakes().share(intake).log == log


def test_the_code_shown_is_the_submitted_string_and_the_lines_around_are_shared() -> None:
    def log_of(code: str) -> tuple[LogEntry, ...]:
        lines = tuple((None, line) for line in code.split("\n"))
        return (*COMMON_INTAKE_LINES[:6], BANNER, *lines, BANNER, COMMON_INTAKE_LINES[9])

    shared = SharedIntakes()
    codes = [f"--@mock rows={n}\nselect {n}" for n in range(3)]
    intakes = [
        shared.share(Intake.of(f"select {n}", log_of(code), code)) for n, code in enumerate(codes)
    ]
    for intake, code in zip(intakes, codes, strict=True):
        assert intake.shown is code
        assert intake.log == log_of(code)
    assert len({id(intake.head) for intake in intakes}) == 1
    assert len({id(intake.tail) for intake in intakes}) == 1
    assert intakes[0].head == (*COMMON_INTAKE_LINES[:6], BANNER)
    assert intakes[0].tail == (BANNER, COMMON_INTAKE_LINES[9])


def test_a_code_substituted_by_variables_is_kept_as_the_log_shows_it() -> None:
    log = (BANNER, (None, "select 2024"), BANNER)
    intake = Intake.of("select 2024", log, "select ${run_date}")
    assert intake.shown == "select 2024"
    assert intake.log == log
