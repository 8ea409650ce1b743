# The policykg explorer (Streamlit) and CLI. Used by docker-compose.yml next to Neo4j; on its own:
#   docker build -t policykg-explorer .
#   docker run -p 8501:8501 -e NEO4J_URI=bolt://host:7687 -e NEO4J_PASSWORD=... policykg-explorer
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# .dockerignore keeps the virtualenv, stores, test output and Maven builds out of the context
COPY . .
RUN pip install ".[fast]" \
 && useradd --create-home --uid 10001 policykg \
 && chown -R policykg /app
USER policykg

EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=5 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)" || exit 1
CMD ["policykg", "app", "--address", "0.0.0.0", "--port", "8501"]
