"""The entrance's interceptor chain, in the real order (EntranceSpringConfiguration.java:
133-156; docs/reference/linkis-interceptors.md §3): each interceptor that is on by default
works on one `JobRequest`, as the real ones mutate theirs, and may refuse it.

    #   interceptor                   here
    1   OnceJobInterceptor            - (once-mode engines are not simulated)
    2   CSEntranceInterceptor         - (no context service: DSS workflows only)
    3   ShellDangerousGrammer         shell_blacklist
    4   CompatibleInterceptor         - (copies a startup key; params stay as submitted)
    5   SparkCodeCheckInterceptor     spark_code_check
    6   SQLCodeCheckInterceptor       - (its check always passes)
    7   LabelCheckInterceptor         label_check
    8   ParserVarLabelInterceptor     tenant_label
    9   VarSubstitutionInterceptor    substitute_variables
    10  AISQLTransformInterceptor     aisql
    11  SensitiveCheckInterceptor     off
    12  LogPathCreateInterceptor      - (the path is job history's, query_task.log_path)
    13  StorePathEntranceInterceptor  off
    14  ScalaCodeInterceptor          scala_code_check
    15  PythonCodeCheckInterceptor    off
    16  SQLLimitEntranceInterceptor   sql_limit
    17  CommentInterceptor            strip_comments
    18  SetTenantLabelInterceptor     - (no tenants are configured: it adds nothing)
    19  UserCreatorIPCheckInterceptor off
    20  TaskRetryInterceptor          off
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from linkis_mock.sim.linkis import messages
from linkis_mock.sim.linkis.errors import SERVICE_KIND, wrapped_text
from linkis_mock.sim.linkis.interceptors import checks, comments, java, operations, sql_limit
from linkis_mock.sim.linkis.interceptors.dates import Moment
from linkis_mock.sim.linkis.interceptors.languages import SCALA, SHELL, SQL, language_of
from linkis_mock.sim.linkis.interceptors.variables import VariableError, substitute
from linkis_mock.sim.linkis.jobs import LogEntry, shared_entry

# wds.linkis.sql.limit.creator; linkis.ai.sql.support.creators and the engines AISQL picks
LIMIT_CREATORS = "IDE"
AISQL_CREATORS = "ide,mcp,nodeexecution"
AISQL_SPARK, AISQL_HIVE = ("spark", "3.4.4"), ("hive", "2.3.3")
AISQL_HIVE_KEYS = ("hive", "mapreduce")


@dataclass(frozen=True, slots=True)
class Submission:
    """What the parser made of a request, as the interceptors receive it."""

    code: str
    code_type: str | None  # the codeType label
    creator: str
    engine: str | None  # the engineType label's engine, None without one
    engine_version: str
    label_user: str  # the user half of the userCreator label
    submit_user: str
    execute_user: str
    params: Mapping[str, Any] | None  # None: `"params": null`
    global_variables: Mapping[str, str]
    now_ms: int
    instance: str  # host:port of the entrance, for the texts of coded exceptions


@dataclass(slots=True)
class JobRequest:
    """The job as the chain changes it."""

    code: str
    engine: str | None
    engine_version: str
    log: list[LogEntry] = field(default_factory=list)
    tenant: str | None = None
    limited: bool = False


@dataclass(frozen=True, slots=True)
class Processed:
    """What the chain made of a job: its code, the lines it logs, and its labels' changes."""

    code: str
    log: tuple[LogEntry, ...]
    engine: str | None
    engine_version: str
    tenant: str | None
    limited: bool  # a limit was added or lowered: results are cut to 5000 rows


class RefusalError(Exception):
    """An interceptor refused the job: the entrance's exception (`code`, `desc`: the history
    row and `data.errorMsg`), the cause's code and text the reply's message shows when
    the cause is coded too, and the job's code when it was thrown."""

    def __init__(
        self, code: int, desc: str, shown: tuple[int, str] | None = None, job_code: str = ""
    ) -> None:
        super().__init__(desc)
        self.code = code
        self.desc = desc
        self.shown = shown or (code, desc)
        self.job_code = job_code


Step = Callable[[Submission, JobRequest], None]


def shell_blacklist(job: Submission, request: JobRequest) -> None:
    """#3, on the code as submitted: shell code, or any code for the shell engine."""
    shell_engine = (job.engine or "").lower() == SHELL
    if (language_of(job.code_type) == SHELL or shell_engine) and checks.shell_is_dangerous(
        request.code
    ):
        raise RefusalError(50081, messages.SHELL_BLACKLISTED)


