"""portal: the publishing pipeline of the DPRD information portal.

Stages, one module each: ``content`` (load), ``validate`` (check),
``stage`` + ``build`` (MkDocs site), driven by the thin CLI in ``cli``.
"""

__version__ = "0.1.0"
