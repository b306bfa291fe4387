# efs-encrypt in a container: `efs-encrypt serve` in Socket Mode or as an HTTP receiver.
# Build:  docker build -t efs-encrypt .
# Run:    see README.md, "Deploy" (docker run with the environment it needs).

# --- build: compile the CLI into dist/ (esbuild is a production dependency; no dev tools needed)
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY bin ./bin
COPY blocks ./blocks
COPY src ./src
RUN node bin/build-dist.js

# --- run: production dependencies only, the compiled dist/, a non-root user
FROM node:20-slim
ENV NODE_ENV=production \
    SLACK_HOST=0.0.0.0 \
    SLACK_PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# classic-level (the embedded store) ships prebuilt binaries; its install script only checks them.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
  && npm rebuild classic-level \
  && npm cache clean --force
# From the build stage, so the files keep the sizes and mtimes dist/'s build stamp recorded and
# bin/efs-encrypt.js runs dist/ rather than compiling the sources at each start.
COPY --from=build /app/tsconfig.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/blocks ./blocks
COPY --from=build /app/src ./src
COPY --from=build /app/dist ./dist
# The node image's unprivileged user (uid 1000); nothing in /app is writable by it.
USER node
EXPOSE 3000
# HTTP: the receiver's GET /healthz on SLACK_PORT. Socket Mode: set EFS_ENCRYPT_HEALTH_PORT (e.g. 3000).
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const p=Number(process.env.EFS_ENCRYPT_HEALTH_PORT)||Number(process.env.SLACK_PORT)||3000;fetch('http://127.0.0.1:'+p+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The Node options of bin/efs-encrypt.js's first line (a test keeps the two the same); node is named
# here so the entry point does not depend on the image's `env -S`.
ENTRYPOINT ["node", "--max-semi-space-size=8", "bin/efs-encrypt.js"]
CMD ["serve"]
