"""llm-infra: Terraform modules and a typed CDK Terrain wrapper for LLM training and inference on AWS."""

# The one version source: pyproject.toml reads it ([tool.setuptools.dynamic]), `main.py --version` prints it and
# `make docs` writes it into every module README. Semantic versioning; CHANGELOG.md says how a release is cut.
__version__ = "0.1.0"
