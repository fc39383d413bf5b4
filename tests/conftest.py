"""Real migrations and the curated seed once per session; a rolled-back transaction per test.

SQLite by default; PostgreSQL when SIDEFX_TEST_DATABASE_URL is set (the Makefile runs both).
The app is the production app; tests hand it a Database over their own connection through
FastAPI's dependency override, so every request sees the test's uncommitted rows.
"""

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from alembic import command
from fastapi import FastAPI
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.api.deps import get_database
from app.cli.database import alembic_config
from app.config import Settings
from app.db import Database, make_engine
from app.importers.seed.files import read_seed
from app.importers.seed.load import load_seed
from app.main import create_app
from app.services.meta import data_version

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "seed_data"
FIXTURES = ROOT / "tests" / "fixtures"
SIDER_FIXTURES = FIXTURES / "sider"
SIDER_DIR = ROOT.parent / "shared" / "data" / "sider"  # the real files, never copied here
SEEDS_DIR = ROOT.parent / "shared" / "seeds"  # the source documents
POSTGRES_URL = os.environ.get("SIDEFX_TEST_DATABASE_URL")
# Generous on purpose: a loaded CI machine must not turn a slow test into a failing one.
TEST_SETTINGS = {"db_timeout": 60.0, "statement_timeout_ms": 60_000, "log_level": "WARNING"}


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if POSTGRES_URL:
        return Settings(database_url=POSTGRES_URL).database_url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@contextmanager
def separate_database(database_url: str, directory: Path, label: str) -> Iterator[str]:
    """An empty database of its own on the same backend (a file, or a new PostgreSQL database),
    so tests that migrate or bulk-load never touch the shared test database."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{directory / f'{label}.db'}"
        return
    name = f"sidefx_{label}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def settings_for(url: str, **overrides: object) -> Settings:
    return Settings(database_url=url, **{**TEST_SETTINGS, **overrides})  # type: ignore[arg-type]


def seeded(url: str) -> Engine:
    """Migrate an empty database to head and load the curated seed; returns its engine."""
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url, settings=settings_for(url))
    with Session(engine) as session, session.begin():
        load_seed(session, read_seed(SEED_DIR))
    return engine


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    if database_url.startswith("postgresql"):
        reset_postgres(database_url)
    engine = seeded(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> Callable[[], Session]:
    return lambda: Session(bind=connection, join_transaction_mode="create_savepoint")


@pytest.fixture
def session(session_factory: Callable[[], Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


def database_over(factory: Callable[[], Session], settings: Settings) -> Database:
    return Database(
        factory,
        version=data_version,
        timeout=settings.db_timeout,
        statement_timeout=settings.statement_timeout_ms / 1000,
        threads=settings.threadpool_size or 4,
    )


def app_over(database: Database, settings: Settings) -> FastAPI:
    """The production app, answering from DATABASE (FastAPI's dependency override)."""
    app = create_app(settings)
    app.dependency_overrides[get_database] = lambda: database
    return app


@pytest.fixture
def app(session_factory: Callable[[], Session], database_url: str) -> FastAPI:
    # No response cache: tests change rows without a new data version.
    settings = settings_for(database_url, response_cache=False)
    return app_over(database_over(session_factory, settings), settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client
