#!/usr/bin/env bash
# TypeScript types from the OpenAPI document (openapi-typescript), and a small openapi-fetch
# client that must type-check against them (tests/test_generated_client.py also runs it).
# Needs node and npm; versions pinned in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"
(cd ../.. && .venv/bin/python -c "import json; from app.main import create_app; print(json.dumps(create_app().openapi()))") > openapi.json
npm ci --silent --no-audit --no-fund
npm run --silent check
echo "TypeScript client type-checks against the generated types"
