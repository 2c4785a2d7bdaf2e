"""The inference layer (issue 10): SageMaker endpoints on Inferentia2 (``modules/inference-fleet``).

Only the config model and its rules exist so far (``config.py``); the layer is not in LAYERS yet.
"""
