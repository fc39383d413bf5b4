"""Settings from the environment (prefix ``SIDEFX_``); ``get_settings()`` is the only reader."""

from functools import lru_cache
from typing import Literal

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIDEFX_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./var/sidefx.db"
    sql_echo: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    docs_enabled: bool = True
    cache_max_age: int = 300  # seconds clients and proxies may reuse a read
    data_version_ttl: float = 1.0  # seconds a worker trusts its cached data version

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
