# Harbor Portal, production image. docker-compose.yml runs it as `app` (migrates, then serves) and as
# `worker` (`portal worker`). Configuration comes from PORTAL_* variables; see README.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's native libraries (HarfBuzz subsetting keeps PDF rendering fast), the fonts PDFs use, and pg_dump
# and psql for `portal backup` / `portal restore` (15, the major version of the compose database).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml alone, so a change to the code does not reinstall them.
COPY pyproject.toml /tmp/src/pyproject.toml
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("/tmp/src/pyproject.toml", "rb"))["project"]["dependencies"]))' \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The portal itself, installed (not editable) into site-packages; the source is not kept in the image.
COPY README.md /tmp/src/README.md
COPY portal /tmp/src/portal
RUN pip install --no-deps /tmp/src && rm -rf /tmp/src

# A non-root user owns only /app/var (files, outbox), where docker-compose.yml mounts a volume.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /app/var \
    && chown portal:portal /app/var
WORKDIR /app
USER portal

ENV PORTAL_ENV=production \
    PORTAL_VAR_DIR=/app/var

EXPOSE 8000

# Migrate on every start (a no-op when up to date), then serve. `exec` makes the server PID 1, so it
# receives SIGTERM from `docker compose stop` and shuts down cleanly. Behind a reverse proxy:
# FORWARDED_ALLOW_IPS says whose X-Forwarded-For/Proto headers to trust.
CMD ["sh", "-c", "portal migrate && exec portal serve --host 0.0.0.0 --port 8000 --proxy-headers"]
