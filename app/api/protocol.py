"""The HTTP protocol errdiag is served with: uvicorn's httptools protocol, with Nagle's algorithm off.

With several workers, uvicorn binds the listening socket itself (``socket.socket(family)``, protocol
number 0), and asyncio only turns Nagle's algorithm off on sockets whose protocol number is TCP's. Every
response then waited for the client's delayed acknowledgement: about 40 ms per request (measured with 2
workers on asyncio: 23 requests/s at one connection, against 2,700 with one worker). uvloop sets the
option itself; this protocol sets it on every connection, whatever loop and however many workers.

Served with ``uvicorn --http app.api.protocol:HttpToolsProtocol`` (``errdiag serve`` does so; ``H11Protocol``
for the h11 parser).
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol as _H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _HttpToolsProtocol

__all__ = ["HttpToolsProtocol", "H11Protocol", "PROTOCOL_PATH", "http_protocol", "no_delay"]

PROTOCOL_PATH = "app.api.protocol:HttpToolsProtocol"
_PATHS = {"httptools": PROTOCOL_PATH, "h11": "app.api.protocol:H11Protocol"}


def http_protocol(name: str) -> str:
    """What to give uvicorn's ``http`` for a parser name: this module's protocol for ``httptools`` and ``h11``."""
    return _PATHS.get(name, name)


def no_delay(transport: asyncio.BaseTransport) -> None:
    """Send small writes at once on the TCP connection behind ``transport`` (nothing for other sockets)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass  # the peer is already gone: the protocol will see the connection close


class HttpToolsProtocol(_HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        no_delay(transport)
        super().connection_made(transport)


class H11Protocol(_H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        no_delay(transport)
        super().connection_made(transport)
