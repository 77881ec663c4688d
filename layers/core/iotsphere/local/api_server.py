"""``iotsphere api``: the HTTP routes on this machine, through Chalice's local API Gateway.

It is ``chalice local`` without the reloader, with one difference: Python's ``http.server``
answers methods it has no handler for (TRACE, QUERY, ...) with 501, where API Gateway answers 405.
Here every method reaches the gateway, which refuses the ones no route declares with 405.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from chalice.cli.factory import CLIFactory
from chalice.local import ChaliceRequestHandler, LocalDevServer

from iotsphere.local.config import DEFAULT_CONFIG, load_stack_config
from iotsphere.local.runner import functions_dir_of


class ApiRequestHandler(ChaliceRequestHandler):
    # http.server writes an answer's headers and body in two sends: with Nagle's algorithm on,
    # the body on a kept-alive connection waited for the client's delayed ACK of the headers,
    # ~40 ms an answer (the API contract test took 7 minutes instead of about one).
    disable_nagle_algorithm = True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # http.server looks up do_<METHOD> for every request
            return self._generic_handle
        raise AttributeError(name)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="stack file (samplelocal.yml)")
    parser.add_argument("--home", default=".iotsphere", help="the stack's folder (unused)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="default: services.api.port of the stack file")
    parser.add_argument("--stage", default="dev", help="the Chalice stage whose settings apply")


def run(args: argparse.Namespace) -> int:
    port = args.port or load_stack_config(args.config).services.api.port
    factory = CLIFactory(project_dir=str(functions_dir_of(args.config)), environ=dict(os.environ))
    config = factory.create_config_obj(chalice_stage_name=args.stage)
    server = LocalDevServer(
        config.chalice_app, config, args.host, port, handler_cls=ApiRequestHandler
    )
    server.serve_forever()
    return 0
