"""Typed environment configuration."""

from llm_infra.config.environment import Environment
from llm_infra.config.loader import ConfigError, environment_files, load_environments

__all__ = ["ConfigError", "Environment", "environment_files", "load_environments"]
