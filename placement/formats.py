"""How amounts read on pages, in mails and in match reasons."""

from __future__ import annotations


def money(amount: float) -> str:
    """Dollars with cents only when there are some: "$28", "$28.50", "$1,200"."""
    return f"${amount:,.2f}".replace(".00", "")
