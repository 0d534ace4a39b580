"""The `placement` command: serve, migrate, users, seed data, imports, reports, benchmarks."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from placement import dates
from placement.config import ConfigError, Settings, load_settings
from placement.db import make_engine, unit_of_work


def _settings() -> Settings:
    try:
        settings = load_settings()
    except ConfigError as error:
        sys.exit(f"placement: {error}")
    dates.use_school_zone(settings.zone)
    return settings


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.demo:
        os.environ.setdefault("MAIL_DIR", "./outbox")
        settings = _settings()
        _migrate(settings)
        from placement.seed import DEMO_LOGINS, database_is_empty, seed_demo

        engine = make_engine(settings.database_url)
        if database_is_empty(engine):
            print("Seeding demo data…", file=sys.stderr)
            seed_demo(engine, settings)
        engine.dispose()
        print(f"\nDemo logins (password for all: {DEMO_LOGINS['password']}):")
        for role, email in DEMO_LOGINS["accounts"]:
            print(f"  {role:<10} {email}")
        print(f"\nMail is written to {settings.mail_dir or 'the outbox table'}.")
        print(f"Open http://{args.host}:{args.port}\n")
    else:
        _settings()
    uvicorn.run(
        "placement.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
    return 0


def _migrate(settings: Settings) -> None:
    from placement import migrate

    engine = make_engine(settings.database_url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings()
    _migrate(settings)
    print("The database is at the latest revision.")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from placement.security import Passwords, make_hasher, password_problem
    from placement.services import DomainError, accounts

    settings = _settings()
    password = args.password
    if password is None:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("The two passwords differ.", file=sys.stderr)
            return 2
    problem = password_problem(password, email=args.email)
    if problem:
        print(f"Password refused: {problem}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(engine) as db:
            user = accounts.create_staff_user(
                db,
                Passwords(make_hasher(fast=settings.testing)),
                email=args.email,
                role=args.role,
                password=password,
                name=args.name or "",
            )
            print(f"Created {user.role} user {user.email} (id {user.id}).")
    except DomainError as error:
        print(error.message, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from placement.seed import seed_population

    settings = _settings()
    _migrate(settings)
    engine = make_engine(settings.database_url)
    try:
        counts = seed_population(
            engine,
            settings,
            graduates=args.graduates,
            positions=args.positions,
            employers=args.employers,
            seed=args.seed,
            progress=not args.quiet,
        )
    finally:
        engine.dispose()
    print(json.dumps(counts))
    return 0


def cmd_send_mail(args: argparse.Namespace) -> int:
    """The worker's mail.deliver job, once (e.g. from cron)."""
    from placement.services import mail_delivery

    settings = _settings()
    if not settings.smtp_url:
        print("SMTP_URL is not set: messages stay in the outbox and are read in the app.")
        return 0
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(engine) as db:
            sent = mail_delivery.deliver(db, settings)
        with unit_of_work(engine, write=False) as db:
            waiting = mail_delivery.waiting_count(db)
    finally:
        engine.dispose()
    print(f"Sent {sent} message(s).")
    if waiting:
        print(f"{waiting} message(s) wait for the SMTP server and will be retried.")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from placement import worker

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        if args.once:
            done = worker.run_due(engine, settings)
            print(json.dumps(done, sort_keys=True))
        else:
            worker.run_forever(engine, settings, poll_seconds=args.poll_seconds)
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()
    return 0


