"""One error shape for every 4xx: ``{"error": {"code": "...", "message": "..."}}``.

``ApiError`` is raised by routes and dependencies; the handlers below also turn
framework errors (validation, 404, 405) and anything unexpected into that shape,
so no response ever carries a stack trace or a server path.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from app.api.paths import allowed_methods

__all__ = ["ApiError", "ErrorBody", "ErrorResponse", "install_error_handlers", "error_response"]

log = logging.getLogger("errdiag.api")
CLIENT_CLOSED_REQUEST = 499  # nginx's status for a request its client abandoned; never sent, only logged and counted


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. `body_too_large`.", examples=["invalid_json"])
    message: str = Field(description="What was wrong and how to fix it.", examples=["The body is not valid JSON: Expecting value at line 1 column 1. Send a JSON object such as {\"message\": \"...\"}."])


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """An error answered to the client with ``status`` and the standard shape."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


_STATUS_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "body_too_large",
    415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_requests",
}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(code=code, message=message))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _describe(errors: list[dict]) -> str:
    parts = []
    for err in errors[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header"))
        parts.append(f"{loc or 'body'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        request.state.error_code = exc.code  # for the access log
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        request.state.error_code = "invalid_request"
        return error_response(422, "invalid_request", f"Invalid request: {_describe(list(exc.errors()))}.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = request.state.error_code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        if exc.status_code == 404 and message == "Not Found":
            message = "No such endpoint. See /docs or /openapi.json for the API."
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # the router names the methods of one route only; a path can have several
            allowed = allowed_methods(request.app, request.url.path)
            headers = {**(headers or {}), "Allow": ", ".join(allowed)}
            choices = f"{', '.join(allowed[:-1])} or {allowed[-1]}" if len(allowed) > 1 else "".join(allowed)
            message = f"Method {request.method} is not allowed on {request.url.path}; use {choices}."
        return error_response(exc.status_code, code, message, headers)

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, _: ClientDisconnect) -> Response:
        """The client closed the connection before sending its whole body: nobody is left to answer."""
        request.state.error_code = "client_disconnected"
        log.info("client disconnected before the end of its request", extra={"method": request.method, "path": request.url.path})
        return Response(status_code=CLIENT_CLOSED_REQUEST)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "The server failed to answer; the error was logged.")
