"""POST /v1/diagnose reads its request itself (a DirectRoute): the same answers, errors and document as a FastAPI route."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from app.api.deps import FormatQuery, json_of
from app.api.direct_route import DirectRoute
from app.engine import encoded as encoded_results

MESSAGE = {"message": "Copying VHDs from backup vault timed out"}


@pytest.mark.parametrize("value", ["xml", "", "TEXT"])
def test_a_wrong_format_is_refused_as_fastapi_refuses_it(client: TestClient, value: str) -> None:
    direct = client.post("/v1/diagnose", params={"format": value}, json=MESSAGE)
    solved = client.post("/v1/diagnose/job", params={"format": value}, json={"error": MESSAGE})  # FormatQuery, solved by FastAPI
    assert direct.status_code == solved.status_code == 422
    assert direct.json() == solved.json()


def test_the_last_format_given_wins_as_with_fastapi(client: TestClient) -> None:
    assert client.post("/v1/diagnose?format=json&format=text", json=MESSAGE).headers["content-type"].startswith("text/plain")
    assert client.post("/v1/diagnose/job?format=json&format=text", json={"error": MESSAGE}).headers["content-type"].startswith("text/plain")


def test_the_format_is_documented_as_fastapi_documents_it(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    [direct] = [p for p in paths["/v1/diagnose"]["post"]["parameters"] if p["name"] == "format"]
    [solved] = [p for p in paths["/v1/diagnose"]["get"]["parameters"] if p["name"] == "format"]
    assert direct == solved


def test_a_direct_route_refuses_an_endpoint_with_parameters() -> None:
    async def endpoint(request: Request, format: FormatQuery = None) -> Response:
        return Response()

    with pytest.raises(TypeError, match="takes only the request"):
        APIRouter().add_api_route("/x", endpoint, methods=["POST"], route_class_override=DirectRoute)


def test_a_result_is_encoded_once_and_forgotten_with_it(client: TestClient) -> None:
    result = client.app.state.engine.diagnose(MESSAGE["message"]).model_copy()  # type: ignore[attr-defined]
    encoded = json_of(result)
    assert encoded == result.model_dump_json().encode()
    assert json_of(result) is encoded
    key = id(result)
    del result
    assert key not in encoded_results._json_by_id
