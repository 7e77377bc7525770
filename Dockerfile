# The linkis-mock image: `linkis-mock serve` on 0.0.0.0:8080, as a non-root user.
#
#   podman build --format docker -t linkis-mock .      # --format docker keeps HEALTHCHECK
#   docker build -t linkis-mock .
#   podman run --rm -p 127.0.0.1:8080:8080 linkis-mock
#   podman run --rm -p 127.0.0.1:8080:8080 -v mock-state:/var/lib/linkis-mock linkis-mock \
#       serve --host 0.0.0.0 --port 8080 --state /var/lib/linkis-mock/mock.db
#
# The server runs as uid 10001: a named volume takes the folder's owner; a host folder must
# be writable by 10001 (chown 10001:10001 DIR, or podman's `-v DIR:/var/lib/linkis-mock:U`).
# Bound to 0.0.0.0 with no admin token set, the mock makes one and prints it at start;
# LINKIS_MOCK_ADMIN__TOKEN sets one. Any key of config.example.toml is a LINKIS_MOCK_*
# variable, and a mounted file is read with `--config FILE`.
#
# BASE is any image with python3 (3.11+) and its venv module on PATH: the public
# python:3.11-slim by default. `make image` (tools/build_image.sh) builds FROM a local
# Debian bookworm image instead (debootstrap, python3 and python3-venv) and offline:
# with the wheels it prepared in deploy/wheels and PIP_NO_INDEX=1.
ARG BASE=python:3.11-slim

# ---- build: the project's wheel and its runtime dependencies, in a venv --------------------
FROM ${BASE} AS build
# 1 (or true): pip takes packages from deploy/wheels only and fetches nothing. Empty (the
# default), it also uses the package index, as for a plain `docker build .` on a fresh clone,
# whose deploy/wheels holds no wheels.
ARG PIP_NO_INDEX=
ENV PIP_FIND_LINKS=/wheels \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore
COPY deploy/wheels/ /wheels/
# The dependencies first, from pyproject.toml's [project] dependencies (not the test extra)
# pinned by constraints.txt: this layer stays cached while only the code changes.
COPY pyproject.toml constraints.txt /src/
RUN python3 -m venv /opt/linkis-mock \
 && python3 -c 'import tomllib; print(*tomllib.load(open("/src/pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' \
      > /src/requirements.txt \
 && /opt/linkis-mock/bin/pip install --quiet -c /src/constraints.txt -r /src/requirements.txt
COPY README.md /src/
COPY linkis_mock/ /src/linkis_mock/
COPY handlers/ /src/handlers/
COPY openapi/ /src/openapi/
# The wheel is built in an isolated environment with setuptools from /wheels (or the index);
# the venv then loses pip and setuptools, which serving never needs.
RUN /opt/linkis-mock/bin/pip wheel --quiet --no-deps -w /dist /src \
 && /opt/linkis-mock/bin/pip install --quiet --no-deps /dist/linkis_mock-*.whl \
 && /opt/linkis-mock/bin/pip uninstall --quiet -y pip setuptools \
 && /opt/linkis-mock/bin/linkis-mock --help > /dev/null

# ---- runtime: the venv only -----------------------------------------------------------------
FROM ${BASE}
# tini as PID 1: it passes SIGTERM on to linkis-mock, which then stops at once even while it
# is still starting (a PID 1 ignores a signal it has no handler for yet), and reaps the
# processes of --workers. The local base has it already; a public one gets it from apt.
RUN command -v tini > /dev/null || { \
      apt-get update && apt-get install -y --no-install-recommends tini \
      && rm -rf /var/lib/apt/lists/*; }
LABEL org.opencontainers.image.title="linkis-mock" \
      org.opencontainers.image.description="Contract-first mock of the Apache Linkis entrance API and the Huawei VIAS task API"
RUN groupadd --gid 10001 linkis \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/linkis-mock \
      --shell /usr/sbin/nologin linkis \
 && mkdir -p /var/lib/linkis-mock \
 && chown 10001:10001 /var/lib/linkis-mock
# The same path as in the build stage: the venv's scripts name /opt/linkis-mock/bin/python,
# a link to the base's python3 (the same base in both stages).
COPY --from=build /opt/linkis-mock /opt/linkis-mock
ENV PATH=/opt/linkis-mock/bin:$PATH \
    PYTHONUNBUFFERED=1
# Numeric, so that a runtime can tell it is not root without reading /etc/passwd
# (Kubernetes' runAsNonRoot).
USER 10001:10001
# For a --state SQLite file: `--state /var/lib/linkis-mock/mock.db` (or `--state mock.db`).
WORKDIR /var/lib/linkis-mock
VOLUME ["/var/lib/linkis-mock"]
EXPOSE 8080
# SIGTERM reaches tini (PID 1), which passes it on: uvicorn's handler stops the server
# gracefully (requests in flight get up to 10 s), and the process exits with 143.
STOPSIGNAL SIGTERM
# No curl in a slim image: Python's urllib; any reply but 200, or none in 2 s, is unhealthy.
# It asks port 8080: a container serving on another --port needs its own --health-cmd.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python3", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/__admin/ready', timeout=2).status != 200)"]
ENTRYPOINT ["tini", "--", "linkis-mock"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
