FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/srv \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system app && useradd --system --gid app --home-dir /srv --no-create-home app

WORKDIR /srv

COPY pyproject.toml README.md ./
COPY app/ app/
RUN pip install --no-cache-dir . && rm -rf build *.egg-info

COPY alembic.ini ./
COPY migrations/ migrations/
COPY scripts/ scripts/
COPY seeds/ seeds/

USER app

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"]

CMD ["sh", "-c", "exec uvicorn app.main:app --host 0.0.0.0 --port 8000 --workers \"${WEB_CONCURRENCY:-2}\""]
