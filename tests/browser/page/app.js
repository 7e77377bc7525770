// A minimal front end of the Linkis entrance API, run from a second origin: every call is
// a credentialed fetch, so only the session cookie set by /user/login authenticates it (no
// token headers). Query string: ?api=<base URL of /api/rest_j/v1>[&user=alice&password=alice]
"use strict";

const params = new URLSearchParams(location.search);
const API = params.get("api");
const USER = params.get("user") || "alice";
const PASSWORD = params.get("password") || USER;
const POLL_MS = 200;
const FINAL = ["Succeed", "Failed", "Cancelled", "Timeout"];

const $ = (id) => document.getElementById(id);

// One Linkis call: the envelope's `status` must be 0; its `data` is returned.
async function call(method, path, body) {
  const init = { method, credentials: "include", headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const reply = await fetch(API + path, init);
  const envelope = await reply.json();
  if (!reply.ok || envelope.status !== 0) {
    throw new Error(`${method} ${path}: HTTP ${reply.status}: ${envelope.message}`);
  }
  return envelope.data;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function run() {
  $("origin").textContent = location.origin;
  $("api").textContent = API;
  if (!API) throw new Error("no ?api= in the query string");

  const login = await call("POST", "/user/login", { userName: USER, password: PASSWORD });
  $("user").textContent = login.userName || USER;

  const submitted = await call("POST", "/entrance/submit", {
    executionContent: { code: "select id, name from t", runType: "sql" },
    labels: { engineType: "spark-2.4.3" },
  });
  const execID = submitted.execID;
  $("exec-id").textContent = execID;

  const seen = [];
  let status = "";
  for (;;) {
    status = (await call("GET", `/entrance/${encodeURIComponent(execID)}/status`)).status;
    if (seen[seen.length - 1] !== status) {
      seen.push(status);
      $("statuses").textContent = seen.join(" ");
    }
    if (FINAL.includes(status)) break;
    await sleep(POLL_MS);
  }

  const log = await call("GET", `/entrance/${encodeURIComponent(execID)}/log?fromLine=1&size=-1`);
  $("log").textContent = log.log[3]; // [ERROR, WARN, INFO, ALL]
  $("state").textContent = status;
}

run().catch((error) => {
  $("error").textContent = String(error);
  $("state").textContent = "error";
});
