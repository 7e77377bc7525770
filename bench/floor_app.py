"""The floor of `make bench`: the least a Python server can do for the benchmarked calls.

A bare Starlette app, run under uvicorn like the mock, answering
`GET /api/rest_j/v1/entrance/{id}/status`, `/progress` and `/log` with the JSON the mock
answers for a Running job (bodies copied from a real reply of the mock, the job's execID
put in). No spec, no validation, no authentication, no simulation: whatever the mock
spends above this is the price of those.

    uvicorn --app-dir bench floor_app:app
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PREFIX = "/api/rest_j/v1/entrance"

# The first lines of a `--@mock duration=3600` job, as the mock wrote them.
LOG_LINES = (
    "2026-11-22 18:21:04.021 INFO Job with jobId : 1 and execID : IDE_alice_spark_0 submitted ",
    "2026-11-22 18:21:04.021 INFO Your job is accepted,  jobID is IDE_alice_spark_0 and jobReqId"
    " is 1 in ServiceInstance(linkis-cg-entrance, 127.0.0.1:18931, 1795371664028). ",
    " Please wait it to be scheduled(您的任务已经提交，进入排队中，请耐心等待调度)",
    "2026-11-22 18:21:04.021 INFO Your job is Scheduled. Please wait it to run."
    "(您的任务已经调度运行中)",
    "2026-11-22 18:21:05.021 INFO Your job is Running now. Please wait it to complete."
    "(您的任务已经在运行中)",
    "2026-11-22 18:21:05.021 INFO Succeed to create new ec :"
    " ServiceInstance(linkis-cg-engineconn, 127.0.0.1:41761)",
    "2026-11-22 18:21:05.021 INFO Task submit to ec: ServiceInstance(linkis-cg-engineconn,"
    " 127.0.0.1:41761) get engineConnExecId is: 1",
)
LOG_TEXT = "\n".join(LOG_LINES)


def _reply(exec_id: str, action: str, data: dict[str, Any]) -> Response:
    body = {
        "method": f"/api/entrance/{exec_id}/{action}",
        "status": 0,
        "message": "OK",
        "data": data,
    }
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")


async def status(request: Request) -> Response:
    exec_id = request.path_params["id"]
    return _reply(exec_id, "status", {"status": "Running", "execID": exec_id})


async def progress(request: Request) -> Response:
    exec_id = request.path_params["id"]
    stage = {
        "id": "stage_0",
        "succeedTasks": 0,
        "failedTasks": 0,
        "runningTasks": 1,
        "totalTasks": 3,
    }
    data = {"progress": 0.0007, "execID": exec_id, "progressInfo": [stage]}
    return _reply(exec_id, "progress", data)


async def log(request: Request) -> Response:
    exec_id = request.path_params["id"]
    data = {"log": ["", "", LOG_TEXT, LOG_TEXT], "execID": exec_id, "fromLine": 8}
    return _reply(exec_id, "log", data)


app = Starlette(
    routes=[
        Route(PREFIX + "/{id}/status", status, methods=["GET"]),
        Route(PREFIX + "/{id}/progress", progress, methods=["GET"]),
        Route(PREFIX + "/{id}/log", log, methods=["GET"]),
    ]
)
