"""The experiment library: this folder is the package ``cxsim.experiments`` of an installed cxsim.

The YAML files beside this one are the designed experiments; this file only lets
``importlib.resources`` find them, in a wheel and in an editable install (``setup.py``).
"""
