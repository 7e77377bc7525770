"""The recording's memory caps (read at call time: tests patch them here)."""

# ---- caps -------------------------------------------------------------------------------

MAX_JOBS = 10_000  # Linkis jobs recorded; later ones are counted in unmapped()
MAX_TASKS = 10_000  # VIAS tasks recorded
MAX_LINES_PER_JOB = 100_000  # log lines per job (the mock's own default cap)
MAX_LINES = 1_000_000  # log lines over all jobs
MAX_CHANGES = 1_000  # state changes, and distinct progress values, per job or task
MAX_RESULT_ROWS = 1_000  # result rows kept per job (rows_data in admin.yaml allows as many)
MAX_SESSIONS = 10_000  # login cookies remembered (to know who a request is)
MAX_PROBLEM_KINDS = 1_000  # distinct kinds of unmapped exchange
MAX_NOTES = 20  # notes per job or task
MAX_HIDDEN_STAGES = 8  # stages never listed in a progressInfo, when solving stage totals
