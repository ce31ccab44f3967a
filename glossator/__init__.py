"""Glossator: a static site generator for annotated primary sources."""

__version__ = "0.1.0"
