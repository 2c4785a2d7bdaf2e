"""Facts read from the pinned botocore's service models, cached per botocore installation.

The single source of a rule's allowed values (HyperPod's instance types, name patterns, count limits) is the service
model of the botocore that ``boto3`` pins, read with ``botocore.session.get_session().get_service_model(...)``.
Reading it costs ~0.4 s a process (importing ``botocore.session`` and parsing a model of several MiB), which
``make synth`` would pay on every run for a handful of values. So what a caller extracts is cached as JSON in the
user's cache folder (``$LLM_INFRA_CACHE_DIR``, else ``$XDG_CACHE_HOME/llm-infra``, else ``~/.cache/llm-infra``),
keyed by the service, the caller's extraction (``name`` and ``revision``), botocore's version and the model file's
path, size and modification time: a new botocore, an edited model or a changed extraction reads botocore again. A
cache that is missing, unreadable or not what this key wrote is rebuilt; one that cannot be written is not an error
(the values come from botocore then, every time).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import ServiceModel

Extract = Callable[["ServiceModel"], dict[str, Any]]


def cache_dir() -> Path:
    explicit = os.environ.get("LLM_INFRA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "llm-infra"


def model_file(service: str) -> Path | None:
    """The newest API version's model file of ``service`` in the installed botocore (what its loader reads)."""
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations))) / "data" / service
    versions = sorted(path for path in root.glob("*") if path.is_dir()) if root.is_dir() else []
    for version in reversed(versions):
        for candidate in (version / "service-2.json.gz", version / "service-2.json"):
            if candidate.is_file():
                return candidate
    return None


def cache_key(service: str, name: str, revision: str) -> str | None:
    """What identifies one extraction from one installed model; None when botocore cannot be located."""
    path = model_file(service)
    if path is None:
        return None
    try:
        version = metadata.version("botocore")
        stat = path.stat()
    except (metadata.PackageNotFoundError, OSError):
        return None
    return json.dumps([service, name, revision, version, str(path), stat.st_size, stat.st_mtime_ns])


def _from_botocore(service: str, extract: Extract) -> dict[str, Any]:
    import botocore.session  # noqa: PLC0415 - the slow path, taken when the cache cannot answer

    return extract(botocore.session.get_session().get_service_model(service))


def service_facts(service: str, extract: Extract, *, name: str, revision: str) -> dict[str, Any]:
    """``extract(service model)``, from the cache when it holds this key, else from botocore (then cached).

    ``extract`` must return JSON-compatible data (tuples come back as lists); bump ``revision`` when it changes.
    """
    key = cache_key(service, name, revision)
    if key is None:
        return _from_botocore(service, extract)
    target = cache_dir() / f"{service}-{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
    with contextlib.suppress(OSError, ValueError):
        cached = json.loads(target.read_text(encoding="utf-8"))
        if isinstance(cached, dict) and cached.get("key") == key and isinstance(cached.get("facts"), dict):
            facts: dict[str, Any] = cached["facts"]
            return facts
    extracted = _from_botocore(service, extract)
    payload = json.dumps({"key": key, "facts": extracted}, sort_keys=True)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(payload)
            os.replace(temporary, target)  # atomic: a concurrent reader sees the old file or the new one
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    fresh: dict[str, Any] = json.loads(payload)["facts"]  # the same shape on the first run as from the cache
    return fresh
