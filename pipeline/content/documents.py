"""Public information documents (``content/informasi/``) and legal products (``content/jdih/``) (issue 17).

``load_documents`` reads every document folder in scope into the model,
reporting only what prevents reading; the rules (PDF checks included) are in
``pipeline/check/documents.py``, the pages, the DIP and ``document.json`` in
``pipeline/site/documents.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.content.model import Problem


@dataclass
class Documents:
    """Every public document and legal product found."""


def load_documents(config: Config, covers: Callable[[Path], bool], problems: list[Problem]) -> Documents:
    """The documents under ``content/informasi/`` and ``content/jdih/`` that ``covers`` accepts."""
    return Documents()
