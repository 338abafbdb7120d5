"""``python -m cxsim`` runs the command line."""

from cxsim.cli import app

app()
