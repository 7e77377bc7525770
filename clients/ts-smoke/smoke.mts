/**
 * Smoke test of the TypeScript client: openapi-fetch over the types openapi-typescript generates
 * from the specs (`make clients`), against a running mock.
 *
 *   node_modules/.bin/tsc -p clients/ts-smoke
 *   node build/ts-smoke/smoke.mjs http://127.0.0.1:8080      # or MOCK_BASE_URL=...
 *
 * Linkis: log in (cookie), submit, poll status and log to Succeed, read progress, kill a second
 * job (Cancelled). VIAS: create a task, stop it (STOPPED), start it (RUNNING). The mock's clock is
 * frozen and advanced through the admin API, so nothing sleeps; the clock's frozen flag is put
 * back at the end. Prints one line per step; exits 1 on the first failed expectation.
 *
 * Response fields are used with their generated types (JobState, TaskState, ...), so a spec change
 * that breaks this usage fails `tsc`.
 */
import createClient from "openapi-fetch";
import type { paths as AdminPaths } from "../../build/clients/ts/admin";
import type { components as Linkis, paths as LinkisPaths } from "../../build/clients/ts/linkis-entrance";
import type { components as Vias, paths as ViasPaths } from "../../build/clients/ts/vias-task";

type JobState = Linkis["schemas"]["JobState"];
type TaskState = Vias["schemas"]["TaskState"];

