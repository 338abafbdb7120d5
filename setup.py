"""Packaging beyond pyproject.toml: the scenario library ships inside the cxsim package.

In a checkout the library is the top-level ``scenarios/`` and ``experiments/`` folders, which
users read and edit. Installed, they are the packages ``cxsim.scenarios`` and
``cxsim.experiments`` (sub-folders such as ``validation/`` become sub-packages) with every
``*.yaml`` file as package data, read through ``importlib.resources`` (``cxsim/library.py``).
A wheel holds copies; an editable install (``pip install -e .``) reads the checkout's folders.
pyproject.toml cannot combine found packages with mapped ones, hence this file; everything
else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

LIBRARY = {"cxsim.scenarios": "scenarios", "cxsim.experiments": "experiments"}
NOT_PACKAGES = ["__pycache__", "*.__pycache__"]


def library_packages() -> list[str]:
    """Each library package and its sub-folders (``cxsim.scenarios.validation``)."""
    return [
        name
        for package, folder in LIBRARY.items()
        for name in [
            package,
            *(f"{package}.{sub}" for sub in find_namespace_packages(folder, exclude=NOT_PACKAGES)),
        ]
    ]


LIBRARY_PACKAGES = library_packages()

setup(
    packages=[
        *find_namespace_packages(include=["cxsim", "cxsim.*"], exclude=NOT_PACKAGES),
        *LIBRARY_PACKAGES,
    ],
    package_dir=LIBRARY,
    package_data={package: ["*.yaml", "*.yml"] for package in LIBRARY_PACKAGES},
)
