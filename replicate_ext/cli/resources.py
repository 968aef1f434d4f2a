"""Resource commands: list, inspect and cancel predictions; look up models, deployments and
hardware; upload, list, download and delete files. Tables by default, ``--json`` for scripts."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from replicate_ext import Client

from .args import item_count, readable_file
from .errors import EXIT_OK, one_line
from .formatting import format_elapsed, format_table, print_json, render_output, to_jsonable
from .transfer import new_file_path, output_filename, unique_path

if TYPE_CHECKING:
    from replicate_ext import Deployment, File, Model, Page, Prediction, Version


def _json_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parent


def _limit_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--limit",
        type=item_count,
        default=20,
        metavar="N",
        help="show at most N items, fetching further pages as needed (default: 20; 0 = all)",
    )
    return parent


def _group(subparsers: Any, name: str, help_text: str) -> Any:
    group = subparsers.add_parser(name, help=help_text, description=help_text)
    actions = group.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    return actions


def add_resource_commands(subparsers: Any) -> None:
    """Register every resource command group on the top-level parser."""
    js, limit = _json_parent(), _limit_parent()

    predictions = _group(subparsers, "predictions", "list, inspect and cancel predictions")
    cmd = predictions.add_parser("list", parents=[js, limit], help="recent predictions")
    cmd.set_defaults(handler=_cmd_predictions_list)
    cmd = predictions.add_parser("get", parents=[js], help="one prediction, with its output")
    cmd.add_argument("id", metavar="ID")
    cmd.set_defaults(handler=_cmd_predictions_get)
    cmd = predictions.add_parser("cancel", parents=[js], help="cancel a running prediction")
    cmd.add_argument("id", metavar="ID")
    cmd.set_defaults(handler=_cmd_predictions_cancel)

    models = _group(subparsers, "models", "look up models and their versions")
    cmd = models.add_parser("get", parents=[js], help="a model (owner/name)")
    cmd.add_argument("model", metavar="OWNER/NAME")
    cmd.set_defaults(handler=_cmd_models_get)
    cmd = models.add_parser("versions", parents=[js, limit], help="a model's versions")
    cmd.add_argument("model", metavar="OWNER/NAME")
    cmd.set_defaults(handler=_cmd_models_versions)
    cmd = models.add_parser("search", parents=[js, limit], help="search public models")
    cmd.add_argument("query", metavar="QUERY")
    cmd.set_defaults(handler=_cmd_models_search)

    deployments = _group(subparsers, "deployments", "look up deployments")
    cmd = deployments.add_parser("list", parents=[js, limit], help="your deployments")
    cmd.set_defaults(handler=_cmd_deployments_list)
    cmd = deployments.add_parser("get", parents=[js], help="a deployment (owner/name)")
    cmd.add_argument("deployment", metavar="OWNER/NAME")
    cmd.set_defaults(handler=_cmd_deployments_get)

    cmd = subparsers.add_parser(
        "hardware", parents=[js], help="hardware SKUs models can run on", description=None
    )
    cmd.set_defaults(handler=_cmd_hardware)

    files = _group(subparsers, "files", "upload, list, download and delete files")
    cmd = files.add_parser("upload", parents=[js], help="upload a file; prints its id and URL")
    cmd.add_argument("path", type=Path, metavar="PATH")
    cmd.add_argument("--content-type", default=None, help="default: guessed from the name")
    cmd.set_defaults(handler=_cmd_files_upload)
    cmd = files.add_parser("list", parents=[js, limit], help="uploaded files")
    cmd.set_defaults(handler=_cmd_files_list)
    cmd = files.add_parser("get", parents=[js], help="one file's metadata")
    cmd.add_argument("id", metavar="ID")
    cmd.set_defaults(handler=_cmd_files_get)
    cmd = files.add_parser("download", help="download a file's content")
    cmd.add_argument("id", metavar="ID")
    cmd.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="PATH",
        help="where to write it: a file, or a directory to put it in under its name "
        "(default: its name in the current directory)",
    )
    cmd.add_argument("--overwrite", action="store_true", help="replace PATH if it already exists")
    cmd.set_defaults(handler=_cmd_files_download)
    cmd = files.add_parser("delete", help="delete a file")
    cmd.add_argument("id", metavar="ID")
    cmd.set_defaults(handler=_cmd_files_delete)


def _take(client: Client, page: Page[Any], limit: int) -> list[Any]:
    """Up to ``limit`` items (0 = all) across pages, fetching only the pages needed."""
    items: list[Any] = []
    for item in client.paginate(page):
        items.append(item)
        if limit and len(items) >= limit:
            break
    return items


def _show(args: argparse.Namespace, value: Any, headers: Sequence[str], rows: Any) -> int:
    if args.json:
        print_json(value)
    else:
        print(format_table(headers, rows))
    return EXIT_OK


Rows = Callable[[Sequence[Any]], list[list[object]]]  # objects → table rows


def _show_list(
    args: argparse.Namespace,
    fetch: Callable[[Client], Page[Any]],
    headers: Sequence[str],
    rows: Rows,
) -> int:
    """A list command: up to ``--limit`` items across pages, as a table or JSON."""
    with Client() as client:
        items = _take(client, fetch(client), args.limit)
    return _show(args, items, headers, rows(items))


def _show_one(
    args: argparse.Namespace, fetch: Callable[[Client], Any], headers: Sequence[str], rows: Rows
) -> int:
    """A command about one object: a one-row table or JSON."""
    with Client() as client:
        item = fetch(client)
    return _show(args, item, headers, rows([item]))


def _when(value: Any) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def _prediction_rows(predictions: Sequence[Prediction]) -> list[list[object]]:
    return [[p.id, p.model, p.status, _when(p.created_at), _predict_time(p)] for p in predictions]


def _predict_time(prediction: Prediction) -> str | None:
    metrics = prediction.metrics or {}
    seconds = metrics.get("predict_time") if isinstance(metrics, dict) else None
    return None if seconds is None else format_elapsed(float(seconds))


_PREDICTION_HEADERS = ["id", "model", "status", "created", "time"]


def _cmd_predictions_list(args: argparse.Namespace) -> int:
    return _show_list(args, lambda c: c.predictions.list(), _PREDICTION_HEADERS, _prediction_rows)


def _show_prediction(args: argparse.Namespace, prediction: Prediction) -> int:
    if args.json:
        print_json(prediction)
        return EXIT_OK
    print(format_table(_PREDICTION_HEADERS, _prediction_rows([prediction])))
    if prediction.error:
        print(f"error: {one_line(str(prediction.error))}")
    if prediction.output is not None:
        print(render_output(to_jsonable(prediction.output), concatenate=False))
    return EXIT_OK


def _cmd_predictions_get(args: argparse.Namespace) -> int:
    with Client() as client:
        prediction = client.predictions.get(args.id)
    return _show_prediction(args, prediction)


def _cmd_predictions_cancel(args: argparse.Namespace) -> int:
    with Client() as client:
        prediction = client.predictions.cancel(args.id)
    return _show_prediction(args, prediction)


def _model_rows(models: Sequence[Model]) -> list[list[object]]:
    return [
        [f"{m.owner}/{m.name}", m.visibility, m.run_count, one_line(m.description or "", 60)]
        for m in models
    ]


_MODEL_HEADERS = ["model", "visibility", "runs", "description"]


def _cmd_models_get(args: argparse.Namespace) -> int:
    with Client() as client:
        model = client.models.get(args.model)
    latest = model.latest_version.id if model.latest_version is not None else None
    rows = [[*row, latest] for row in _model_rows([model])]
    return _show(args, model, [*_MODEL_HEADERS, "latest version"], rows)


def _version_rows(versions: Sequence[Version]) -> list[list[object]]:
    return [[v.id, _when(v.created_at), v.cog_version] for v in versions]


def _cmd_models_versions(args: argparse.Namespace) -> int:
    headers = ["version", "created", "cog"]
    return _show_list(args, lambda c: c.models.versions.list(args.model), headers, _version_rows)


def _cmd_models_search(args: argparse.Namespace) -> int:
    return _show_list(args, lambda c: c.models.search(args.query), _MODEL_HEADERS, _model_rows)


def _deployment_rows(deployments: Sequence[Deployment]) -> list[list[object]]:
    rows: list[list[object]] = []
    for d in deployments:
        release = d.current_release
        model = version = hardware = None
        if release is not None:
            model, version = release.model, release.version
            hardware = release.configuration.hardware if release.configuration else None
        rows.append([f"{d.owner}/{d.name}", model, version, hardware])
    return rows


_DEPLOYMENT_HEADERS = ["deployment", "model", "version", "hardware"]


def _cmd_deployments_list(args: argparse.Namespace) -> int:
    return _show_list(args, lambda c: c.deployments.list(), _DEPLOYMENT_HEADERS, _deployment_rows)


def _cmd_deployments_get(args: argparse.Namespace) -> int:
    return _show_one(
        args, lambda c: c.deployments.get(args.deployment), _DEPLOYMENT_HEADERS, _deployment_rows
    )


def _cmd_hardware(args: argparse.Namespace) -> int:
    with Client() as client:
        items = list(client.hardware.list())
    return _show(args, items, ["sku", "name"], [[h.sku, h.name] for h in items])


def _file_rows(files: Sequence[File]) -> list[list[object]]:
    return [[f.id, f.extra.get("name"), f.content_type, f.size, _when(f.created_at)] for f in files]


_FILE_HEADERS = ["id", "name", "type", "bytes", "created"]


def _cmd_files_upload(args: argparse.Namespace) -> int:
    path = readable_file(args.path)
    return _show_one(
        args,
        lambda c: c.files.create(path, content_type=args.content_type),
        _FILE_HEADERS,
        _file_rows,
    )


def _cmd_files_list(args: argparse.Namespace) -> int:
    return _show_list(args, lambda c: c.files.list(), _FILE_HEADERS, _file_rows)


def _cmd_files_get(args: argparse.Namespace) -> int:
    return _show_one(args, lambda c: c.files.get(args.id), _FILE_HEADERS, _file_rows)


def _cmd_files_download(args: argparse.Namespace) -> int:
    output: Path | None = args.output
    into_directory = output is None or output.is_dir()
    if output is not None and not into_directory:  # a clash is found before any request
        target = new_file_path(output, overwrite=args.overwrite)
    with Client() as client:
        if into_directory:
            info = client.files.get(args.id)
            name = output_filename(f"/{info.extra.get('name') or args.id}", 0)
            target = unique_path(output or Path("."), name)
        client.files.download(args.id, target)
    print(target)
    return EXIT_OK


def _cmd_files_delete(args: argparse.Namespace) -> int:
    with Client() as client:
        client.files.delete(args.id)
    print(f"deleted {args.id}")
    return EXIT_OK
