# syntax=docker/dockerfile:1
# gatescope console image: multi-stage, runs as a non-root user, works with a read-only root
# filesystem (writable: /tmp for tsx's compile cache, /app/.next/cache for Next; both emptyDir in
# deploy/base/deployment.yaml).
#   docker build -t gatescope:dev .
#   docker run --rm -p 3000:3000 --read-only --tmpfs /tmp --tmpfs /app/.next/cache \
#     -v ~/.kube/config:/kubeconfig:ro gatescope:dev --kubeconfig /kubeconfig --host 0.0.0.0 --auth token
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN npx next build \
 && npm prune --omit=dev --no-audit --no-fund \
 && find server lib -name '*.test.ts' -delete \
 && rm -rf .next/cache

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=build /app/package.json /app/next.config.ts /app/tsconfig.json /app/postcss.config.mjs ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/server ./server
COPY --from=build /app/lib ./lib
COPY --from=build /app/.next ./.next
# `gatescope start` rebuilds when a source is newer than the build: the build is the newest file
# here, so it never tries to (the root filesystem is read-only at run time anyway).
RUN mkdir -p .next/cache && touch .next/BUILD_ID && chown 65532:65532 .next/cache
USER 65532:65532
EXPOSE 3000
ENTRYPOINT ["node", "bin/gatescope.mjs", "start"]
CMD ["--in-cluster", "--host=0.0.0.0", "--port=3000", "--auth=token"]
