"""The training layer (work in progress, not in the registry yet): config and rules of ``[training]``."""
