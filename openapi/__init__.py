"""The contracts, carried into the package as `linkis_mock.openapi` (see pyproject.toml).

This file only makes the folder a package, so that `importlib.resources` finds the specs
in a checkout, an editable install and a wheel alike; the specs are the YAML files.
"""
