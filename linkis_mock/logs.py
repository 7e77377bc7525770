"""What `serve` and `proxy` print: readable lines for a person (`--log-format text`,
uvicorn's own format), or one JSON object per line for log tools (`--log-format json`).

In JSON mode every HTTP request gets one `request` event with the journal's fields
(written by linkis_mock.middleware.journal, the layer that already times each request),
uvicorn's own access log is off so that no request is printed twice, and everything else
(start-up, uvicorn's messages, warnings, errors) is a JSON object too, a traceback as a
string field. Request events go to stdout, everything else to stderr.

Whether requests are logged is decided once, when an app is built, from the
`linkis_mock.access` logger's level: in text mode, and for an app created in a test
with logging left as Python sets it up, the pipeline does no work for a log at all.

A reply cut off on purpose (a `close` fault rule, or a real server's cut passed on by the
proxy) reaches uvicorn as an exception, which it would print as "Exception in ASGI
application" with a traceback; `QuietCuts` turns that into one info line, in both modes.
uvicorn still closes the connection: the client sees the reply cut off.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, get_args

from linkis_mock.redaction import without_secret_parameters

if TYPE_CHECKING:
    from linkis_mock.control.journal import Entry

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[str, ...] = get_args(LogFormat)
# uvicorn's levels (its `--log-level`), `trace` included.
LOG_LEVELS = {"critical": 50, "error": 40, "warning": 30, "info": 20, "debug": 10, "trace": 5}
ACCESS_LOGGER = "linkis_mock.access"
CLI_LOGGER = "linkis_mock.cli"
# The attributes every LogRecord has: what is not among them came as `extra`.
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's coloured copy of the message
}


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, the `extra` fields
    given, and a traceback as a string."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": _iso(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        event.update(
            (key, value) for key, value in vars(record).items() if key not in _RECORD_FIELDS
        )
        if record.exc_info:
            event["traceback"] = self.formatException(record.exc_info)
        elif record.stack_info:
            event["stack"] = self.formatStack(record.stack_info)
        return json.dumps(event, ensure_ascii=False, default=str)


class QuietCuts(logging.Filter):
    """uvicorn's "Exception in ASGI application" for a reply cut off on purpose, as one
    info line without the traceback (dropped below the logger's level)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info:
            return True
        from linkis_mock.contract.errors import ReplyCut  # noqa: PLC0415  # loaded by then

        cut = record.exc_info[1]
        if not isinstance(cut, ReplyCut):
            return True
        record.msg, record.args = "%s", (cut,)
        record.exc_info, record.exc_text = None, None
        record.levelno, record.levelname = logging.INFO, "INFO"
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)


class SecretParameters(logging.Filter):
    """uvicorn's access line with the values of secret query parameters (`?token=...`)
    replaced: logs are read by more people than the mock's owners."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and "?" in str(args[2]):
            record.args = (*args[:2], without_secret_parameters(str(args[2])), *args[3:])
        return True


def log_config(log_format: LogFormat, log_level: str = "info") -> dict[str, Any]:
    """uvicorn's `log_config` for `serve` and `proxy` (and the workers of `--workers`,
    which get it pickled). A new dict each call: set up logging with one, give uvicorn
    another."""
    if log_format == "text":
        return _text_config()
    level = LOG_LEVELS[log_level]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"quiet_cuts": {"()": QuietCuts}},
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "events": _stream("json", "ext://sys.stderr", filters=["quiet_cuts"]),
            "requests": _stream("json", "ext://sys.stdout"),
        },
        "loggers": {
            "uvicorn": {"handlers": ["events"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "INFO", "propagate": False},
            "linkis_mock": {"handlers": ["events"], "level": level, "propagate": False},
            # The command's own lines (start-up, a bad argument, the proxy's summary) are
            # printed at any level in text mode; so they are here.
            CLI_LOGGER: {"level": "INFO"},
            ACCESS_LOGGER: {"handlers": ["requests"], "level": level, "propagate": False},
        },
        # What else logs (Connexion, asyncio, warnings): JSON as well.
        "root": {"handlers": ["events"], "level": "WARNING"},
    }


def _text_config() -> dict[str, Any]:
    """uvicorn's own default (uvicorn.config.LOGGING_CONFIG), with QuietCuts; the
    mock's loggers are left as they were, so nothing prints that did not before."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"quiet_cuts": {"()": QuietCuts}, "secret_parameters": {"()": SecretParameters}},
        "formatters": {
            "default": {
                "()": "uvicorn.logging.DefaultFormatter",
                "fmt": "%(levelprefix)s %(message)s",
                "use_colors": None,
            },
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
            },
        },
        "handlers": {
            "default": _stream("default", "ext://sys.stderr", filters=["quiet_cuts"]),
            "access": _stream("access", "ext://sys.stdout", filters=["secret_parameters"]),
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
            # Request events are info: off, uvicorn's access line speaks for each request.
            ACCESS_LOGGER: {"level": "WARNING"},
        },
    }


def _stream(formatter: str, stream: str, filters: list[str] | None = None) -> dict[str, Any]:
    handler = {"formatter": formatter, "class": "logging.StreamHandler", "stream": stream}
    return handler if filters is None else {**handler, "filters": filters}


def set_up(log_format: LogFormat, log_level: str) -> None:
    """JSON mode: the log as uvicorn will set it up, already for what is said before it
    starts (the start-up event, a bad argument, building the app), warnings included."""
    if log_format != "json":
        return  # text: uvicorn's own set-up, as always
    import logging.config  # noqa: PLC0415

    logging.config.dictConfig(log_config(log_format, log_level))
    logging.captureWarnings(True)


def request_logger() -> logging.Logger | None:
    """Where an app being built writes its request events: None (no work a request) if
    the `linkis_mock.access` logger would drop them anyway."""
    logger = logging.getLogger(ACCESS_LOGGER)
    return logger if logger.isEnabledFor(logging.INFO) else None


def log_request(
    logger: logging.Logger,
    entry: Entry,
    request_id: str | None,
    failure: BaseException | None = None,
) -> None:
    """One request as one `request` event: the journal entry's fields, its time as ISO
    8601 (`timeMs`: the journal's epoch milliseconds), the request id (VIAS only), and
    what cut the reply off or failed it, if anything did (`error`)."""
    fields: dict[str, Any] = {
        "event": "request",
        **entry.as_dict(),
        "time": _iso(entry.time_ms / 1000),
        "timeMs": entry.time_ms,
        "requestId": request_id,
    }
    if failure is not None:
        fields["error"] = f"{type(failure).__name__}: {failure}"
    logger.info("%s %s %d", entry.method, entry.path, entry.status, extra=fields)


def _iso(epoch_s: float) -> str:
    stamp = datetime.fromtimestamp(epoch_s, tz=UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")
