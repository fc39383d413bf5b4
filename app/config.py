"""Settings from the environment (prefix ``SIDEFX_``); ``get_settings()`` is the only reader."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIDEFX_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./var/sidefx.db"
    sql_echo: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"
    # Docs pages and the OpenAPI document; off in production if the API is not public.
    docs_enabled: bool = True
    cache_max_age: int = Field(300, ge=0, le=86_400)  # seconds clients may reuse a read
    data_version_ttl: float = Field(1.0, ge=0, le=60)  # seconds between data-version checks
    response_cache: bool = True  # serialised reads kept per worker, keyed by data version
    response_cache_bytes: int = Field(64 * 1024 * 1024, ge=0, le=4 * 1024**3)
    # The database, per worker. A request waits at most `db_timeout` seconds for its database
    # work (a connection, its statements), then answers 503: a hung or unreachable database
    # never holds a request longer. Statements are cut at `statement_timeout_ms` on both
    # databases (PostgreSQL: its statement_timeout; SQLite: a progress handler).
    db_timeout: float = Field(5.0, gt=0, le=120)
    statement_timeout_ms: int = Field(3_000, ge=100, le=600_000)
    # Loaders (seed, imports) run long statements in one transaction: their own limit.
    load_statement_timeout_ms: int = Field(600_000, ge=1_000, le=86_400_000)
    pool_size: int = Field(10, ge=1, le=200)
    pool_max_overflow: int = Field(10, ge=0, le=200)
    connect_timeout: int = Field(3, ge=1, le=60)
    # Database calls a worker runs at once; unset: 2 on SQLite (its calls are CPU work under
    # one GIL: more threads only queued for it, 109 -> 180 req/s uncached at 2), 16 on
    # PostgreSQL (calls wait on the network).
    threadpool_size: int | None = Field(None, ge=1, le=200)
    graceful_shutdown_seconds: int = Field(10, ge=1, le=300)  # to finish in-flight requests
    # HTTP limits enforced by the server (app/edge/protocol.py).
    max_header_bytes: int = Field(16 * 1024, ge=1024, le=1024 * 1024)
    header_timeout: float = Field(10.0, gt=0, le=300)  # to send a request's head
    body_timeout: float = Field(10.0, gt=0, le=300)  # to send its body, once the head is in
    keep_alive_timeout: int = Field(5, ge=1, le=300)
    # Prometheus metrics at /metrics: off by default; when on, a bearer token may guard them.
    metrics_enabled: bool = False
    metrics_token: str | None = Field(None, min_length=16)
    # The public URL of the FHIR REST API (/fhir): the base of its links and full URLs, and of
    # the canonical URLs of its CodeSystems, StructureDefinitions and SearchParameters, which
    # it serves there (docs/fhir.md). Set it to where clients reach the server.
    fhir_base_url: str = Field(
        "http://127.0.0.1:8000/fhir", pattern=r"^https?://[^\s?#]+[^/\s?#]$", max_length=200
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_postgres_url(cls, url: str) -> str:
        # Heroku-style and bare postgresql:// URLs would pick psycopg2, which we do not ship.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
