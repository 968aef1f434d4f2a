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


def _action(
    actions: Any,
    name: str,
    handler: Callable[[argparse.Namespace], int],
    help_text: str,
    *,
    parents: Sequence[argparse.ArgumentParser] = (),
    argument: tuple[str, str] | None = None,
) -> Any:
    """One ACTION of a command group; ``argument`` is its positional ``(name, METAVAR)``."""
    cmd = actions.add_parser(name, parents=list(parents), help=help_text)
    if argument is not None:
        cmd.add_argument(argument[0], metavar=argument[1])
    cmd.set_defaults(handler=handler)
    return cmd


def add_resource_commands(subparsers: Any) -> None:
    """Register every resource command group on the top-level parser."""
    js, limit = _json_parent(), _limit_parent()
    by_id, by_model = ("id", "ID"), ("model", "OWNER/NAME")

    predictions = _group(subparsers, "predictions", "list, inspect and cancel predictions")
    _action(predictions, "list", _cmd_predictions_list, "recent predictions", parents=[js, limit])
    _action(
        predictions, "get", _cmd_predictions_get, "one prediction, with its output",
        parents=[js], argument=by_id,
    )  # fmt: skip
    _action(
        predictions, "cancel", _cmd_predictions_cancel, "cancel a running prediction",
        parents=[js], argument=by_id,
    )  # fmt: skip

    models = _group(subparsers, "models", "look up models and their versions")
    _action(models, "get", _cmd_models_get, "a model (owner/name)", parents=[js], argument=by_model)
    _action(
        models, "versions", _cmd_models_versions, "a model's versions",
        parents=[js, limit], argument=by_model,
    )  # fmt: skip
    _action(
        models, "search", _cmd_models_search, "search public models",
        parents=[js, limit], argument=("query", "QUERY"),
    )  # fmt: skip

    deployments = _group(subparsers, "deployments", "look up deployments")
    _action(deployments, "list", _cmd_deployments_list, "your deployments", parents=[js, limit])
    _action(
        deployments, "get", _cmd_deployments_get, "a deployment (owner/name)",
        parents=[js], argument=("deployment", "OWNER/NAME"),
    )  # fmt: skip

    cmd = subparsers.add_parser(
        "hardware", parents=[js], help="hardware SKUs models can run on", description=None
    )
    cmd.set_defaults(handler=_cmd_hardware)

    files = _group(subparsers, "files", "upload, list, download and delete files")
    cmd = _action(
        files, "upload", _cmd_files_upload, "upload a file; prints its id and URL", parents=[js]
    )
    cmd.add_argument("path", type=Path, metavar="PATH")
    cmd.add_argument("--content-type", default=None, help="default: guessed from the name")
    _action(files, "list", _cmd_files_list, "uploaded files", parents=[js, limit])
    _action(files, "get", _cmd_files_get, "one file's metadata", parents=[js], argument=by_id)
    cmd = _action(files, "download", _cmd_files_download, "download a file", argument=by_id)
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
    _action(files, "delete", _cmd_files_delete, "delete a file", argument=by_id)


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
