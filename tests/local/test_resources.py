"""Every other resource of the API: models, versions, deployments, trainings, hardware,
collections, account, search and the webhook secret."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from replicate_ext.local import LocalServer

from .conftest import api_client, wait_done


def test_model_get_has_version_with_schemas(api: httpx.Client) -> None:
    model = api.get("/models/demo/stream").json()
    assert model["owner"] == "demo" and model["name"] == "stream"
    assert model["is_official"] is True
    schema = model["latest_version"]["openapi_schema"]["components"]["schemas"]
    assert schema["Input"]["required"] == ["prompt"]
    assert schema["Output"]["x-cog-array-type"] == "iterator"
    assert api.get("/models/demo/missing").status_code == 404


def test_every_create_counts_as_a_run_of_its_model(server: LocalServer) -> None:
    """run_count goes up once per create, also when creates arrive at once (each increment
    reads and writes the model under one lock)."""

    def create(_: int) -> int:
        with api_client(server) as api:
            body = {"input": {"name": "count"}}
            return api.post("/models/demo/hello/predictions", json=body).status_code

    with api_client(server) as api:
        before = api.get("/models/demo/hello").json()["run_count"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(create, range(40))) == [201] * 40
    with api_client(server) as api:
        # a version id route counts too
        version = api.get("/models/demo/hello").json()["latest_version"]["id"]
        created = api.post("/predictions", json={"version": version, "input": {"name": "v"}})
        assert created.status_code == 201
        assert api.get("/models/demo/hello").json()["run_count"] == before + 41


def test_models_list_paginates_and_sorts(api: httpx.Client) -> None:
    names: list[str] = []
    url: str | None = "/models?sort_by=model_created_at&sort_direction=asc"
    pages = 0
    while url is not None and pages < 10:
        page = api.get(url).json()
        names += [f"{m['owner']}/{m['name']}" for m in page["results"]]
        url = page["next"]
        pages += 1
    assert names == ["demo/hello", "demo/stream", "demo/image", "demo/fail", "demo/sleep"]
    assert pages == 2
    assert api.get("/models", params={"sort_by": "nope"}).status_code == 422


def test_model_create_update_readme_delete(api: httpx.Client) -> None:
    body = {"owner": "local", "name": "my-model", "visibility": "private", "hardware": "cpu"}
    created = api.post("/models", json=body)
    assert created.status_code == 201
    assert created.json()["latest_version"] is None
    assert api.post("/models", json=body).status_code == 409
    missing = api.post("/models", json={"owner": "local"})
    assert missing.status_code == 422
    assert "visibility" in missing.json()["detail"]
    bad_hw = api.post("/models", json={**body, "name": "other", "hardware": "tpu-9000"})
    assert "hardware" in bad_hw.json()["detail"]
    assert api.get("/models/local/my-model/readme").status_code == 404
    updated = api.patch(
        "/models/local/my-model",
        json={
            "description": "Detects things",
            "readme": "# Mine",
            "github_url": "https://example.com/x",
        },
    )
    assert updated.json()["description"] == "Detects things"
    assert updated.json()["github_url"] == "https://example.com/x"
    readme = api.get("/models/local/my-model/readme")
    assert readme.text == "# Mine"
    assert readme.headers["content-type"].startswith("text/plain")
    assert api.patch("/models/local/my-model", json={"owner": "x"}).status_code == 422
    no_version = api.post("/models/local/my-model/predictions", json={"input": {}})
    assert no_version.status_code == 404
    assert api.delete("/models/local/my-model").status_code == 204
    assert api.get("/models/local/my-model").status_code == 404


def test_model_search_with_query_method(api: httpx.Client) -> None:
    response = api.request(
        "QUERY", "/models", content=b"stream", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [m["name"] for m in results] == ["stream"]
    assert response.json()["next"] is None and response.json()["previous"] is None
    empty = api.request("QUERY", "/models", content=b"", headers={"content-type": "text/plain"})
    assert empty.status_code == 400


def test_examples_and_readme(api: httpx.Client) -> None:
    examples = api.get("/models/demo/hello/examples").json()
    assert examples == {"next": None, "previous": None, "results": []}
    assert "demo/hello" in api.get("/models/demo/hello/readme").text


def test_versions_list_get_delete(api: httpx.Client) -> None:
    versions = api.get("/models/demo/sleep/versions").json()["results"]
    assert len(versions) == 1
    version_id = versions[0]["id"]
    assert len(version_id) == 64
    got = api.get(f"/models/demo/sleep/versions/{version_id}").json()
    assert got["openapi_schema"]["components"]["schemas"]["Input"]["properties"]["seconds"]
    assert api.get("/models/demo/sleep/versions/nope").status_code == 404
    # a model with versions cannot be deleted
    assert api.delete("/models/demo/sleep").status_code == 409
    assert api.delete(f"/models/demo/sleep/versions/{version_id}").status_code == 202
    assert api.get(f"/models/demo/sleep/versions/{version_id}").status_code == 404
    assert api.delete("/models/demo/sleep").status_code == 204


def test_deployments_crud_and_predictions(api: httpx.Client) -> None:
    version = api.get("/models/demo/hello").json()["latest_version"]["id"]
    spec = {
        "name": "greeter",
        "model": "demo/hello",
        "version": version,
        "hardware": "cpu",
        "min_instances": 0,
        "max_instances": 2,
    }
    created = api.post("/deployments", json=spec)
    assert created.status_code == 200
    release = created.json()["current_release"]
    assert release["number"] == 1 and release["configuration"]["max_instances"] == 2
    assert api.post("/deployments", json=spec).status_code == 409
    bad = api.post("/deployments", json={**spec, "name": "x", "version": "nope"})
    assert bad.status_code == 422 and "version" in bad.json()["detail"]
    bad = api.post("/deployments", json={**spec, "name": "x", "max_instances": 99})
    assert "max_instances" in bad.json()["detail"]
    assert api.get("/deployments/local/greeter").json()["name"] == "greeter"
    updated = api.patch("/deployments/local/greeter", json={"max_instances": 5}).json()
    assert updated["current_release"]["number"] == 2
    assert updated["current_release"]["configuration"]["max_instances"] == 5
    listed = api.get("/deployments").json()
    assert [d["name"] for d in listed["results"]] == ["greeter"]
    prediction = api.post(
        "/deployments/local/greeter/predictions",
        json={"input": {"name": "dep"}},
        headers={"Prefer": "wait=5"},
    ).json()
    assert prediction["output"] == "hello dep"
    assert prediction["deployment"] == "local/greeter"
    # a deployed version cannot be deleted
    assert api.delete(f"/models/demo/hello/versions/{version}").status_code == 409
    assert api.delete("/deployments/local/greeter").status_code == 204
    assert api.get("/deployments/local/greeter").status_code == 404
    assert api.post("/deployments/local/greeter/predictions", json={"input": {}}).status_code == 404


def test_trainings_create_new_versions(api: httpx.Client) -> None:
    api.post(
        "/models",
        json={"owner": "local", "name": "tuned", "visibility": "private", "hardware": "cpu"},
    )
    version = api.get("/models/demo/hello").json()["latest_version"]["id"]
    created = api.post(
        f"/models/demo/hello/versions/{version}/trainings",
        json={"destination": "local/tuned", "input": {"steps": 3}},
    )
    assert created.status_code == 201
    training = created.json()
    assert training["urls"]["get"].endswith(f"/v1/trainings/{training['id']}")
    done = wait_done(api, training)
    assert done["status"] == "succeeded"
    assert "training step 3/3" in done["logs"]
    new_version = done["output"]["version"]
    assert httpx.get(done["output"]["weights"]).status_code == 200
    tuned = api.get("/models/local/tuned").json()
    assert tuned["latest_version"]["id"] == new_version
    prediction = api.post(
        "/models/local/tuned/predictions",
        json={"input": {"name": "t"}},
        headers={"Prefer": "wait=5"},
    ).json()
    assert prediction["output"] == "hello t"
    listed = api.get("/trainings").json()["results"]
    assert [t["id"] for t in listed] == [training["id"]]
    assert api.get(f"/predictions/{training['id']}").status_code == 404
    bad = api.post(
        f"/models/demo/hello/versions/{version}/trainings",
        json={"destination": "local/absent", "input": {}},
    )
    assert bad.status_code == 422 and "destination" in bad.json()["detail"]


def test_training_cancel(api: httpx.Client) -> None:
    api.post(
        "/models", json={"owner": "local", "name": "t2", "visibility": "private", "hardware": "cpu"}
    )
    version = api.get("/models/demo/hello").json()["latest_version"]["id"]
    training = api.post(
        f"/models/demo/hello/versions/{version}/trainings",
        json={"destination": "local/t2", "input": {}},
    ).json()
    canceled = api.post(f"/trainings/{training['id']}/cancel").json()
    assert canceled["status"] == "canceled"


def test_hardware_is_a_bare_array(api: httpx.Client) -> None:
    hardware = api.get("/hardware").json()
    assert isinstance(hardware, list)
    assert {"name": "CPU", "sku": "cpu"} in hardware


def test_collections_account_search_secret(api: httpx.Client) -> None:
    collections = api.get("/collections").json()
    assert [c["slug"] for c in collections["results"]] == ["demo"]
    demo = api.get("/collections/demo").json()
    assert len(demo["models"]) == 5
    assert api.get("/collections/none").status_code == 404
    account = api.get("/account").json()
    assert account == {"type": "user", "username": "local", "name": "Local User"}
    found = api.get("/search", params={"query": "image"}).json()
    assert found["query"] == "image"
    assert [m["model"]["name"] for m in found["models"]] == ["image"]
    assert found["models"][0]["metadata"]["score"] > 0
    assert api.get("/search").status_code == 400
    assert api.get("/search", params={"query": "x", "limit": 99}).status_code == 400
    assert api.get("/webhooks/default/secret").json()["key"].startswith("whsec_")


def test_model_url_is_a_web_page(api: httpx.Client) -> None:
    model = api.get("/models/demo/hello").json()
    page = httpx.get(model["url"])
    assert page.status_code == 200
    assert "demo/hello" in page.text
    assert httpx.get(model["url"].replace("hello", "nope")).status_code == 404