const baseUrl = (process.argv[2] ?? process.env["MOCK_BASE_URL"] ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
const SESSION_COOKIE = "linkis_user_session_ticket_id_v1";
const USER = "hadoop";
const VIAS_PROJECT = "0123456789abcdef0123456789abcdef";
const VIAS_TOKEN = "vias-dev-token";
const VIAS_SERVICE = "c-intrusion-detection-cloud";
const CLOCK_STEP_S = 0.25;
const MAX_STEPS = 240; // one simulated minute

class ExpectationFailed extends Error {}

function expect(condition: boolean, what: string): asserts condition {
  if (!condition) throw new ExpectationFailed(what);
}

function step(text: string): void {
  console.log(`ok   ${text}`);
}

/** Exhaustive over the generated union: a state added to or removed from the spec fails tsc. */
function isFinal(state: JobState): boolean {
  switch (state) {
    case "Inited":
    case "WaitForRetry":
    case "Scheduled":
    case "Running":
      return false;
    case "Succeed":
    case "Failed":
    case "Cancelled":
    case "Timeout":
      return true;
    default: {
      const unknown: never = state;
      throw new ExpectationFailed(`unknown job state ${String(unknown)}`);
    }
  }
}

const admin = createClient<AdminPaths>({ baseUrl: `${baseUrl}/__admin` });

async function setFrozen(frozen: boolean): Promise<void> {
  const { data, error } = await admin.PUT("/clock", { body: { frozen } });
  expect(data !== undefined, `set clock frozen=${frozen}: ${JSON.stringify(error)}`);
  expect(data.frozen === frozen, `clock frozen is ${data.frozen}`);
}

async function advance(seconds: number): Promise<void> {
  const { data, error } = await admin.POST("/clock/advance", { body: { seconds } });
  expect(data !== undefined, `advance clock: ${JSON.stringify(error)}`);
}

async function linkisFlow(): Promise<void> {
  const api = `${baseUrl}/api/rest_j/v1`;

  // Node's fetch keeps no cookies: carry the session cookie from Set-Cookie ourselves.
  const anonymous = createClient<LinkisPaths>({ baseUrl: api });
  const login = await anonymous.POST("/user/login", { body: { userName: USER, password: USER } });
  expect(login.data !== undefined, `login: ${JSON.stringify(login.error)}`);
  expect(login.data.data.userName === USER, `logged in as ${login.data.data.userName}`);
  const ticket = login.response.headers
    .getSetCookie()
    .map((header) => header.split(";", 1)[0] ?? "")
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  expect(ticket !== undefined, "login set no session cookie");
  // A fresh login carries LoginReplyData; a second one on a live session only the user name.
  const loggedIn = login.data.data;
  expect("isAdmin" in loggedIn, "a fresh login replied as if already logged in");
  step(`login as ${loggedIn.userName} (admin: ${String(loggedIn.isAdmin)}), cookie ${SESSION_COOKIE}`);

  const denied = await anonymous.GET("/entrance/{id}/status", { params: { path: { id: "exec_id0" } } });
  expect(denied.error !== undefined && denied.response.status === 401, `status without a session: HTTP ${denied.response.status}`);
  expect(denied.error.status === -1, `401 envelope status ${denied.error.status}`);
  step(`no session: HTTP 401, envelope status ${denied.error.status}`);

  const linkis = createClient<LinkisPaths>({ baseUrl: api, headers: { Cookie: ticket } });

  async function submit(code: string): Promise<Linkis["schemas"]["SubmitReplyData"]> {
    const { data, error } = await linkis.POST("/entrance/submit", {
      body: {
        executionContent: { code, runType: "sql" },
        labels: { engineType: "spark-2.4.3", userCreator: `${USER}-IDE` },
      },
    });
    expect(data !== undefined, `submit: ${JSON.stringify(error)}`);
    return data.data;
  }

  async function status(id: string): Promise<JobState> {
    const { data, error } = await linkis.GET("/entrance/{id}/status", { params: { path: { id } } });
    expect(data !== undefined, `status: ${JSON.stringify(error)}`);
    expect(data.data.execID === id, `status of ${data.data.execID}, asked ${id}`);
    return data.data.status;
  }

  const job = await submit("select id, name from demo");
  expect(job.execID.startsWith("exec_id"), `execID ${job.execID}`);
  step(`submit: execID ${job.execID}, taskID ${job.taskID}`);

  const seen: JobState[] = [];
  const logLines: string[] = [];
  let fromLine = 1;
  let runningProgress = 0;

  async function readLog(id: string): Promise<void> {
    const { data, error } = await linkis.GET("/entrance/{id}/log", {
      params: { path: { id }, query: { fromLine, size: -1 } },
    });
    expect(data !== undefined, `log: ${JSON.stringify(error)}`);
    const lines = data.data.log;
    const all = Array.isArray(lines) ? lines[3] : lines; // index 3 of the per-level array is ALL
    if (all) logLines.push(...all.split("\n"));
    fromLine = data.data.fromLine;
  }

  let state: JobState = await status(job.execID);
  for (let i = 0; !isFinal(state) && i < MAX_STEPS; i++) {
    if (seen[seen.length - 1] !== state) seen.push(state);
    await readLog(job.execID);
    if (state === "Running") {
      const { data, error } = await linkis.GET("/entrance/{id}/progress", { params: { path: { id: job.execID } } });
      expect(data !== undefined, `progress: ${JSON.stringify(error)}`);
      runningProgress = Math.max(runningProgress, data.data.progress);
    }
    await advance(CLOCK_STEP_S);
    state = await status(job.execID);
  }
  seen.push(state);
  expect(state === "Succeed", `job ended ${state}; states ${seen.join(" > ")}`);
  expect(seen.includes("Running"), `never saw Running: ${seen.join(" > ")}`);
  step(`status: ${seen.join(" > ")}`);
  await readLog(job.execID);
  expect(logLines.length > 0, "no log lines");
  step(`log: ${logLines.length} lines, next fromLine ${fromLine}; last: ${logLines[logLines.length - 1]}`);

  const progress = await linkis.GET("/entrance/{id}/progress", { params: { path: { id: job.execID } } });
  expect(progress.data !== undefined, `progress: ${JSON.stringify(progress.error)}`);
  expect(progress.data.data.progress === 1, `final progress ${progress.data.data.progress}`);
  expect(progress.data.data.progressInfo.length === 0, "finished job still lists stages");
  expect(runningProgress > 0 && runningProgress < 1, `progress while Running reached ${runningProgress}`);
  step(`progress: up to ${runningProgress} while Running, ${progress.data.data.progress} after Succeed`);

  const victim = await submit("select id from big_table");
  let victimState = await status(victim.execID);
  for (let i = 0; victimState !== "Running" && i < MAX_STEPS; i++) {
    await advance(CLOCK_STEP_S);
    victimState = await status(victim.execID);
  }
  expect(victimState === "Running", `second job is ${victimState}`);
  const killed = await linkis.GET("/entrance/{id}/kill", { params: { path: { id: victim.execID } } });
  expect(killed.data !== undefined, `kill: ${JSON.stringify(killed.error)}`);
  expect(killed.data.data.execID === victim.execID, `killed ${String(killed.data.data.execID)}`);
  for (let i = 0; !isFinal(victimState) && i < MAX_STEPS; i++) {
    await advance(CLOCK_STEP_S);
    victimState = await status(victim.execID);
  }
  expect(victimState === "Cancelled", `killed job ended ${victimState}`);
  step(`kill: ${victim.execID} Running > ${victimState}`);
}

async function viasFlow(): Promise<void> {
  const vias = createClient<ViasPaths>({ baseUrl: `${baseUrl}/v2`, headers: { "X-Auth-Token": VIAS_TOKEN } });

  const created = await vias.POST("/{project_id}/services/{service_name}/tasks", {
    params: { path: { project_id: VIAS_PROJECT, service_name: VIAS_SERVICE } },
    body: {
      name: "gate-cam-1",
      input: { type: "video_source", data: [{ video_source_id: "vs-0001" }] },
      output: { webhook: { url: "http://127.0.0.1:9000/hook" } },
      service_version: "1.1",
    },
  });
  expect(created.data !== undefined, `create task: ${JSON.stringify(created.error)}`);
  const taskId = created.data.tasks[0]?.id;
  expect(taskId !== undefined, "create task returned no id");
  const path = { project_id: VIAS_PROJECT, task_id: taskId };

  async function taskState(): Promise<TaskState> {
    const { data, error } = await vias.GET("/{project_id}/tasks/{task_id}", { params: { path } });
    expect(data !== undefined, `show task: ${JSON.stringify(error)}`);
    return data.state;
  }

  async function waitFor(target: TaskState): Promise<TaskState[]> {
    const seen: TaskState[] = [await taskState()];
    for (let i = 0; seen[seen.length - 1] !== target && i < MAX_STEPS; i++) {
      await advance(CLOCK_STEP_S);
      const state = await taskState();
      if (seen[seen.length - 1] !== state) seen.push(state);
    }
    expect(seen[seen.length - 1] === target, `task did not reach ${target}: ${seen.join(" > ")}`);
    return seen;
  }

  step(`create task ${taskId}: ${(await waitFor("RUNNING")).join(" > ")}`);

  for (const [command, target] of [["stop", "STOPPED"], ["start", "RUNNING"]] as const) {
    const { data, error, response } = await vias.PUT("/{project_id}/tasks/{task_id}/action/{command}", {
      params: { path: { ...path, command } },
    });
    expect(data !== undefined, `${command}: HTTP ${response.status} ${JSON.stringify(error)}`);
    expect(/^[0-9a-f]{32}$/.test(response.headers.get("X-Request-Id") ?? ""), "no X-Request-Id");
    step(`${command}: ${(await waitFor(target)).join(" > ")}`);
  }
}

async function main(): Promise<void> {
  const clock = await admin.GET("/clock");
  expect(clock.data !== undefined, `read clock at ${baseUrl}: ${JSON.stringify(clock.error)}`);
  const wasFrozen = clock.data.frozen;
  await setFrozen(true);
  step(`mock at ${baseUrl}, clock frozen at ${clock.data.nowIso}`);
  try {
    await linkisFlow();
    await viasFlow();
  } finally {
    if (!wasFrozen) await setFrozen(false);
  }
  console.log("smoke: all steps passed");
}

main().catch((reason: unknown) => {
  console.error(`FAIL ${reason instanceof Error ? reason.message : String(reason)}`);
  process.exitCode = 1;
});
