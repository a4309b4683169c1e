"""lpcli: a command-line toolkit for the lead professional model in children's services.

The package is a library (no click anywhere except ``cli.py``): ``casebook`` finds and reads a
casebook, ``schema`` and ``rules`` check records, ``validate`` runs the checks, ``records``
is the one safe write path, ``gitstore`` talks to git.
"""

__version__ = "0.1.0"
