"""Reading and validating posted forms: one helper per kind of field, one message per field.

A `Form` keeps what the user typed (`values`) next to the messages (`errors`) so the same
template can be rendered again with nothing lost.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from placement import formats
from placement.i18n import gettext

EMAIL_PATTERN = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$"
)
ZIP_PATTERN = re.compile(r"^\d{5}$")
MAX_INT = 2_000_000_000


class Form:
    def __init__(self, data: FormData | Mapping[str, Any] | None = None) -> None:
        self.data = data if data is not None else FormData()
        self.values: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    @classmethod
    def of(cls, request: Request) -> Form:
        return cls(getattr(request.state, "form", None))

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def raw(self, name: str) -> str:
        value = self.data.get(name)
        if value is None or isinstance(value, UploadFile):
            return ""
        return str(value)

    def raw_list(self, name: str) -> list[str]:
        getlist = getattr(self.data, "getlist", None)
        items = getlist(name) if getlist else ([self.data[name]] if name in self.data else [])
        return [str(item) for item in items if not isinstance(item, UploadFile)]

    def text(
        self,
        name: str,
        *,
        required: bool = True,
        max_length: int = 200,
        multiline: bool = False,
    ) -> str:
        value = self.raw(name)
        value = value.replace("\r\n", "\n") if multiline else value.strip()
        self.values[name] = value
        if "\x00" in value:
            self.error(name, gettext("Remove the invisible NUL character."))
        elif not multiline and any(c in value for c in "\n\r"):
            self.error(name, gettext("Keep this on one line."))
        elif len(value) > max_length:
            self.error(
                name,
                gettext(
                    "Use at most %(max)s characters (this has %(count)s).",
                    max=max_length,
                    count=len(value),
                ),
            )
        elif required and not value.strip():
            self.error(name, gettext("This field is required."))
        return value.strip() if multiline else value

    def secret(self, name: str) -> str:
        """A password: kept as typed, never echoed back into the form."""
        value = self.raw(name)
        if "\x00" in value:
            self.error(name, gettext("Remove the invisible NUL character."))
        elif not value:
            self.error(name, gettext("This field is required."))
        return value

    def email(self, name: str = "email", *, required: bool = True) -> str:
        value = self.text(name, required=required, max_length=254).lower()
        self.values[name] = value
        if value and name not in self.errors and not EMAIL_PATTERN.match(value):
            self.error(name, gettext("Enter an e-mail address like name@example.com."))
        return value

    def date(self, name: str, *, required: bool = True) -> date | None:
        value = self.text(name, required=required, max_length=10)
        if not value or name in self.errors:
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            parsed = date.fromisoformat(value)
        except ValueError:
            self.error(name, gettext("Enter a date as YYYY-MM-DD, for example 2027-03-01."))
            return None
        if not 1900 <= parsed.year <= 2100:
            self.error(name, gettext("Enter a year between 1900 and 2100."))
            return None
        return parsed

    def integer(
        self,
        name: str,
        *,
        required: bool = True,
        minimum: int = 0,
        maximum: int = MAX_INT,
        default: int | None = None,
    ) -> int | None:
        value = self.text(name, required=required and default is None, max_length=12)
        if not value or name in self.errors:
            return default
        try:
            number = int(value)
        except ValueError:
            self.error(name, gettext("Enter a whole number."))
            return default
        if not minimum <= number <= maximum:
            self.error(
                name,
                gettext(
                    "Enter a number from %(min)s to %(max)s.",
                    min=formats.number(minimum),
                    max=formats.number(maximum),
                ),
            )
            return default
        return number

    def number(
        self,
        name: str,
        *,
        required: bool = True,
        minimum: float = 0,
        maximum: float = 1_000_000,
    ) -> float | None:
        value = self.text(name, required=required, max_length=16).lstrip("$")
        if not value or name in self.errors:
            return None
        try:
            number = float(value)
        except ValueError:
            self.error(name, gettext("Enter a number, for example 32.50."))
            return None
        if not math.isfinite(number) or not minimum <= number <= maximum:
            self.error(
                name,
                gettext(
                    "Enter a number from %(min)s to %(max)s.",
                    min=format(minimum, "g"),
                    max=format(maximum, "g"),
                ),
            )
            return None
        return round(number, 2)

    def choice(self, name: str, options: Iterable[str], *, required: bool = True) -> str | None:
        value = self.text(name, required=required, max_length=60)
        if not value or name in self.errors:
            return None
        if value not in set(options):
            self.error(name, gettext("Choose one of the options offered."))
            return None
        return value

    def choices(self, name: str, options: Iterable[str], *, maximum: int = 100) -> list[str]:
        values = self.raw_list(name)
        self.values[name] = values
        allowed = set(options)
        unknown = [value for value in values if value not in allowed]
        if unknown:
            self.error(name, gettext("Unknown choice: %(choice)s.", choice=repr(unknown[0][:40])))
        elif len(values) > maximum:
            self.error(name, gettext("Choose at most %(max)s.", max=maximum))
        return sorted({value for value in values if value in allowed})

    def zip_code(self, name: str = "zip", *, required: bool = True) -> str | None:
        from placement import geo

        value = self.text(name, required=required, max_length=10)
        if not value or name in self.errors:
            return None
        if not ZIP_PATTERN.match(value):
            self.error(name, gettext("Enter a 5-digit US ZIP code."))
            return None
        if not geo.is_known(value):
            self.error(name, gettext("%(zip)s is not a US ZIP code we know.", zip=value))
            return None
        return value

    def url(self, name: str, *, required: bool = False) -> str:
        value = self.text(name, required=required, max_length=300)
        if (
            value
            and name not in self.errors
            and not re.match(
                r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", value
            )
        ):
            self.error(name, gettext("Enter a web address starting with http:// or https://."))
        return value

    def upload(self, name: str) -> UploadFile | None:
        value = self.data.get(name)
        return value if isinstance(value, UploadFile) else None
