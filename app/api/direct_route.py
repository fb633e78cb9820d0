"""``DirectRoute``: a route whose endpoint takes the request alone, called with it directly.

``DirectRoutes``, the innermost middleware, serves such routes without the router: what wraps
the app (request id, log and metrics, API key, CORS, catalogue version, body limit, errors) is
the same, and what the router would add on the way to this endpoint is not needed by it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI
from fastapi.requests import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["DirectRoute", "DirectRoutes"]


class DirectRoute(APIRoute):
    """For an ``async def endpoint(request: Request) -> Response`` on the hot path.

    FastAPI's handler solves an endpoint's parameters and dependencies before calling it, which
    costs even when there are none (about a tenth of ``POST /v1/diagnose`` without the matching).
    This route calls the endpoint with the request at once; the endpoint reads what it needs from
    the request, and the OpenAPI document says what the decorator's arguments say. An endpoint that
    declares anything to solve is refused when the route is built, not silently left without it.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        dependant = self.dependant
        declared = [*dependant.path_params, *dependant.query_params, *dependant.header_params,
                    *dependant.cookie_params, *dependant.body_params, *dependant.dependencies]
        if declared or dependant.request_param_name is None:
            raise TypeError(f"{self.path}: a DirectRoute endpoint takes only the request, not {[p.name for p in declared]}")
        return self.endpoint


class DirectRoutes:
    """Serves the requests the router would send to a ``DirectRoute`` of a fixed path, without the router.

    On the way to an endpoint, FastAPI searches the route table, opens exit stacks (for uploaded
    files and dependencies with ``yield``: a ``DirectRoute`` has neither) and handles errors twice.
    Here the request goes to the endpoint at once, its errors to the app's handlers (as the app's
    ``ExceptionMiddleware`` would send them). Requests under a ``root_path``, and requests that
    FastAPI's telemetry follows (it names its spans after the route the router picks), take the
    usual way. The table is built on the first request, as the middleware stack is.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._routes: dict[tuple[str, str], DirectRoute] | None = None
        self._errors: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._routes is None:
            self._build(scope["app"])
        route = self._routes.get((scope.get("method"), scope.get("path"))) if scope["type"] == "http" else None  # type: ignore[union-attr]
        if route is None or scope.get("root_path") or scope.get("fastapi.telemetry") is not None:
            await self.app(scope, receive, send)
            return
        scope.setdefault("router", scope["app"].router)
        # What the router adds from route.matches(scope), a full match of a fixed path at the top level.
        scope.update(endpoint=route.endpoint, path_params=dict(scope.get("path_params", {})), route=route)
        await self._errors(scope, receive, send)  # type: ignore[misc]

    def _build(self, app: FastAPI) -> None:
        handlers = {key: handler for key, handler in app.exception_handlers.items() if key not in (500, Exception)}
        self._errors = ExceptionMiddleware(_serve, handlers=handlers, debug=app.debug)  # as FastAPI builds its own
        self._routes = direct_routes(app.router.routes)


def direct_routes(routes: list[BaseRoute]) -> dict[tuple[str, str], DirectRoute]:
    """(method, path) -> the DirectRoute the router picks for it, for each DirectRoute of a fixed path."""
    table: dict[tuple[str, str], DirectRoute] = {}
    for position, route in enumerate(routes):
        if not isinstance(route, DirectRoute) or route.param_convertors or route.max_body_size is not None:
            continue
        for method in route.methods:
            probe = {"type": "http", "method": method, "path": route.path, "root_path": "", "headers": []}
            if not any(earlier.matches(probe)[0] is Match.FULL for earlier in routes[:position]):
                table[(method, route.path)] = route
    return table


async def _serve(scope: Scope, receive: Receive, send: Send) -> None:
    response = await scope["endpoint"](Request(scope, receive, send))
    await response(scope, receive, send)