def spark_code_check(job: Submission, request: JobRequest) -> None:
    """#5, scala code as submitted."""
    if language_of(job.code_type) == SCALA and checks.spark_code_refused(request.code):
        raise RefusalError(20050, messages.SPARK_CODE_CHECK_FAILED)


def label_check(job: Submission, request: JobRequest) -> None:
    """#7: an engine, and the userCreator label's user, who must be the execute user."""
    if request.engine is None or not request.engine.strip():
        raise RefusalError(50079, messages.ENGINE_LABEL_NEEDED)
    if not job.label_user.strip():
        raise RefusalError(50079, messages.USER_CREATOR_LABEL_NEEDED)
    if job.label_user.lower() != job.execute_user.lower():
        raise RefusalError(
            50080,
            messages.USER_NOT_EXECUTE_USER.format(
                job.submit_user, job.execute_user, job.label_user
            ),
        )


def _variable_map(params: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """TaskUtils.getVariableMap: `params.variable` when it is a map."""
    variables = (params or {}).get("variable")
    return variables if isinstance(variables, Mapping) else {}


def tenant_label(job: Submission, request: JobRequest) -> None:
    """#8: `params.variable.tenant` becomes a tenant label."""
    variables = _variable_map(job.params)
    if "tenant" in variables:
        request.tenant = str(variables["tenant"])


def substitute_variables(job: Submission, request: JobRequest) -> None:
    """#9: the variables put into the code, and the log block that shows them; any failure
    is 20050 (VarSubstitutionInterceptor.scala:40-98, CustomVariableUtils.scala:46-94)."""
    log = request.log
    log.append(("INFO", messages.SUBSTITUTING))
    request_variables = {str(key): str(value) for key, value in _variable_map(job.params).items()}
    variables = {**job.global_variables, **request_variables, "user": job.execute_user}
    if "submit_user" in variables:
        log.append(
            (
                "INFO",
                messages.SUBMIT_USER_REPLACED.format(job.submit_user, variables["submit_user"]),
            )
        )
    if "execute_user" in variables:
        log.append(
            (
                "INFO",
                messages.EXECUTE_USER_REPLACED.format(job.execute_user, variables["execute_user"]),
            )
        )
    variables["execute_user"] = job.execute_user
    variables["submit_user"] = job.submit_user
    try:
        code = substitute(request.code, job.code_type, variables, Moment.of(job.now_ms))
    except VariableError as exc:
        wrapped = wrapped_text(exc.code, exc.desc, job.instance, SERVICE_KIND)
        cause = f"LinkisCommonErrorException: {wrapped}"
        raise RefusalError(
            20050, messages.VARIABLE_REPLACEMENT_FAILED + cause, (exc.code, exc.desc)
        ) from None
    except operations.OperationFailedError as exc:
        raise RefusalError(
            20050,
            messages.VARIABLE_REPLACEMENT_FAILED + exc.cause.root_message,
            (20050, messages.VARIABLE_OPERATION_FAILED + exc.cause.text),
        ) from None
    except java.JavaError as exc:
        raise RefusalError(20050, messages.VARIABLE_REPLACEMENT_FAILED + exc.root_message) from None
    request.code = code
    log.append(("INFO", messages.SUBSTITUTION_ENDED))
    log.append(("INFO", messages.JOB_VARIABLES))
    log.append((None, messages.VARIABLE_BANNER))
    log.extend((None, f"{key}={value}") for key, value in _variable_map(job.params).items())
    log.append((None, ""))
    log.append((None, messages.VARIABLE_BANNER))
    log.append(("INFO", messages.SCRIPT_CODE_INTRO))
    log.append((None, messages.SCRIPT_CODE_BANNER))
    log.append((None, code))
    log.append((None, messages.SCRIPT_CODE_BANNER))


def aisql(job: Submission, request: JobRequest) -> None:
    """#10: `aisql` from the AI creators runs on the engine it picks; for every job it adds
    to the params' startup map, which `"params": null` turns into a NullPointerException
    (AISQLTransformInterceptor.scala:50-222, TaskUtils.scala:64-72)."""
    if job.code_type == "aisql" and job.creator.lower() in AISQL_CREATORS:
        request.log.append(("INFO", messages.AISQL_TASK))
        configuration = (job.params or {}).get("configuration")
        startup = configuration.get("startup") if isinstance(configuration, Mapping) else None
        startup = startup if isinstance(startup, Mapping) else {}
        if "ec.resource.name" in startup:
            hive = any(word in str(key) for key in startup for word in AISQL_HIVE_KEYS)
            request.engine, request.engine_version = AISQL_HIVE if hive else AISQL_SPARK
            engine = "-".join((request.engine, request.engine_version))
            name = startup["ec.resource.name"]
            request.log.append(("INFO", messages.AISQL_TEMPLATE.format(engine, _java_text(name))))
        else:
            request.engine, request.engine_version = AISQL_SPARK
            request.log.append(("INFO", messages.AISQL_SELECTION.format("-".join(AISQL_SPARK))))
    if job.params is None:
        raise java.JavaError("NullPointerException")


def _java_text(value: Any) -> str:
    """String.valueOf of a JSON value as Java holds it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def scala_code_check(job: Submission, request: JobRequest) -> None:
    """#14, scala code after substitution."""
    if language_of(job.code_type) == SCALA:
        refusal = checks.scala_code_refusal(request.code)
        if refusal is not None:
            raise RefusalError(20074, refusal)


def sql_limit_check(job: Submission, request: JobRequest) -> None:
    """#16: every job of another creator than the IDE only gets a warning; IDE SQL gets
    its limits."""
    if job.creator not in LIMIT_CREATORS:
        request.log.append(("WARN", messages.NOT_LIMITED))
        return
    if language_of(job.code_type) != SQL:
        return
    try:
        limited = sql_limit.limit(request.code)
    except sql_limit.EmptySqlError:
        request.code = ""
        raise RefusalError(20015, messages.SQL_CODE_EMPTY) from None
    request.code = limited.code
    request.log.extend(limited.log)
    request.limited = limited.changed


def strip_comments(job: Submission, request: JobRequest) -> None:
    """#17, SQL code only."""
    if language_of(job.code_type) == SQL:
        request.code = comments.strip_comments(request.code)


CHAIN: tuple[Step, ...] = (
    shell_blacklist,
    spark_code_check,
    label_check,
    tenant_label,
    substitute_variables,
    aisql,
    scala_code_check,
    sql_limit_check,
    strip_comments,
)


HOUR_MS = 3_600_000
Key = tuple[Any, ...]


class Results:
    """The chain's results of the jobs submitted lately, by what they depend on. The chain
    reads the clock only for `${...}` (the day and the hour: run_date's default,
    run_today_h) and `&{...}` (the time of day), so jobs that submit the same otherwise
    share one result, computed once. Each submitter has its own."""

    def __init__(self, capacity: int = 1024) -> None:
        self._capacity = capacity
        self._results: dict[Key, Processed] = {}

    def run(self, job: Submission) -> Processed:
        code = job.code
        moment = job.now_ms if "&{" in code else job.now_ms // HOUR_MS if "${" in code else 0
        key = (
            code,
            job.code_type,
            job.creator,
            job.engine,
            job.engine_version,
            job.label_user,
            job.submit_user,
            job.execute_user,
            None if job.params is None else json.dumps(job.params, separators=(",", ":")),
            tuple(job.global_variables.items()),
            moment,
            job.instance,
        )
        found = self._results.get(key)
        if found is None:
            found = run(job)
            if len(self._results) >= self._capacity:
                del self._results[next(iter(self._results))]
            self._results[key] = found
        return found


def run(job: Submission) -> Processed:
    """The chain on one job. A RefusalError carries the job's code as it was when refused; a
    JDK exception (not coded) becomes 20039 (EntranceServer.scala:114-159)."""
    request = JobRequest(job.code, job.engine, job.engine_version)
    for step in CHAIN:
        try:
            step(job, request)
        except RefusalError as refusal:
            refusal.job_code = request.code
            raise
        except java.JavaError as exc:
            desc = messages.FAILED_ANALYSIS_TASK.format(exc.root_message)
            raise RefusalError(20039, desc, job_code=request.code) from None
    return Processed(
        request.code,
        _trimmed(request.log),
        request.engine,
        request.engine_version,
        request.tenant,
        request.limited,
    )


def _trimmed(log: list[LogEntry]) -> tuple[LogEntry, ...]:
    """The lines as the entrance writes them: the text trimmed (EntranceServer.scala:175),
    which takes the trailing space of a last `... limited by the limit ` line too."""
    # Lines after the first of an entry have no header of their own.
    lines: list[LogEntry] = []
    for level, text in log:
        first, *rest = text.split("\n")
        lines.append((level, first))
        lines.extend((None, more) for more in rest)
    while lines:
        level, text = lines[-1]
        text = java.rtrim(text)
        if text or level is not None:
            lines[-1] = (level, text)
            break
        lines.pop()
    return tuple(shared_entry(line) for line in lines)
