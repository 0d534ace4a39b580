"""How amounts read on pages, in mails and in match reasons."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from babel.numbers import format_currency, format_decimal

from placement import i18n


def money(amount: float) -> str:
    """Dollars with cents only when there are some: "$28", "$28.50", "$1,200" (in the
    reader's locale: Spanish as written in the US keeps the same signs)."""
    if i18n.current() == i18n.DEFAULT_LANGUAGE:
        return f"${amount:,.2f}".replace(".00", "")
    whole = float(amount).is_integer()
    return format_currency(
        amount,
        "USD",
        format="¤#,##0" if whole else None,
        locale=i18n.babel_locale(),
        currency_digits=not whole,
    )


def number(value: float) -> str:
    """A count or amount with the reader's digit grouping ("1,200")."""
    return format_decimal(value, locale=i18n.babel_locale())


def csv_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document (RFC 4180 line ends) whose cells a spreadsheet never runs: a text cell
    starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP
    "CSV injection"); numbers stay numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
