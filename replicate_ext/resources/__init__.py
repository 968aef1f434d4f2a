"""Resource classes (``client.predictions``, ``client.models``, ...), sync and async twins.

Imported lazily by the client on first use, so ``import replicate_ext`` stays light.
"""
