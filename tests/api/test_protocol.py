"""The served HTTP protocol turns Nagle's algorithm off, which asyncio skips on the sockets uvicorn binds for several workers."""

from __future__ import annotations

import asyncio
import socket

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as UvicornHttpToolsProtocol
from uvicorn.server import ServerState

from app.api.protocol import PROTOCOL_PATH, H11Protocol, HttpToolsProtocol, http_protocol


async def _no_delay_after_connection(protocol_class: type) -> int:
    """TCP_NODELAY of a served connection accepted from a listener bound as uvicorn binds one for several workers."""
    config = uvicorn.Config(app="app.api.main:app", http=protocol_class, log_config=None)
    config.load()
    listener = socket.socket(family=socket.AF_INET)  # protocol number 0, as uvicorn's bind_socket()
    with listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        client = socket.create_connection(listener.getsockname())
        conn, _ = listener.accept()
        with client, conn:
            loop = asyncio.get_running_loop()
            protocol = protocol_class(config=config, server_state=ServerState(), app_state={})
            transport, _ = await loop.connect_accepted_socket(lambda: protocol, conn)
            try:
                return transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            finally:
                transport.close()
                await asyncio.sleep(0)  # let the transport close


@pytest.mark.parametrize("protocol_class", [HttpToolsProtocol, H11Protocol])
def test_connections_of_the_served_protocols_send_at_once(protocol_class: type) -> None:
    assert asyncio.run(_no_delay_after_connection(protocol_class)) != 0


def test_without_it_asyncio_leaves_nagle_on_such_sockets() -> None:
    # The reason for the protocol: if asyncio ever sets the option itself, this fails and the protocol can go.
    assert asyncio.run(_no_delay_after_connection(UvicornHttpToolsProtocol)) == 0


def test_httptools_means_the_served_protocol() -> None:
    assert http_protocol("httptools") == PROTOCOL_PATH
    assert http_protocol("h11") == "app.api.protocol:H11Protocol"
    assert http_protocol("auto") == "auto"
    module, _, name = PROTOCOL_PATH.partition(":")
    assert getattr(__import__(module, fromlist=[name]), name) is HttpToolsProtocol
