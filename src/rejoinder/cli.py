"""The ``rejoinder`` command: serve, migrate, demo, create-admin, and doc generators."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import getpass
import json
import os
import socket
import sys
from collections.abc import Sequence
from typing import Any

from rejoinder.settings import ConfigError, Settings, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    import uvicorn

    from rejoinder.app import create_app
    from rejoinder.observability.logs import configure_logging

    configure_logging(settings)
    app = create_app(settings)
    # What start-up made (modules, settings, the moderation model, the app) lives as long as
    # the process: frozen out of the collector's way, a full collection walks only what
    # requests and open streams made since (a pause ten thousand streams would notice).
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app,
        host=host or settings.server.host,
        port=settings.server.port if port is None else port,
        log_config=None,  # every line goes through our redacting formatter
        access_log=False,  # our own access line carries the route template and request id
        # X-Forwarded-For is resolved inside the app, from server.trusted_proxies.
        proxy_headers=False,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    _serve(_settings(args), args.host, args.port)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from rejoinder.storage.migrate import upgrade

    settings = _settings(args)
    upgrade(settings.database.url)
    print(f"database at {settings.database.url.split('@')[-1]} is up to date")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from rejoinder.app import create_runtime
    from rejoinder.demo.config import demo_settings
    from rejoinder.demo.seed import seed
    from rejoinder.storage.migrate import upgrade

    settings = demo_settings(args.database, args.port)
    problem = None if args.seed_only else _port_problem("127.0.0.1", args.port)
    if problem is not None:
        print(
            f"rejoinder demo: cannot listen on 127.0.0.1:{args.port} ({problem}).\n"
            f"  Stop what uses it, or pick another port: rejoinder demo --port {args.port + 1}"
            f" (make demo PORT={args.port + 1}).",
            file=sys.stderr,
        )
        return 3
    print(f"  preparing the demo database {args.database} ...", flush=True)
    upgrade(settings.database.url)

    async def run_seed() -> None:
        runtime = create_runtime(settings)
        try:
            await seed(runtime)
        finally:
            await runtime.close()

    print("  seeding the demo readers and articles (kept if already there) ...", flush=True)
    asyncio.run(run_seed())
    if args.seed_only:
        return 0
    print(
        f"\n  Rejoinder demo: http://127.0.0.1:{args.port}/  (Ctrl+C to stop)\n"
        "  Demo-only credentials: SSO secret 'demo-sso-secret', admin key 'demo-admin-key'.\n"
    )
    _serve(settings, "127.0.0.1", args.port)
    return 0


def _port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on, checked before the banner promises it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def cmd_create_admin(args: argparse.Namespace) -> int:
    from rejoinder.accounts.service import create_admin
    from rejoinder.app import create_runtime

    settings = _settings(args)
    password = os.environ.get("REJOINDER_ADMIN_PASSWORD") or getpass.getpass("Password: ")

    async def run() -> int:
        runtime = create_runtime(settings)
        try:
            return await create_admin(runtime, args.email, password)
        finally:
            await runtime.close()

    account_id = asyncio.run(run())
    print(f"account {account_id} ({args.email}) is an admin")
    return 0


def cmd_purge_deletions(args: argparse.Namespace) -> int:
    from rejoinder.account_page.service import purge_due_deletions
    from rejoinder.app import create_runtime

    settings = _settings(args)

    async def run() -> list[int]:
        runtime = create_runtime(settings)
        try:
            return await purge_due_deletions(runtime)
        finally:
            await runtime.close()

    erased = asyncio.run(run())
    print(f"erased {len(erased)} account(s) whose deletion grace period has passed")
    return 0


def cmd_mail_unsubscribe(args: argparse.Namespace) -> int:
    """The ``mailto:`` unsubscribe (RFC 2369): a mail's subject, ``unsubscribe <token>``."""
    import re

    from rejoinder.app import create_runtime
    from rejoinder.notifications.service import unsubscribe

    found = re.search(
        r"\b([0-9]{1,19}\.[0-9]{1,9}\.[A-Za-z0-9_-]{1,40})(?![A-Za-z0-9_.-])", args.subject
    )
    settings = _settings(args)

    async def run(token: str) -> bool:
        runtime = create_runtime(settings)
        try:
            return await unsubscribe(runtime, token)
        finally:
            await runtime.close()

    if found is None or not asyncio.run(run(found.group(1))):
        print("no valid unsubscribe token in that subject", file=sys.stderr)
        return 1
    print("unsubscribed: no more notification mail for that reader")
    return 0


