"""Entry point for `make synth` and the cdktn/cdktf CLIs (cdktf.json: "app": "python main.py")."""

from llm_infra.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
