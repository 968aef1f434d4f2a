"""The resource classes: a method builds its request (``replicate_ext.resources``), sends it
through the base client and parses the declared type."""
