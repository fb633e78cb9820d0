# errdiag: the diagnosis service with its bundled catalogue.
# Build:  docker build -t errdiag .
# Run:    docker run -p 8000:8000 errdiag
# Own catalogue: docker run -v "$PWD/my-catalog:/catalog:ro" -e ERRDIAG_CATALOG_DIR=/catalog -p 8000:8000 errdiag
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ERRDIAG_CATALOG_DIR=/app/catalog \
    ERRDIAG_PARSE_CACHE_DIR=/app/.cache

WORKDIR /app

RUN groupadd --system --gid 10001 errdiag && useradd --system --uid 10001 --gid errdiag --home-dir /app --shell /usr/sbin/nologin errdiag

COPY requirements.lock pyproject.toml README.md ./
COPY app ./app
RUN pip install --no-cache-dir -c requirements.lock .

COPY catalog ./catalog
# Validate the bundled catalogue and keep its parsed YAML files as JSON in ERRDIAG_PARSE_CACHE_DIR: the
# service starts without parsing YAML. The runtime user only reads the cache (it cannot write /app);
# a catalogue mounted in its place is parsed at every start, unless a writable directory is mounted here.
RUN errdiag catalog check /app/catalog

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]

# Serving defaults from `make bench` (README, Performance): 2 workers for 2 cores, asyncio + httptools
# (uvloop serves some connections late under load: p99 at 64 connections of 0.2-0.8 s even for a bare
# endpoint, against 31-44 ms on asyncio; httptools gives about 50 % more requests/s than h11). The protocol class
# turns Nagle's algorithm off, which asyncio skips on the socket uvicorn binds for several workers (every
# response waited ~40 ms for the client's delayed ACK: 1,366 requests/s at 64 connections, 4,473 with it).
CMD ["uvicorn", "app.api.main:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--loop", "asyncio", "--http", "app.api.protocol:HttpToolsProtocol", "--ws", "none", "--no-access-log"]