def cmd_mail_worker(args: argparse.Namespace) -> int:
    """Notifications and mail without serving HTTP: the consumer, digests and the worker."""
    from rejoinder.app import create_runtime
    from rejoinder.notifications.service import notifier_of

    settings = _settings(args)

    async def once() -> int:
        runtime = create_runtime(settings)
        notifier = notifier_of(runtime)
        try:
            while await runtime.relay.run_durable(notifier.consumer):
                pass
            return await notifier.worker.run_once()
        finally:
            await runtime.close()

    async def forever() -> None:
        runtime = create_runtime(settings)
        notifier = notifier_of(runtime)
        notifier.attach(runtime.relay, always=True)
        await runtime.relay.start()
        notifier.worker.start()
        try:
            await asyncio.Event().wait()
        finally:
            await runtime.close()

    if args.once:
        print(f"sent {asyncio.run(once())} mail(s)")
        return 0
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(forever())
    return 0


def cmd_moderation_retrain(args: argparse.Namespace) -> int:
    from rejoinder.app import create_runtime
    from rejoinder.moderation.learning import compare, save_layer, site_decisions
    from rejoinder.moderation.pipeline import pick_scorer

    settings = _settings(args)
    if settings.site(args.site) is None:
        print(f"rejoinder: no site {args.site!r} in the configuration", file=sys.stderr)
        return 2
    if args.enable or args.disable:
        return _switch_layer(settings, args.site, enabled=bool(args.enable))

    async def run() -> list[Any]:
        runtime = create_runtime(settings)
        try:
            async with runtime.db.read() as conn:
                return await site_decisions(conn, args.site)
        finally:
            await runtime.db.close()

    decisions = asyncio.run(run())
    rejected = sum(d.rejected for d in decisions)
    print(f"site {args.site}: {len(decisions)} moderator decisions ({rejected} rejections)")
    if len(decisions) < 20 or not 0 < rejected < len(decisions):
        print("too few decisions, or only one kind, to train on: nothing to compare yet")
        return 1
    threshold = settings.moderation.toxicity_threshold
    report = compare(decisions, threshold, pick_scorer(settings))
    print(f"trained on {report.train}, measured on {report.held_back} held back (every fifth)")
    for name, figures in (("shipped model", report.shipped), ("site layer", report.site_layer)):
        print(
            f"  {name:<14} precision {figures.precision:6.1%}  recall {figures.recall:6.1%}"
            f"  (at threshold {threshold})"
        )
    if not args.save:
        print("Nothing stored: --save stores this layer (off), --enable then switches it on.")
        return 0

    async def store() -> None:
        runtime = create_runtime(settings)
        try:
            await save_layer(runtime.db, args.site, report, runtime.clock.now())
        finally:
            await runtime.db.close()

    asyncio.run(store())
    print(f"Stored, switched off: `rejoinder moderation retrain --site {args.site} --enable`.")
    return 0


def _switch_layer(settings: Any, site: str, *, enabled: bool) -> int:
    from rejoinder.app import create_runtime
    from rejoinder.moderation.learning import enable_layer

    async def switch() -> bool:
        runtime = create_runtime(settings)
        try:
            return await enable_layer(runtime.db, site, enabled=enabled, now=runtime.clock.now())
        finally:
            await runtime.db.close()

    if not asyncio.run(switch()):
        print(f"site {site}: no stored layer (train one with --save first)", file=sys.stderr)
        return 1
    state = "on" if enabled else "off"
    print(f"site {site}: its layer is switched {state} (running servers follow within a minute)")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from rejoinder.commands import create_command_runtime
    from rejoinder.imports.cli import run_import

    return run_import(_settings(args), args, create_command_runtime)


def cmd_export(args: argparse.Namespace) -> int:
    from rejoinder.commands import create_command_runtime
    from rejoinder.imports.cli import run_export

    return run_export(_settings(args), args, create_command_runtime)


