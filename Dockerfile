# syntax=docker/dockerfile:1
# The image runs on the current Node LTS (Node 20 reached end of life in April 2026); the code itself
# still runs on Node 20.18+ (package.json engines), which is what the tests run on.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build stage: install production dependencies only (tsx runs the TypeScript sources directly).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Runtime stage: no compilers, no npm cache, a non-root user, data on a volume. Same Node as the
# build stage, so the prebuilt native modules (@napi-rs/canvas) match.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    COMPUTEHUB_DATA_DIR=/data \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY commands ./commands
COPY adapters ./adapters
COPY data ./data
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# Slack's HTTP receiver (only used when SLACK_BOT_TOKEN is set without SLACK_APP_TOKEN).
EXPOSE 3000
# The bot refreshes a heartbeat file while its scheduler runs; a stale one means it is stuck.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 CMD ["node", "src/bin/computehub.js", "health"]
# Exec form: node is PID 1 and handles SIGTERM itself (a graceful stop within docker's 10 s, src/main.ts).
CMD ["node", "src/bin/computehub.js", "start"]
