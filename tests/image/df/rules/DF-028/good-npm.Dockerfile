FROM node:20-alpine
RUN npm ci --omit=dev && npm install -g typescript@5.4.5 ./tools/cli @org/pkg@1.0.0 git+https://github.com/org/x.git#v1.0.0
RUN npm run --silent install
USER 1
