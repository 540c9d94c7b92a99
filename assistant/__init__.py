"""glossary-assistant: grounded answers about the terms of a curated glossary (machine learning by default)."""
__version__ = "0.1.0"
