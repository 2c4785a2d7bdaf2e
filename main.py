"""Entry point for `make synth` and the cdktn/cdktf CLIs (cdktf.json: "app": ".venv/bin/python main.py").

`python main.py --help` lists the options; llm_infra/cli.py implements them.
"""

from llm_infra.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
