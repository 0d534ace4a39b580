"""National Provider Identifier check digit: Luhn over the number with the 80840 prefix."""

from __future__ import annotations


def npi_is_valid(npi: str) -> bool:
    if len(npi) != 10 or not npi.isdigit() or npi[0] not in "12":
        return False
    digits = [int(d) for d in "80840" + npi]
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def npi_with_check_digit(first_nine: str) -> str:
    """Complete nine digits into a valid NPI (demo data and tests)."""
    for check in "0123456789":
        if npi_is_valid(first_nine + check):
            return first_nine + check
    raise ValueError(first_nine)
