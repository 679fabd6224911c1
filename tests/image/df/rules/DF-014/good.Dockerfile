FROM python:3.12-alpine
ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
ENV PASSWORD_FILE=/run/secrets/db_password
ARG TOKEN_URL=https://auth.example.com/token
ENV PUBLIC_KEY_PATH=/etc/keys/pub.pem
RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
USER 10001