def cmd_import_graduates(args: argparse.Namespace) -> int:
    from placement.services import Actor, roster

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        with open(args.file, "rb") as handle:
            data = handle.read()
        with unit_of_work(engine) as db:
            result = roster.import_roster(
                db,
                settings,
                data,
                skip_bad_rows=args.skip_bad_rows,
                actor=Actor(user_id=None, role="cli"),
            )
    except OSError as error:
        print(f"Cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    for problem in result.errors:
        print(f"line {problem.line}: {problem.message}", file=sys.stderr)
    print(result.summary())
    return 1 if result.errors and not args.skip_bad_rows else 0


def cmd_report(args: argparse.Namespace) -> int:
    from placement.services import accreditors

    if args.cohort is not None and args.period is not None:
        print("Choose --cohort or --period, not both.", file=sys.stderr)
        return 2

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(engine, write=False) as db:
            result = accreditors.outcomes(
                db, args.accreditor or settings.accreditor, cohort=args.cohort, period=args.period
            )
            output = accreditors.render(result, args.format, period=args.period is not None)
    finally:
        engine.dispose()
    sys.stdout.write(output)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from placement.matching.bench import run_benchmark

    result = run_benchmark(graduates=args.graduates, positions=args.positions, seed=args.seed)
    print(json.dumps(result, indent=2))
    return 0


def cmd_bench_positions(args: argparse.Namespace) -> int:
    from placement.bench_http import run_benchmark

    result = run_benchmark(
        positions=args.positions,
        requests=args.requests,
        concurrency=args.concurrency,
        max_seconds=args.max_seconds,
        scenarios=args.scenario,
        baseline=args.baseline,
    )
    print(json.dumps(result, indent=2))
    return 0


def cmd_match_round(args: argparse.Namespace) -> int:
    from placement.services import rounds

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(engine) as db:
            text = rounds.run_from_cli(db, settings, algorithm=args.algorithm, publish=args.publish)
    finally:
        engine.dispose()
    print(text)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from placement.backup import BackupError, backup

    settings = _settings()
    try:
        target = backup(settings.database_url, Path(args.file))
    except BackupError as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 1
    print(f"Backed up to {target} ({target.stat().st_size:,} bytes).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from placement.backup import BackupError, restore

    settings = _settings()
    if not args.yes:
        print(
            "Restoring replaces every record in the database. Stop the app, then run "
            "again with --yes.",
            file=sys.stderr,
        )
        return 2
    try:
        restore(settings.database_url, Path(args.file))
    except BackupError as error:
        print(f"Restore failed: {error}", file=sys.stderr)
        return 1
    print(f"Restored from {args.file}.")
    return 0


def cmd_translations(args: argparse.Namespace) -> int:
    from placement import catalogue

    if args.action == "update":
        untranslated = catalogue.update(also=[Path(name) for name in args.also])
        for language, count in untranslated.items():
            where = catalogue.po_path(language).relative_to(catalogue.ROOT)
            print(f"{where}: {count} untranslated")
        return 0
    if args.action == "compile":
        for language in catalogue.translated_languages():
            catalogue.compile_catalogue(language)
        return 0
    failed = False
    for language in catalogue.translated_languages():
        problems = catalogue.check(language)
        for kind in ("missing", "stale", "untranslated", "fuzzy", "placeholders"):
            for text in getattr(problems, kind):
                print(f"{language} {kind}: {text!r}")
        if problems.mo_outdated:
            print(f"{language}: messages.mo is older than messages.po (run compile)")
        failed = failed or bool(problems)
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="placement", description="The placement referral network of career services."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the web application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--demo", action="store_true", help="migrate, seed demo data if empty, print logins"
    )
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser("migrate", help="upgrade the database to the latest revision").set_defaults(
        handler=cmd_migrate
    )

    create_user = commands.add_parser("create-user", help="create a staff or admin user")
    create_user.add_argument("--role", choices=("staff", "admin"), required=True)
    create_user.add_argument("--email", required=True)
    create_user.add_argument("--password", help="prompted when left out")
    create_user.add_argument("--name")
    create_user.set_defaults(handler=cmd_create_user)

    seed = commands.add_parser("seed", help="add deterministic synthetic data")
    seed.add_argument("--graduates", type=int, default=200)
    seed.add_argument("--positions", type=int, default=40)
    seed.add_argument("--employers", type=int, default=None)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument("--quiet", action="store_true", help="no progress bar")
    seed.set_defaults(handler=cmd_seed)

    importer = commands.add_parser("import-graduates", help="import the school's roster CSV")
    importer.add_argument("file")
    importer.add_argument("--skip-bad-rows", action="store_true")
    importer.set_defaults(handler=cmd_import_graduates)

    report = commands.add_parser("report", help="reports for the accreditor")
    report_kinds = report.add_subparsers(dest="report", required=True, metavar="REPORT")
    outcomes = report_kinds.add_parser("outcomes", help="placement outcomes by cohort")
    outcomes.add_argument("--cohort", type=int)
    outcomes.add_argument(
        "--period", type=int, help="reporting year YYYY: July 1 of YYYY-1 to June 30 of YYYY"
    )
    outcomes.add_argument("--accreditor", choices=("abhes", "accsc", "comta", "nace"))
    outcomes.add_argument("--format", choices=("table", "csv", "json"), default="table")
    outcomes.set_defaults(handler=cmd_report)

    bench = commands.add_parser("bench", help="benchmarks")
    bench_kinds = bench.add_subparsers(dest="bench", required=True, metavar="BENCHMARK")
    matching = bench_kinds.add_parser("matching", help="the matching index and rounds")
    matching.add_argument("--graduates", type=int, default=100_000)
    matching.add_argument("--positions", type=int, default=2_000)
    matching.add_argument("--seed", type=int, default=1)
    matching.set_defaults(handler=cmd_bench)
    search = bench_kinds.add_parser(
        "positions", help="requests per second of the public search (one uvicorn worker)"
    )
    search.add_argument("--positions", type=int, default=2_000)
    search.add_argument("--requests", type=int, default=2_000, help="per scenario")
    search.add_argument("--concurrency", type=int, default=20)
    search.add_argument("--max-seconds", type=float, default=30.0, help="per scenario")
    search.add_argument("--scenario", action="append", help="repeatable; default: all")
    search.add_argument("--baseline", action="store_true", help="also a bare Starlette page")
    search.set_defaults(handler=cmd_bench_positions)

    match_round = commands.add_parser("match-round", help="run a placement round")
    mode = match_round.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="preview only")
    mode.add_argument("--publish", action="store_true", help="create the referrals")
    match_round.add_argument("--algorithm", choices=("stable", "optimal"), default="stable")
    match_round.set_defaults(handler=cmd_match_round)

    commands.add_parser("send-mail", help="deliver queued mail through SMTP_URL").set_defaults(
        handler=cmd_send_mail
    )

    worker = commands.add_parser(
        "worker", help="run the periodic jobs (expiry, reminders, digests, mail) until stopped"
    )
    worker.add_argument("--once", action="store_true", help="run every due job once and exit")
    worker.add_argument("--poll-seconds", type=float, default=5.0, help=argparse.SUPPRESS)
    worker.set_defaults(handler=cmd_worker)

    backup = commands.add_parser("backup", help="copy the whole database to a file")
    backup.add_argument("file")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="replace the database with a backup")
    restore.add_argument("file")
    restore.add_argument("--yes", action="store_true", help="yes, replace every record")
    restore.set_defaults(handler=cmd_restore)

    translations = commands.add_parser(
        "translations", help="the Spanish catalogue: update from the sources, compile, check"
    )
    translations.add_argument("action", choices=("update", "compile", "check"))
    translations.add_argument(
        "--also",
        nargs="*",
        default=[],
        metavar="PO",
        help="fill empty translations from these .po files (e.g. both sides of a merge)",
    )
    translations.set_defaults(handler=cmd_translations)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
