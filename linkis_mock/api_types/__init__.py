"""TypedDicts generated from openapi/*.yaml by tools/generate_types.py; do not edit."""
