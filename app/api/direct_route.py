"""``DirectRoute``: a route whose endpoint takes the request alone, called with it directly."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.requests import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

__all__ = ["DirectRoute"]


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
