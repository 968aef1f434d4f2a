"""What each resource sends, decided without I/O: request builders, argument checks, parsers.

The resource classes (``client.predictions``, ``client.models``, ...) that send these requests
are written once in ``replicate_ext/_async/resources`` and generated for the sync client into
``replicate_ext/_sync/resources``. The client imports them on first use, so
``import replicate_ext`` stays light.
"""
