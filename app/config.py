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
    docs_enabled: bool = True
    cache_max_age: int = 300  # seconds clients and proxies may reuse a read
    data_version_ttl: float = 1.0  # seconds a worker trusts its cached data version
    # Connection pool, per worker process. Requests wait at most pool_timeout for a connection,
    # then answer 503; a dead server is noticed within connect_timeout.
    pool_size: int = Field(20, ge=1, le=200)
    pool_max_overflow: int = Field(10, ge=0, le=200)
    pool_timeout: float = Field(5.0, gt=0, le=60)
    connect_timeout: int = Field(3, ge=1, le=60)
    statement_timeout_ms: int = Field(10_000, ge=100, le=600_000)  # PostgreSQL only
    log_format: Literal["json", "text"] = "json"
    graceful_shutdown_seconds: int = Field(10, ge=1, le=300)  # to finish in-flight requests
    metrics_enabled: bool = True
    response_cache: bool = True  # serialised reads kept per process, keyed by data version
    threadpool_size: int = Field(16, ge=1, le=200)  # concurrent requests per worker

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
