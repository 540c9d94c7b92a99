"""Starts the same server as `python -m assistant serve` (chat UI, JSON API and widget on one port)."""
from assistant.settings import load_settings
from assistant.web.server import serve

if __name__ == "__main__":
    serve(load_settings())
