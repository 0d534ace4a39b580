"""The web layer: one module per side, each exporting `routes`."""

# Registers the `{name:id}` path convertor before any side's routes are compiled.
from placement.web import http as http
