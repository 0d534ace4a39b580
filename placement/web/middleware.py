"""Pure ASGI middleware: request ids and headers, the body cap, the session cookie, CSRF."""

from __future__ import annotations

import html
import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from placement import i18n
from placement.i18n import gettext
from placement.security import SESSION_COOKIE, SESSION_MAX_AGE, SessionSigner, tokens_equal

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SecurityHeadersMiddleware:
    """Gives every request an id and every response the security headers."""

    def __init__(self, app: ASGIApp, *, production: bool) -> None:
        self.app = app
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers["X-Request-ID"] = request_id
                if self.production:
                    headers.setdefault(
                        "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
                    )
            await send(message)

        await self.app(scope, receive, send_with_headers)


def host_of(header: str) -> str:
    """The host of a `Host` header, lower-cased, without its port (`[::1]:8000` → `::1`)."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else ""
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """`*` allows any host; `.example.org` allows example.org and its subdomains."""
    for pattern in allowed:
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith(".") and (host == pattern[1:] or host.endswith(pattern)):
            return True
    return False


class AllowedHostsMiddleware:
    """A request whose `Host` is not one of ALLOWED_HOSTS answers 400 before anything runs
    (nothing may ever build a link from a forged `Host`)."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = tuple(host.strip().lower() for host in allowed_hosts if host.strip())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        host = host_of(_header(scope, b"host") or "")
        if scope["type"] in ("http", "websocket") and not host_allowed(host, self.allowed):
            await _plain_error(send, 400, gettext("This site does not answer for that host name."))
            return
        await self.app(scope, receive, send)


def bearer_token(scope: Scope) -> str | None:
    authorization = _header(scope, b"authorization") or ""
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    return None


class BearerMiddleware:
    """An API token opens `GET /api/v1/…` and nothing else: any other path or method with a
    bearer answers 401, and no bearer request is ever handed a session cookie or CSRF token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or bearer_token(scope) is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] != "GET" or not scope["path"].startswith("/api/v1/"):
            body = b'{"error": "An API token opens GET /api/v1/ only."}'
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"cache-control", b"no-store"),
                        (b"www-authenticate", b"Bearer"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        scope.setdefault("state", {})["bearer"] = True
        await self.app(scope, receive, send)


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuses request bodies over the cap with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _plain_error(send, 413, gettext("The request is too large."))
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _plain_error(send, 413, gettext("The request is too large."))


class SessionMiddleware:
    """A signed cookie holding the user id, the session version and the CSRF token.

    The server decides whether the version is still current (see guards), so a copied cookie
    dies with sign-out, a password change or deactivation.
    """

    def __init__(self, app: ASGIApp, *, secret_key: str, production: bool) -> None:
        self.app = app
        self.signer = SessionSigner(secret_key)
        self.production = production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = Session()
        bearer = bearer_token(scope) is not None
        cookie = None if bearer else _cookie(scope, SESSION_COOKIE)
        if cookie:
            loaded = self.signer.loads(cookie)
            if loaded is not None:
                session.update(loaded)
                session.modified = False
        scope["session"] = session
        secure = self.production or scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.modified and not bearer:
                headers = MutableHeaders(scope=message)
                value = self.signer.dumps(dict(session))
                flags = f"Path=/; Max-Age={SESSION_MAX_AGE}; HttpOnly; SameSite=Lax"
                if secure:
                    flags += "; Secure"
                headers.append("Set-Cookie", f"{SESSION_COOKIE}={value}; {flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class Session(dict[str, Any]):
    """A dict that remembers whether it changed, so unchanged cookies are not re-sent."""

    modified: bool = False

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.modified = True

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self.modified = True

    def clear(self) -> None:
        super().clear()
        self.modified = True

    def pop(self, key: str, default: Any = None) -> Any:
        self.modified = True
        return super().pop(key, default)


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, made on first use (pages without forms never set a cookie)."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


class CSRFMiddleware:
    """Reads the form of every unsafe request once, and refuses it without the session's token.

    The parsed form is handed on as `request.state.form`, so endpoints can stay synchronous.
    """

    def __init__(self, app: ASGIApp, *, max_files: int = 2, max_fields: int = 400) -> None:
        self.app = app
        self.max_files = max_files
        self.max_fields = max_fields

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if _cross_site(scope):
            await _plain_error(send, 403, gettext("Cross-site form submissions are refused."))
            return
        request = Request(scope, receive)
        try:
            form = await request.form(max_files=self.max_files, max_fields=self.max_fields)
        except MultiPartException as error:
            await _plain_error(
                send, 400, gettext("The form could not be read: %(problem)s", problem=error.message)
            )
            return
        except BodyTooLarge:
            raise
        except Exception:  # a malformed body of any kind is the sender's error
            await _plain_error(send, 400, gettext("The form could not be read."))
            return
        try:
            session = scope.get("session", {})
            sent = form.get("csrf_token")
            if not isinstance(sent, str) or not tokens_equal(sent, session.get("csrf")):
                await _plain_error(
                    send,
                    403,
                    gettext(
                        "This form has expired or did not come from this site. "
                        "Go back, reload the page and try again."
                    ),
                )
                return
            scope.setdefault("state", {})["form"] = form

            async def empty_receive() -> Message:
                return {"type": "http.request", "body": b"", "more_body": False}

            await self.app(scope, empty_receive, send)
        finally:
            await form.close()


def _cross_site(scope: Scope) -> bool:
    fetch_site = _header(scope, b"sec-fetch-site")
    if fetch_site == "cross-site":
        return True
    origin = _header(scope, b"origin")
    if origin and origin != "null":
        host = _header(scope, b"host") or ""
        return urlsplit(origin).netloc.lower() != host.lower()
    return origin == "null"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


async def _plain_error(send: Send, status: int, message: str) -> None:
    """A small self-contained error page for refusals made before routing (in the visitor's
    language: the language middleware runs outside these)."""
    body = (
        f"<!doctype html><html lang={i18n.current()}><meta charset=utf-8>"
        f"<title>{html.escape(gettext('Error'))}</title>"
        f"<link rel=stylesheet href=/static/app.css><main class=container><h1>{status}</h1>"
        f"<p>{html.escape(message)}</p><p><a href=/>"
        f"{html.escape(gettext('Back to the start page'))}</a></p></main></html>"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
