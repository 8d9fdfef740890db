# Samsnakk: appservice, bot and varsler. Built from the repository root.
FROM python:3.11-slim
WORKDIR /src
COPY pyproject.toml README.md ./
COPY samsnakk_bot ./samsnakk_bot
COPY bridge ./bridge
RUN pip install --no-cache-dir . && rm -rf /src
RUN useradd --system --uid 10001 --home-dir /var/lib/samsnakk --create-home samsnakk
USER samsnakk
WORKDIR /var/lib/samsnakk
ENTRYPOINT ["samsnakk"]
CMD ["run", "--config", "/etc/samsnakk/samsnakk.yaml"]
