"""Fire many requests at once (threads released by one barrier), for races on either database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx


def burst(
    clients: list[Any], send: Callable[[Any, int], httpx.Response], *, timeout: float = 120
) -> list[httpx.Response]:
    """Call `send(client, i)` for every client at the same moment; the responses in order.

    Prepare anything that needs its own request (CSRF tokens) before: `send` should make
    exactly one request."""
    barrier = threading.Barrier(len(clients))
    responses: list[httpx.Response | None] = [None] * len(clients)
    errors: list[BaseException] = []

    def run(index: int, client: Any) -> None:
        try:
            barrier.wait(timeout=timeout)
            responses[index] = send(client, index)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=(index, client)) for index, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not errors, errors
    assert all(response is not None for response in responses)
    return [response for response in responses if response is not None]


def tokens_for(clients: list[Any]) -> list[str]:
    """One CSRF token per client (each its own session), fetched before the burst."""
    return [client.csrf_token() for client in clients]
