"""The ``/v1`` and ``/_admin`` routes, one module per resource; ``local/app.py`` lists them."""
