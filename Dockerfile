# citebot: the Telegram bot (or the console, without a token) over the built-in knowledge base.
#   docker build -t citebot .
#   docker run --rm -e TELEGRAM_BOT_TOKEN=... citebot            # long polling
#   docker run --rm -p 8443:8443 -e TELEGRAM_BOT_TOKEN=... -e TELEGRAM_WEBHOOK_URL=https://host/hook \
#       -e TELEGRAM_WEBHOOK_SECRET=... citebot                    # webhook (behind a TLS proxy)
#   docker run --rm -it citebot citebot chat                     # console
# The token may instead come from a Docker secret: -e TELEGRAM_BOT_TOKEN_FILE=/run/secrets/token
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CITEBOT_KB=/app/knowledge \
    TELEGRAM_WEBHOOK_LISTEN=0.0.0.0

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir .
COPY knowledge ./knowledge

# Fail the build on a bad knowledge base rather than at the first question.
RUN citebot check

RUN useradd --system --home /app citebot
USER citebot

EXPOSE 8443
CMD ["citebot", "run"]
