"""Every periodic job, one module per domain; importing this package registers them all."""

from placement.jobs import credentials, interviews, mail, offers, positions, sourcing  # noqa: F401
