# Image for the sidecar-injector admission webhook.
#
#   docker build -t sidecar-injector:0.1.0 .
#
# The runtime stage contains the compiled server (dist/), the production
# dependencies and the shipped templates, and runs as UID/GID 65532. It writes
# nothing to its own filesystem, so it runs with readOnlyRootFilesystem: true.

# NOTE: the tag is not pinned to a digest. Pin it (node:24-bookworm-slim@sha256:...)
# for reproducible builds.
ARG NODE_IMAGE=node:24-bookworm-slim

# Stage 1: compile TypeScript to dist/ with the dev dependencies.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# tsc needs no install scripts, and skipping them keeps native builds
# (a dev dependency has one) out of the image build.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Stage 2: production dependencies only. None of them has an install script
# in package-lock.json, so --ignore-scripts changes nothing they need.
FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Stage 3: runtime.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Default for --templates-dir is /app/templates.
COPY templates ./templates

# Numeric IDs, so that runAsNonRoot can verify them without an /etc/passwd entry.
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["node", "dist/main.js"]
