# Brückenbot for a town's server: `docker build -t brueckenbot .`, then compose.yaml (docs/operations.md).
# The image holds the built program, its production dependencies, the migrations and the locales; no
# sources, tests or compilers. It runs as the unprivileged user `node`.

ARG NODE_IMAGE=node:20-slim

# All dependencies, for building. No install scripts: the Prisma client is generated below, and nothing
# else of ours needs one (Prisma's engines would only be downloaded; its migrations run on the bundled
# Wasm engine).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npx prisma generate && npm run build

# Production dependencies only; the Prisma CLI is one of them (the bot applies migrations at start).
FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
WORKDIR /app
# What the program reads at run time, found from package.json (core/paths.ts): the locales, the migrations
# and prisma.config.ts (for `migrate deploy`), the example catalogue (seed) and the simulator's page (demo mode).
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json prisma.config.ts ./
COPY prisma ./prisma
COPY locales ./locales
COPY sim/public ./sim/public
# DATA_DIR is used only without DATABASE_URL (demo mode's embedded database); it must be writable.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# Ready means PostgreSQL and the queue backend answer (503 otherwise); Node's fetch, as the image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm run start:prod` without npm in between: node is PID 1 and gets SIGTERM itself (graceful shutdown).
CMD ["node", "--enable-source-maps", "--max-old-space-size=128", "--max-semi-space-size=12", "dist/bot/main.js"]
