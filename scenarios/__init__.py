"""The scenario library: this folder is the package ``cxsim.scenarios`` of an installed cxsim.

The YAML files beside this one are the library (``cxsim scenarios`` lists them); this file only
lets ``importlib.resources`` find them, in a wheel and in an editable install (``setup.py``).
"""
