"""The SDK's async code, written by hand: the source of ``replicate_ext/_sync``.

Everything here is turned into its sync twin by ``tools/generate_sync.py`` (``make generate``):
write async code once, keep decisions in the shared pure modules one level up.
"""
