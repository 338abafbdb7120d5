"""Turning a finished run into files, plots and a printed table."""
