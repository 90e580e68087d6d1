# citebot: the Telegram bot over the built-in knowledge base. Without a token it refuses to
# start (one line on stderr, exit 2) rather than stopping cleanly.
#   docker build -t citebot .
#   docker run --rm -e TELEGRAM_BOT_TOKEN=... citebot            # long polling
#   docker run --rm -p 8443:8443 -e TELEGRAM_BOT_TOKEN=... -e TELEGRAM_WEBHOOK_URL=https://host/hook \
#       -e TELEGRAM_WEBHOOK_SECRET=... citebot                    # webhook (behind a TLS proxy)
#   docker run --rm -it citebot citebot chat                     # console
# The token may instead come from a Docker secret: -e TELEGRAM_BOT_TOKEN_FILE=/run/secrets/token
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TELEGRAM_WEBHOOK_LISTEN=0.0.0.0

WORKDIR /src

# Dependencies, at the versions the tests passed with, in a layer of their own: editing the code
# does not reinstall them. setuptools (pinned too) builds the wheel below without a download.
COPY pyproject.toml constraints.txt ./
RUN python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' > requirements.txt \
 && pip install --constraint constraints.txt --requirement requirements.txt setuptools

# The code and the knowledge base, installed as a wheel (knowledge/ becomes bot/knowledge), so
# the image runs what `pip install` gives a user; the sources are removed afterwards.
COPY README.md LICENSE NOTICE ./
COPY bot ./bot
COPY knowledge ./knowledge
RUN pip install --no-deps --no-build-isolation . \
 && cd / && rm -rf /src
# Away from the sources: `python -m bot` must find the installed package, not a folder.
WORKDIR /app

# Fail the build on a bad knowledge base rather than at the first question.
RUN citebot check

# A numeric user, so that Kubernetes' runAsNonRoot can verify it.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /nonexistent citebot
USER 10001:10001

EXPOSE 8443
# Webhook mode: GET /healthz on the webhook port; long polling has no port, and passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["citebot", "health"]
CMD ["citebot", "telegram"]
