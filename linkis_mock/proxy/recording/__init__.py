"""Proxy mode's recording: what the real servers answered, kept at the level of the
domain (jobs, their states, logs and results; VIAS tasks and their states) and written
as a scenario, the snapshot format that `serve --scenario FILE` and
`PUT /__admin/snapshot` restore. Framework-free.

**The replay contract.** A mock started from the scenario answers the polls the
recorded client made, at the same times relative to the start, as the real server
did: the same status sequence, the same log lines in the same `fromLine` chunks, the
same progress, the same job history record, the same result table, the same VIAS
states. A job (or task) whose end the recording did not see stays in the last state
seen. Only reads are replayed: a client that sends its submits, kills or start/stop
actions again gets the mock's own answers to them (a new job, a newly planned stop).

**Times.** A snapshot holds absolute simulated epoch ms, and restoring one restarts the
simulated clock at the snapshot's `clock.nowMs`, running (`serve --scenario` and `PUT
/snapshot` both call `restore`, which does `clock.restart(nowMs)`). So the scenario
keeps every time as it was recorded (wall-clock epoch ms, the exchanges' `started_ms`)
and sets `clock.nowMs` to the first exchange's start, running at speed 1: the instant
the scenario is loaded *is* the first exchange, and what happened d seconds into the
recording happens d seconds after loading. Keeping the recorded epoch, rather than
shifting every time, keeps the times written inside log lines, `createdTime` and
`updatedTime` agreeing with each other. A test that wants exact instants freezes the
clock (`clock.frozen`) before it restores the scenario.

How each thing becomes a snapshot's:

- A job is named by its taskID (from the submit reply, `status?taskID=`, or job
  history) and its execID (from the reply or the path). Its users are job history's
  umUser/executeUser, else the submit's Token-User or the login seen for its session
  cookie (and its userCreator label), else the short execID's; its code, labels,
  params and source are the submit's, or job history's record of them.
- A state change happens when it was first seen, or at the job history's
  `updatedTime` (a VIAS task's `updated_at`) when that lies after the previous look at
  the job, so that replies carrying the time agree too. The entrance's status is what
  the timeline follows; job history's status only fills in before and after the
  entrance was asked (history lags the entrance on a real server).
- A log line is visible from the poll that first returned it. `fromLine` chunks are
  laid end to end by their arithmetic (docs/reference/linkis-entrance.md §6); blank
  lines, counted but never shown, go to the end of their chunk.
- Progress is the mock's running attempts: each progress value seen is a stopped
  attempt (`Attempt.stopped_ms`) whose fraction is that value from the poll on, begun
  after the previous look at the job. Its numerator is at most that gap in ms, so a
  value may come back rounded when polls are close (listed in `unmapped()`).
- progressInfo is reproduced when it follows the mock's stage model (`stage_<n>`
  ids, counts derived from the progress); the stage totals are solved from what was
  seen.
- The result set: columns (name, dataType), row count and rows from
  `filesystem/openFile`. The digest is the one a default mock (seed 0) gives the
  job's code, so a recording of such a mock replays its table from the digest alone;
  any other table keeps its rows as `script.rows_data`, from the first row on up to
  the first one not seen (or not all text, or past MAX_RESULT_ROWS); rows after those
  replay with generated values, and `unmapped()` says how many.
- A VIAS action (create, start, stop, delete) begins its transient state (PENDING,
  STARTING, STOPPING, DELETING) at once, as the mock's own actions do; what
  show/list saw afterwards follows.

**What cannot be recorded** (each listed in `unmapped()`, never dropped silently):
operations a scenario has no place for (metrics, user info, downloads, engine logs,
diagnosis...: the mock answers them from its own state); error replies; unparsable
or cut bodies; unknown operations; a log chunk that does not line up with the lines
seen; a job with no taskID or no status seen; a status or state outside the specs'
enums; result rows past those kept literally (see above); result files other than
one `_0.dolphin` table; a resultLocation other than the mock derives; progress above
0.99 while running, or too fine for the gap between polls; progressInfo outside the
mock's model; an errCode/errDesc other than the mock shows for the state (kept, then
shown in every state); a deleted VIAS task (kept as DELETING); login sessions (their
tickets are credentials: replaying clients log in again). What the mock derives
from a job's timeline (yarnMetrics, job history's metrics, engine and log paths) is
the mock's, not the recorded server's.

**Memory is bounded** by the caps in `caps.py`; what goes past one is counted in
`unmapped()`.
"""

from __future__ import annotations

from linkis_mock.proxy.recording import caps
from linkis_mock.proxy.recording.recorder import Recorder

__all__ = ["Recorder", "caps"]
