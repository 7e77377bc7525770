"""The interceptors that only refuse: the shell blacklist (#3), Spark's code check (#5),
the labels (#7) and the Scala check after substitution (#14)
(docs/reference/linkis-interceptors.md §5-§7)."""

from __future__ import annotations

import re

from linkis_mock.sim.linkis import messages
from linkis_mock.sim.linkis.interceptors import java

# wds.linkis.shell.danger.usage (EntranceConfiguration.scala:131-134)
SHELL_DANGER_WORDS = frozenset(
    [
        "rm",
        "sh",
        "find",
        "kill",
        "python",
        "for",
        "source",
        "hdfs",
        "hadoop",
        "spark-sql",
        "spark-submit",
        "pyspark",
        "spark-shell",
        "hive",
        "yarn",
    ]
)
# SparkExplain (Explain.scala:57-61), tried with find() on the code as submitted.
SPARK_FORBIDDEN = tuple(
    re.compile(pattern, re.ASCII)
    for pattern in (
        r"sc\.stop(\s*)",
        r"System\.exit",
        r"sc\.cancelAllJobs(\s*)",
        r"Runtime\.getRuntime",
    )
)
# ScalaExplain (Explain.scala:475-476): unescaped dots (any character), `getRunTime`.
SCALA_SYSTEM_EXIT = re.compile(f"System{java.ANY}exit")
SCALA_RUNTIME = re.compile(f"Runtime{java.ANY}getRunTime")


def shell_is_dangerous(code: str) -> bool:
    """shellContainDangerUsage (ShellDangerousGrammerInterceptor.scala:68-84): a line that
    ends with `.sh` once trimmed, or whose single-space-separated words include a
    blacklisted one."""
    for line in code.split("\n"):
        trimmed = java.trim(line)
        if trimmed.endswith(".sh") or not SHELL_DANGER_WORDS.isdisjoint(trimmed.split(" ")):
            return True
    return False


def spark_code_refused(code: str) -> bool:
    return any(pattern.search(code) for pattern in SPARK_FORBIDDEN)


def scala_code_refusal(code: str) -> str | None:
    """ScalaExplain.authPass: which of its two errors the code earns, if any."""
    if SCALA_SYSTEM_EXIT.search(code):
        return messages.SCALA_SYSTEM_EXIT
    if SCALA_RUNTIME.search(code):
        return messages.SCALA_RUNTIME
    return None
