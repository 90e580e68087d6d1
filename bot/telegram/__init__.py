"""The Telegram front-end: `citebot telegram`.

The CLI calls add_arguments(parser) for the subcommand's options and run(args, kb) to serve.
"""

from __future__ import annotations

import argparse
import logging
import sys

from bot.model import KnowledgeBase

EXIT_CONFIG = 2  # missing/malformed token or option: nothing was started


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "telegram",
        "The token comes from TELEGRAM_BOT_TOKEN or the file named by TELEGRAM_BOT_TOKEN_FILE; "
        "TELEGRAM_API_BASE_URL points the bot at another Bot API server. "
        "Without --webhook-url the bot uses long polling.",
    )
    group.add_argument(
        "--webhook-url", metavar="URL",
        help="public HTTPS URL Telegram posts updates to; its path is served locally "
        "(env TELEGRAM_WEBHOOK_URL)",
    )
    group.add_argument(
        "--listen", metavar="ADDRESS",
        help="webhook server address (env TELEGRAM_WEBHOOK_LISTEN, default 127.0.0.1; "
        "0.0.0.0 in a container)",
    )
    group.add_argument(
        "--port", type=int, metavar="PORT",
        help="webhook server port (env TELEGRAM_WEBHOOK_PORT, default 8443)",
    )
    group.add_argument(
        "--webhook-secret", metavar="SECRET",
        help="secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; other requests are "
        "refused (env TELEGRAM_WEBHOOK_SECRET)",
    )
    group.add_argument(
        "--log-questions", action="store_true",
        help="include question text in the logs (env CITEBOT_LOG_QUESTIONS=1); off by default "
        "for privacy",
    )
    group.add_argument(
        "--poll-timeout", type=float, metavar="SECONDS", default=None,
        help="long-polling wait per getUpdates call (default 10)",
    )
    group.add_argument(
        "--rate-limit", metavar="COUNT/SECONDS",
        help="per chat: answer a burst of COUNT messages, refilled over SECONDS; the next one "
        "gets a note, later ones silence (env CITEBOT_RATE_LIMIT, default 5/10)",
    )
    group.add_argument(
        "--max-pending", type=int, metavar="N",
        help="long polling: updates fetched but not yet answered, at most (env "
        "CITEBOT_MAX_PENDING, default 16); a stop answers these before exiting",
    )
    group.add_argument(
        "--drain-seconds", type=float, metavar="SECONDS",
        help="on SIGTERM/SIGINT, time to answer what was fetched; what is left is delivered "
        "again to the next run (env CITEBOT_DRAIN_SECONDS, default 2)",
    )
    group.add_argument(
        "--send-rate", type=float, metavar="PER_SECOND",
        help="messages per second over all chats, Telegram's flood limit (env "
        "CITEBOT_SEND_RATE, default 30; 0: no limit)",
    )
    group.add_argument(
        "--health-port", type=int, metavar="PORT",
        help="long polling: serve GET /healthz on this port (env CITEBOT_HEALTH_PORT); with "
        "a webhook it is served on the webhook port",
    )
    from bot.telegram.ops import add_arguments as add_ops_arguments

    add_ops_arguments(parser)


def run(args: argparse.Namespace, kb: KnowledgeBase) -> int:
    """Serve until SIGINT/SIGTERM. Exit codes: 0 clean stop, 1 the Bot API failed at startup,
    2 missing or malformed configuration (one line on stderr, nothing started)."""
    # Imported here so that the other subcommands do not load PTB (`citebot --help` does,
    # through add_arguments: the help lists the telegram options).
    from bot.assemble import build_engine
    from bot.reload import LiveEngine
    from bot.telegram.app import build_application, run_application, settings_from
    from bot.telegram.logs import setup_logging
    from bot.telegram.ops import TelegramOps, ops_settings_from
    from bot.telegram.token import TokenError, secrets_of

    try:
        settings = settings_from(args)
        ops_settings = ops_settings_from(args)
    except (TokenError, ValueError) as exc:
        print(f"citebot telegram: error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    secrets = [*secrets_of(settings.token), settings.webhook_secret or ""]
    logs = setup_logging(secrets, level=logging.INFO, log_questions=settings.log_questions)
    try:
        # The knowledge base is reloaded from where it was loaded (SIGHUP, /reload).
        path = getattr(args, "kb", None)
        # The model is loaded now, not at the first question it would keep waiting.
        live = LiveEngine(path, kb, build=lambda kb: build_engine(kb, path, warm=True))
        with TelegramOps(ops_settings, live) as ops:
            app = build_application(settings, live.engine, ops=ops)
            return run_application(app, settings)
    except Exception:
        # Logged through the redacting handler: Python's own traceback printer would not
        # hide the token.
        logging.getLogger("citebot").exception("citebot telegram stopped on an unexpected error")
        return 1
    finally:
        logs.close()
