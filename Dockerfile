# The runlens image: one image for every role — `runlens migrate`, `runlens processor`,
# `runlens api` (which also serves the dashboard and the HTTP ingest gateway). TypeScript runs
# through tsx (a runtime dependency, as `npm run` does), so there is no compile step; the build
# stage only installs the production dependencies and builds the dashboard.
#   docker build -t runlens .
#   docker run --rm -e RUNLENS_KAFKA_BROKERS=… -e RUNLENS_CLICKHOUSE_URL=… runlens api
# Not built on the development machine (it has no Docker engine): deploy/compose and deploy/helm
# use it; test/deploy lints it with hadolint and checks its shape.

FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The dashboard is built with esbuild, a production dependency: --omit=dev keeps it.
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY dashboard ./dashboard
RUN node bin/build-dashboard.js --force

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production \
    RUNLENS_API_HOST=0.0.0.0 \
    RUNLENS_PROCESSOR_METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY cli ./cli
COPY common ./common
COPY ingest ./ingest
COPY processors ./processors
COPY query-api ./query-api
COPY schemas ./schemas
COPY storage ./storage
# The node image's unprivileged user (node, 1000), by number so that a runtime that checks
# runAsNonRoot can tell; nothing in /app is writable by it.
USER 1000:1000
# API and gateway; the processor's /metrics.
EXPOSE 8080 9464
ENTRYPOINT ["node", "bin/runlens.js"]
CMD ["api"]
