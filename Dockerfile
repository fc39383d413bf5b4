# syntax=docker/dockerfile:1
# Multi-stage: uv builds the venv from the lock; the runtime image is slim and runs as non-root.
FROM python:3.11-slim AS build
RUN pip install --no-cache-dir uv==0.13.8
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /srv
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY app ./app
COPY migrations ./migrations
COPY seed_data ./seed_data
COPY alembic.ini ./
# Editable install: the app finds alembic.ini, migrations/ and seed_data/ beside it in /srv.
RUN uv sync --frozen --no-dev

FROM python:3.11-slim
RUN useradd --system --uid 10001 --no-create-home api && mkdir /data && chown api /data
WORKDIR /srv
COPY --from=build --chown=api /srv /srv
ENV PATH="/srv/.venv/bin:$PATH" PYTHONUNBUFFERED=1 SIDEFX_DATABASE_URL=sqlite:////data/sidefx.db
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["sh", "-c", "sidefx db upgrade && sidefx seed && exec sidefx serve --host 0.0.0.0 --port 8000 --workers ${SIDEFX_WORKERS:-2}"]
