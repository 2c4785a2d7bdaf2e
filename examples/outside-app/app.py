"""A team's own app on the installed llm-infra wheel: its environment file, the package's network layer.

Run it from its own folder: `python app.py` writes cdktf.out/stacks/search-network/ (the stack, the modules it
calls, the provider lock); `terraform init` and `terraform validate` work there.
"""

import sys
from pathlib import Path

from llm_infra import api

HERE = Path(__file__).resolve().parent

try:
    environment = api.load_environment_file(HERE / "search.toml")
except api.ConfigError as error:
    sys.exit("\n".join(error.problems))
result = api.synth([environment], HERE / "cdktf.out", layers=["network"])
print(result.summary)
