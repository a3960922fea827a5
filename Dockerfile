# syntax=docker/dockerfile:1
# breaker-mesh node image: `docker build -t breaker-mesh .`
#   docker run --rm breaker-mesh start --profile local --target http://upstream:8080/ --breaker upstream --rps 5
# The same image runs the flaky test upstream (docker/flaky-upstream.mjs); see docker-compose.yml.

# ---- build: install everything from the lockfile, compile, then drop dev dependencies
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the npm layer is cached until a package.json or the lockfile changes.
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/mesh/package.json packages/mesh/
COPY packages/cli/package.json packages/cli/
# The CLI's bin file must exist when npm links workspace binaries.
COPY packages/cli/bin packages/cli/bin
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY packages packages
# npm run build also bundles the web dashboard (into packages/mesh/dist/dashboard).
COPY scripts/build-dashboard.mjs scripts/
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf packages/*/src packages/*/test packages/*/dist/.tsbuildinfo

# ---- runtime: compiled JS + production node_modules only (~84 MB RSS per node, no tsx)
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# node_modules/@breaker-mesh/* are relative symlinks into packages/; COPY keeps them.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY docker/flaky-upstream.mjs ./docker/flaky-upstream.mjs
# `breaker-mesh` on PATH; a wrapper rather than a symlink, so it works whatever the
# bin file's mode bits are.
RUN printf '#!/bin/sh\nexec node /app/packages/cli/bin/breaker-mesh.js "$@"\n' > /usr/local/bin/breaker-mesh \
 && chmod 0755 /usr/local/bin/breaker-mesh \
 && breaker-mesh --help > /dev/null \
 && mkdir -p /run/breaker-mesh && chown node:node /run/breaker-mesh
# Secrets (fleet.key, admin.token) are mounted here; a named volume takes this owner.
USER node
# 7946: libp2p TCP (SWIM, sync, gossipsub); 7947: admin HTTP (bind it to 0.0.0.0 to expose);
# 5353/udp: mDNS.
EXPOSE 7946 7947 5353/udp
ENTRYPOINT ["breaker-mesh"]
# Listening on 0.0.0.0 needs the fleet key and (admin off loopback) an admin token:
#   BREAKER_MESH_FLEET_KEY_FILE=/run/breaker-mesh/fleet.key BREAKER_MESH_ADMIN_TOKEN_FILE=/run/breaker-mesh/admin.token
CMD ["start", "--profile", "local", "--admin", "0.0.0.0:7947"]
