# syntax=docker/dockerfile:1
# Build stage: install production dependencies only (tsx runs the TypeScript sources directly).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Runtime stage: no compilers, no npm cache, a non-root user, data on a volume.
FROM node:20-bookworm-slim
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
CMD ["node", "src/bin/computehub.js", "start"]
