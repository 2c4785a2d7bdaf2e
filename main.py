"""Entry point for `make synth` and the cdktn/cdktf CLIs (cdktf.json: "app": ".venv/bin/python main.py").

`python main.py --help` lists the options; llm_infra/cli.py implements them.
"""

import contextlib
import os
import sys

from llm_infra.cli import main

if __name__ == "__main__":
    code = main()
    # Leave without the interpreter's teardown: freeing the CDK's generated bindings (thousands of classes) takes
    # a tenth of a second or more and does nothing for us. main() has stopped the CDK's node process, closed
    # its files and removed its temporary folder; only the standard streams may still hold output.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError):  # a reader that stopped early (`| head`) is not an error
            stream.flush()
    os._exit(code)
