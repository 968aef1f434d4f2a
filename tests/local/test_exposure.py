"""What the server exposes: a non-loopback bind needs a token (or an explicit unsafe flag);
with a token, prediction pages and private model pages need it too; webhook URLs are checked."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from replicate_ext.cli import main
from replicate_ext.local import LocalServer
from replicate_ext.local.cli import is_loopback

from .conftest import api_client


def test_serve_refuses_a_public_bind_without_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    error = capsys.readouterr().err
    assert "--token" in error and "--unsafe-no-token" in error


def test_serve_accepts_a_public_bind_with_the_unsafe_flag(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served: list[str] = []

    def fake_serve_forever(self: LocalServer, on_ready: object = None) -> None:
        served.append(self.host)  # stands in for binding 0.0.0.0, which tests never do

    monkeypatch.setattr(LocalServer, "serve_forever", fake_serve_forever)
    assert main(["serve", "--host", "0.0.0.0", "--port", "0", "--unsafe-no-token"]) == 0
    assert main(["serve", "--host", "0.0.0.0", "--port", "0", "--token", "t"]) == 0
    assert served == ["0.0.0.0", "0.0.0.0"]


def test_loopback_hosts() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.5", "example.internal"]))


@pytest.mark.parametrize("port", ["99999", "-1", "http", "٣"])
def test_serve_port_must_be_a_port(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", port]) == 2
    assert "port" in capsys.readouterr().err


def test_pages_need_the_token_when_one_is_set(make_server: Callable[..., LocalServer]) -> None:
    server = make_server(token="tok")
    with api_client(server) as api:
        created = api.post("/models/demo/hello/predictions", json={"input": {"name": "x"}}).json()
        api.post(
            "/models",
            json={"owner": "local", "name": "secret", "visibility": "private", "hardware": "cpu"},
        )
        api.patch("/models/local/secret", json={"readme": "the private README"})
    page = created["urls"]["web"]
    with httpx.Client(timeout=10) as browser:
        assert browser.get(page).status_code == 401
        assert browser.get(page, headers={"authorization": "Bearer wrong"}).status_code == 401
        assert browser.get(page, headers={"authorization": "Bearer tok"}).status_code == 200
        private = browser.get(f"{server.url}/local/secret")
        assert private.status_code == 401 and "private README" not in private.text
        allowed = browser.get(f"{server.url}/local/secret", headers={"authorization": "Bearer tok"})
        assert "the private README" in allowed.text
        assert browser.get(f"{server.url}/demo/hello").status_code == 200  # public


def test_pages_stay_open_without_a_token(server: LocalServer, api: httpx.Client) -> None:
    created = api.post("/models/demo/hello/predictions", json={"input": {"name": "x"}}).json()
    assert httpx.get(created["urls"]["web"], timeout=10).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.test/hook",
        "http://",
        "http:///path",
        "http://host:99999/",
        "http://host:0/",
        "http://host:port/",
        "http://ho st/",
        "http://host/\r\nx",
        "javascript:alert(1)",
        "http://host/" + "a" * 3000,
        "",
    ],
)
def test_webhook_urls_are_validated(api: httpx.Client, url: str) -> None:
    response = api.post(
        "/models/demo/hello/predictions", json={"input": {"name": "x"}, "webhook": url}
    )
    assert response.status_code == 422, url
    assert response.json()["invalid_fields"][0]["field"] == "webhook"
    assert api.get("/predictions").json()["results"] == []


def test_a_valid_webhook_url_is_accepted(api: httpx.Client) -> None:
    response = api.post(
        "/models/demo/hello/predictions",
        json={"input": {"name": "x"}, "webhook": "HTTPS://hooks.example.test:8443/p?q=1"},
    )
    assert response.status_code == 201