def cmd_takedowns_report(args: argparse.Namespace) -> int:
    import json

    from rejoinder.app import create_runtime
    from rejoinder.policies.takedowns import transparency_report

    settings = _settings(args)

    async def run() -> dict[str, object]:
        runtime = create_runtime(settings)
        try:
            return await transparency_report(runtime, args.year)
        finally:
            await runtime.close()

    print(json.dumps(asyncio.run(run()), indent=2, sort_keys=True))
    return 0


def cmd_config_reference(_: argparse.Namespace) -> int:
    from rejoinder.docsgen import config_reference

    sys.stdout.write(config_reference())
    return 0


def cmd_openapi(_: argparse.Namespace) -> int:
    from rejoinder.docsgen import openapi_document

    sys.stdout.write(json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="rejoinder", description=__doc__)
    top.add_argument("--config", help="TOML configuration file (default: $REJOINDER_CONFIG)")
    sub = top.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API, widget and account page")
    serve.add_argument("--host", help="interface to bind (default: server.host)")
    serve.add_argument("--port", type=int, help="TCP port (default: server.port)")
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="create or upgrade the database schema").set_defaults(
        func=cmd_migrate
    )

    demo = sub.add_parser("demo", help="migrate, seed and serve the demo publication")
    demo.add_argument(
        "--port",
        type=int,
        default=8000,
        help="TCP port on 127.0.0.1 (default 8000); stored links follow it on the next start",
    )
    demo.add_argument(
        "--database",
        default="sqlite:///var/demo.sqlite3",
        help="database URL (default sqlite:///var/demo.sqlite3, kept between runs)",
    )
    demo.add_argument("--seed-only", action="store_true", help="seed, then exit")
    demo.set_defaults(func=cmd_demo)

    admin = sub.add_parser(
        "create-admin",
        help="create a local admin account (password from a prompt or $REJOINDER_ADMIN_PASSWORD)",
    )
    admin.add_argument("--email", required=True)
    admin.set_defaults(func=cmd_create_admin)

    sub.add_parser(
        "purge-deletions",
        help="erase the accounts whose deletion grace period has passed (run daily, e.g. cron)",
    ).set_defaults(func=cmd_purge_deletions)
    worker = sub.add_parser(
        "mail-worker",
        help="make notifications and send mail (digests included) without serving HTTP",
    )
    worker.add_argument(
        "--once", action="store_true", help="one round (read the event log, digests, mail due)"
    )
    worker.set_defaults(func=cmd_mail_worker)
    by_mail = sub.add_parser(
        "mail-unsubscribe",
        help="act on a mail to [mail] unsubscribe_mailto: give its subject "
        "(`unsubscribe <token>`); the reader gets no more mail",
    )
    by_mail.add_argument("subject")
    by_mail.set_defaults(func=cmd_mail_unsubscribe)
    moderation = sub.add_parser("moderation", help="moderation tools").add_subparsers(
        dest="moderation_command", required=True
    )
    retrain = moderation.add_parser(
        "retrain",
        help="train a site's own layer on its moderators' decisions and compare it on "
        "held-back decisions with the shipped model (prints precision and recall)",
    )
    retrain.add_argument("--site", required=True)
    retrain.add_argument(
        "--save", action="store_true", help="store the layer measured (switched off)"
    )
    switch = retrain.add_mutually_exclusive_group()
    switch.add_argument("--enable", action="store_true", help="switch the stored layer on")
    switch.add_argument("--disable", action="store_true", help="switch the stored layer off")
    retrain.set_defaults(func=cmd_moderation_retrain)
    from rejoinder.imports.cli import add_commands

    add_commands(sub, cmd_import, cmd_export)
    takedowns = sub.add_parser("takedowns", help="takedown requests").add_subparsers(
        dest="takedowns_command", required=True
    )
    report = takedowns.add_parser(
        "report",
        help="the yearly transparency report: requests received, by reason and outcome (JSON)",
    )
    report.add_argument("--year", type=int, required=True, help="calendar year (UTC)")
    report.set_defaults(func=cmd_takedowns_report)
    sub.add_parser(
        "config-reference", help="print the configuration reference (Markdown)"
    ).set_defaults(func=cmd_config_reference)
    sub.add_parser("openapi", help="print the OpenAPI document (JSON)").set_defaults(
        func=cmd_openapi
    )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except ConfigError as exc:
        print(f"rejoinder: configuration error: {exc}", file=sys.stderr)
        return 2
    return code
