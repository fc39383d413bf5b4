"""The container files say what the README says (no Docker engine runs here to try them)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_migrates_before_serving_on_postgres() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    api = services["api"]
    assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert api["environment"]["SIDEFX_DATABASE_URL"].startswith("postgresql+psycopg://")


def test_dockerfile_runs_as_non_root_with_a_healthcheck() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    assert any(line.startswith("USER 10001") for line in lines)
    assert any(line.startswith("HEALTHCHECK") for line in lines)
    assert sum(line.startswith("FROM ") for line in lines) == 2  # multi-stage
