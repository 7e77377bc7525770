#!/usr/bin/env bash
# Generate API clients from the OpenAPI contracts into build/clients (git-ignored):
#   build/clients/python/<project>/  openapi-python-client packages (one per spec)
#   build/clients/ts/<spec>.d.ts     openapi-typescript types (one per spec)
#   build/clients/orval/<spec>/      orval: TanStack Query hooks over fetch (clients/orval.config.cjs)
#   build/clients/hey-api/<spec>/    @hey-api/openapi-ts: types, SDK, fetch client
#                                    (clients/openapi-ts.config.mjs)
#   build/clients/defaults/          the three TypeScript generators in their default modes,
#                                    with no config, as a team that just runs them on a spec
#                                    gets them: orval/<spec>.ts (axios, one file),
#                                    hey-api/<spec>/ (its default plugins),
#                                    openapi-typescript/<spec>.ts (its own Redocly lint)
#   build/clients/.generated         stamp, as old as the start of the run (Makefile, tests)
# Any warning from a generator fails the run, and so does any tsc --strict error in the orval,
# hey-api and default-mode output (clients/generated.tsconfig.json), so a spec change that
# makes a client incomplete or not compile breaks the build (a schema named like a type a
# generator derives, say: tools/check_spec_names.py lints for that, these compiles hold it); build/clients is replaced only when all passed
# (a failed run leaves its output in build/clients.tmp). Uses only tools installed in the repo
# (.venv, node_modules).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=build/clients
STAGE=build/clients.tmp
# spec name : python project directory (the package name is set in clients/python/<spec>.yaml)
SPECS=(
    linkis-entrance:linkis-entrance-client
    vias-task:vias-task-client
    admin:mock-admin-client
)

# openapi-python-client runs its post hooks (ruff) from PATH: use the repo's pinned ruff.
export PATH="$ROOT/.venv/bin:$PATH"
OPC="$ROOT/.venv/bin/openapi-python-client"
OTS="$ROOT/node_modules/.bin/openapi-typescript"
ORVAL="$ROOT/node_modules/.bin/orval"
HEYAPI="$ROOT/node_modules/.bin/openapi-ts"
TSC="$ROOT/node_modules/.bin/tsc"
for tool in "$OPC" "$OTS" "$ORVAL" "$HEYAPI" "$TSC" "$ROOT/.venv/bin/ruff"; do
    [[ -x $tool ]] || { echo "generate_clients: $tool is missing; run make install" >&2; exit 1; }
done

LOG=$(mktemp)
STARTED=$(mktemp) # its mtime becomes the stamp's: inputs edited while this runs are newer
trap 'rm -f "$LOG" "$STARTED"' EXIT

# run LABEL CMD...: run a generator, show its output, fail on an error or any warning.
run() {
    local label=$1
    shift
    if ! "$@" >"$LOG" 2>&1; then
        cat "$LOG"
        echo "generate_clients: $label failed" >&2
        exit 1
    fi
    cat "$LOG"
    if grep -qiE 'warn|⚠' "$LOG"; then
        echo "generate_clients: $label printed a warning (see above)" >&2
        exit 1
    fi
}

rm -rf "$STAGE"
mkdir -p "$STAGE/python" "$STAGE/ts"
for entry in "${SPECS[@]}"; do
    spec=${entry%%:*}
    project=${entry#*:}
    run "openapi-python-client $spec" "$OPC" generate \
        --path "openapi/$spec.yaml" \
        --config "clients/python/$spec.yaml" \
        --meta poetry \
        --fail-on-warning \
        --output-path "$STAGE/python/$project"
    rm -rf "$STAGE/python/$project/.ruff_cache"
    run "openapi-typescript $spec" "$OTS" "openapi/$spec.yaml" --redocly clients/redocly.yaml \
        --output "$STAGE/ts/$spec.d.ts"
done

# orval and hey-api: one run each, their configs hold one project per spec and write under
# $CLIENTS_OUT.
export CLIENTS_OUT="$STAGE"
run orval "$ORVAL" --config clients/orval.config.cjs
run @hey-api/openapi-ts "$HEYAPI" --file clients/openapi-ts.config.mjs

# The same generators with no config: orval's default is axios in one file (axios is pinned
# in package.json at 1.18.1: the types of 1.19 and later no longer fit orval 7's generated
# signatures, whatever the spec), hey-api's its default plugins (a `./` path: a bare
# `openapi/x.yaml` reads as an `org/project` shorthand of its registry), openapi-typescript's
# its own lint (no --redocly); written as .ts so that tsc checks them (it skips .d.ts files).
for entry in "${SPECS[@]}"; do
    spec=${entry%%:*}
    run "orval (default mode) $spec" "$ORVAL" --input "openapi/$spec.yaml" \
        --output "$STAGE/defaults/orval/$spec.ts"
    run "@hey-api/openapi-ts (default mode) $spec" "$HEYAPI" -i "./openapi/$spec.yaml" \
        -o "$STAGE/defaults/hey-api/$spec"
    run "openapi-typescript (default mode) $spec" "$OTS" "openapi/$spec.yaml" \
        --output "$STAGE/defaults/openapi-typescript/$spec.ts"
done

# All of it must compile under tsc --strict: a tsconfig in the staging directory extends
# clients/generated.tsconfig.json with the staged files, so a failure leaves build/clients as it was.
printf '{ "extends": "../../clients/generated.tsconfig.json", "include": ["orval", "hey-api", "defaults"] }\n' \
    >"$STAGE/tsconfig.json"
if ! "$TSC" -p "$STAGE/tsconfig.json" >"$LOG" 2>&1; then
    cat "$LOG"
    echo "generate_clients: the orval / hey-api / default-mode output does not type-check" \
        "(tsc --strict, see above); the generated files are in $STAGE" >&2
    exit 1
fi
rm "$STAGE/tsconfig.json"

rm -rf "$OUT"
mv "$STAGE" "$OUT"

# The TypeScript smoke program (clients/ts-smoke) against the types just written, with the
# build info that its test (contract_tests/test_generated_clients.py) passes tsc again:
# most of a compile is checking the libraries' own types, which the test then skips.
if ! "$TSC" -p clients/ts-smoke --incremental \
    --tsBuildInfoFile build/ts-smoke/smoke.tsbuildinfo >"$LOG" 2>&1; then
    cat "$LOG"
    echo "generate_clients: clients/ts-smoke does not type-check against them (see above)" >&2
    exit 1
fi
touch -r "$STARTED" "$OUT/.generated"
echo "generate_clients: wrote $OUT/python/*-client, $OUT/ts/*.d.ts, $OUT/orval/*, $OUT/hey-api/* and $OUT/defaults/*, and build/ts-smoke; tsc --strict passed"
