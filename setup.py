"""The one thing pyproject.toml cannot say: the wheel carries the repository's ``modules/`` as the package data
folder ``llm_infra/modules/`` (llm_infra/paths.py finds it there). Everything else is in pyproject.toml.

Each folder of a module is listed as a (namespace) package so that setuptools copies its files; the modules'
own tests, their examples (Terraform roots for readers, as in the repository) and what local terraform runs leave
in a module folder are not shipped: the wheel carries what a synth copies into a stack.
"""

from setuptools import find_namespace_packages, setup

LEFT_OUT = [
    "*.tests",
    "*.tests.*",
    "*.examples",
    "*.examples.*",
    "*.terraform",
    "*.terraform.*",
    "*__pycache__*",
]
module_folders = ["llm_infra.modules"] + [
    f"llm_infra.modules.{name}" for name in find_namespace_packages(where="modules", exclude=LEFT_OUT)
]

setup(
    packages=[*find_namespace_packages(include=["llm_infra", "llm_infra.*"]), *module_folders],
    package_dir={"llm_infra.modules": "modules"},
    package_data={"llm_infra.locks": ["*.terraform.lock.hcl"], **{name: ["*"] for name in module_folders}},
    exclude_package_data={
        "": [".terraform.lock.hcl", "*.tfstate", "*.tfstate.*", "*.tfplan", "*.pyc"],
        # a module's README is for readers of the repository; the wheel carries what a synth copies
        **{name: ["README.md"] for name in module_folders},
    },
)
