# The mtlc CPU trainer for AWS Batch on Fargate (cdk deploy -c compute=cpu). Built by `cdk deploy` for
# linux/amd64; `cdk synth` only stages it. It trains with tfjs-wasm and mtlc's kernels, the backend `npm run bench`
# measures, in one thread: one vCPU a job. Install scripts are skipped, so the optional tfjs-node (which would
# download libtensorflow) stays unbuilt and lib/model loads wasm.
FROM node:20-bookworm-slim

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

COPY tsconfig.json ./
COPY bin ./bin
COPY lib ./lib
COPY functions ./functions

ENV NODE_ENV=production MTLC_CACHE_DIR=/tmp/mtlc-cache AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
USER node
ENTRYPOINT ["node", "bin/run-ts.js", "functions/trainer/entry.ts"]
