"""Starts the same server as `python -m assistant serve` (chat UI, JSON API and widget on one port)."""
from assistant.process import configure_process

configure_process()

from assistant.settings import load_settings  # noqa: E402
from assistant.web.server import serve  # noqa: E402

if __name__ == "__main__":
    serve(load_settings())
