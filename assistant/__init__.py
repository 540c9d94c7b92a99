"""glossary-assistant: grounded answers about machine-learning terms from a curated glossary."""
__version__ = "0.1.0"
