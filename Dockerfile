# connectors-api image: `docker build -t connectors-api .`; the Helm chart (charts/connectors-api) runs it.

# Build: the full dependency tree and the TypeScript compiler; only dist/ leaves this stage.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies only, no compiler, no sources.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Numeric, so Kubernetes can check runAsNonRoot without a passwd lookup; matches the chart's runAsUser.
USER 65532:65532
EXPOSE 8080
# node as PID 1 is fine here: src/main.ts handles SIGTERM/SIGINT itself and drains before exiting.
ENTRYPOINT ["node", "dist/main.js"]
