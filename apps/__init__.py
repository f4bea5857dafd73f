"""The uses above the library: reviewing a draft (``check``) and the local workbench (``web``).

Each module is a thin layer over ``pipeline/``, ``models/`` and ``index/``, so the CLI and the web app
call the same functions.
"""
