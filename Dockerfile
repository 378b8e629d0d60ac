# connectors-api image: `docker build -t connectors-api .`; the Helm chart (charts/connectors-api) runs it.

# Build: the full dependency tree, esbuild and the sources; only dist/ (one bundled ES module with its
# dependencies inside, see scripts/build.mjs) leaves this stage.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN npm run typecheck:src && npm run build

# Runtime: node and dist/ only. The production dependencies are inside dist/main.js; no node_modules, no npm
# work, no compiler, no sources.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/dist ./dist
# Numeric, so Kubernetes can check runAsNonRoot without a passwd lookup; matches the chart's runAsUser.
USER 65532:65532
EXPOSE 8080
# node as PID 1 is fine here: src/main.ts handles SIGTERM/SIGINT itself and drains before exiting.
# The flags are SERVICE_NODE_FLAGS (scripts/service-node-flags.ts; a test keeps the two the same).
ENTRYPOINT ["node", "--max-semi-space-size=8", "--expose-gc", "dist/main.js"]
