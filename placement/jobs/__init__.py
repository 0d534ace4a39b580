"""Every periodic job, one module per domain; importing this package registers them all."""

from placement.jobs import positions  # noqa: F401
