"""Operations tools (boto3 / terraform): state bootstrap, preflight, smoke and drift.

The ``scripts/`` entry points only parse arguments and call into this package. No module here imports the
CDK engine: the tools start fast and need neither node nor the provider bindings.
"""
