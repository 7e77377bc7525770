"""A contract-first mock of the Apache Linkis entrance API and the Huawei Cloud VIAS task API."""

import warnings

# Connexion imports Starlette's test client, which warns about httpx as it is imported:
# a line of noise at every server start that says nothing about this project.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
