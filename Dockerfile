# rag-auth: the API and the web UI in one container, ready for a Hugging Face Space (Docker SDK)
# or any container host. `docker build -t rag-auth . && docker run -p 7860:7860 rag-auth`.
# There is no Docker engine on the development machines: `npm run image:smoke` replays this
# file's steps outside Docker (it reads the RUN, ENV, USER, EXPOSE, HEALTHCHECK and CMD lines
# below, so keep each instruction on the lines it starts on, and paths relative to /app).

# A supported Node LTS line (the code itself runs on Node >= 20).
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first so the dependency layer is cached across source-only changes.
COPY package.json package-lock.json .npmrc ./
COPY backend/package.json backend/package.json
COPY frontend/package.json frontend/package.json
# npm ci's postinstall applies patches/ (patch-package) to the installed dependencies.
COPY patches patches
RUN npm ci --no-audit --no-fund
COPY . .
# Both workspaces (backend tsc → backend/dist, web UI vite → frontend/dist), then drop what the
# running server does not need: dev dependencies, sources, tests.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund && rm -rf backend/src backend/scripts backend/test e2e frontend/src docs/screenshots

FROM ${NODE_IMAGE} AS runtime
# docs/api.md §1 image defaults: fit for a Space, both inside the huggingface.co page's iframe and at
# https://<user>-<space>.hf.space. Override any of them with the Space's variables/secrets.
ENV NODE_ENV=production
ENV PORT=7860
ENV HOST=0.0.0.0
ENV TRUST_PROXY=1
ENV COOKIE_SAMESITE=none
ENV COOKIE_PARTITIONED=true
ENV FRAME_ANCESTORS=https://huggingface.co
ENV DATA_DIR=/data
WORKDIR /app
# Code stays root-owned (the server cannot rewrite itself); only the data fallback is writable.
COPY --from=build /app /app
# /data is a Space's persistent storage when enabled; without it the server falls back to
# /app/data (logged at start) and the embedded database lives as long as the container.
RUN mkdir -p /app/data && chown node:node /app/data
# The node images' user `node` has uid 1000, the uid Hugging Face runs Space containers with.
USER node
EXPOSE 7860
# No curl in slim images: node's fetch. /health answers 503 when the database does not.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||7860)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "backend/dist/server.js"]
